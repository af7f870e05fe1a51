import Geometry
import Testing
@testable import IBSp

@Suite("Graphs and the ScanNet edge weight")
struct SegmentGraphTests {
    @Test("convex creases square the weight, concave ones do not")
    func convexity() {
        // Normals tilted ±45° about y on two sides of a crease along y.
        let s = Float(0.5).squareRoot()
        let left = SIMD3<Float>(-s, 0, s), right = SIMD3<Float>(s, 0, s)
        let pa = SIMD3<Float>(-1, 0, 0), pb = SIMD3<Float>(1, 0, 0)
        let plain = 1 - (left * right).sum()
        // Ridge (convex): n_b points away from a: n_b · (p_b − p_a) > 0 → squared.
        #expect(abs(scanNetEdgeWeight(pa: pa, pb: pb, na: left, nb: right) - plain * plain) < 1e-6)
        // Valley (concave): normals swapped → plain.
        #expect(abs(scanNetEdgeWeight(pa: pa, pb: pb, na: right, nb: left) - plain) < 1e-6)
    }

    @Test("mesh graph: three edges per face in the segmentator's order; running-mean normals are not renormalised")
    func meshGraph() throws {
        let p: [SIMD3<Float>] = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]
        let faces: [Int32] = [0, 1, 2, 0, 3, 1]
        let (graph, normals) = try SegmentGraph.scanNetMesh(positions: p, faces: faces)
        #expect(graph.a == [0, 0, 2, 0, 0, 1])
        #expect(graph.b == [1, 2, 1, 3, 1, 3])
        // Vertex 0 blends +z and +y (face 2 is (0,3,1): (0,0,1)×(1,0,0) = (0,1,0)) → (0, ½, ½), length ≈ 0.707.
        #expect(abs(normals[0].y - 0.5) < 1e-6 && abs(normals[0].z - 0.5) < 1e-6)
        #expect(abs((normals[0] * normals[0]).sum().squareRoot() - Float(0.5).squareRoot()) < 1e-6)
        #expect(throws: IBSpError.self) { try SegmentGraph.scanNetMesh(positions: p, faces: [0, 1, 9]) }
    }

    @Test("kNN graph: every kNN pair exactly once, smaller index first")
    func knnGraph() throws {
        var rng = SeededGenerator(seed: 3)
        let points = (0..<400).map { _ in SIMD3<Float>(rng.nextPoint(halfExtent: 1)) }
        let normals = [SIMD3<Float>](repeating: [0, 0, 1], count: points.count)
        let graph = try SegmentGraph.knn(positions: points, normals: normals, options: KNNGraphOptions(k: 6))
        var pairs = Set<SIMD2<Int32>>()
        for e in 0..<graph.edgeCount {
            #expect(graph.a[e] < graph.b[e])
            #expect(pairs.insert(SIMD2(graph.a[e], graph.b[e])).inserted)
        }
        let rows = try KDTree(points: points).knnGraph(k: 6)
        for i in 0..<points.count {
            for j in rows.neighbors(of: i) where j >= 0 {
                #expect(pairs.contains(SIMD2(min(Int32(i), j), max(Int32(i), j))))
            }
        }
        #expect(pairs.count == graph.edgeCount)
        #expect(throws: IBSpError.self) { try SegmentGraph.knn(positions: points, normals: [], options: KNNGraphOptions(k: 6)) }
    }

    @Test("segment-mesh JSON has ScanNet's keys and default file name")
    func scanNetJSON() throws {
        let text = ScanNetSegmentation.json(sceneId: "scene0000_00", kThresh: 0.01, segMinVerts: 20, segIndices: [4, 4, 7])
        #expect(text == "{\"params\":{\"kThresh\":0.01,\"segMinVerts\":20},\"sceneId\":\"scene0000_00\",\"segIndices\":[4,4,7]}")
        let url = ScanNetSegmentation.defaultOutput(for: URL(fileURLWithPath: "/d/scene_vh_clean_2.ply"), kThresh: 0.01)
        #expect(url.lastPathComponent == "scene_vh_clean_2.0.010000.segs.json")
    }
}

import Foundation

@Suite("Superpoints stage on arrays")
struct SuperpointStageTests {
    @Test("geometric superpoints over a mesh graph are segment-mesh's partition, relabelled 0..<S")
    func meshGraphMatchesSegmentMesh() throws {
        let mesh = gridMesh(nx: 20, ny: 20, step: 0.05) { x, y in x > 0.5 ? (x - 0.5) * 0.8 : 0 }
        var options = SuperpointOptions()
        options.mode = .geometric
        options.graph = .mesh
        options.minSize = 10
        let result = try Superpoints.compute(positions: mesh.positions, normals: [], meshFaces: mesh.faces, options: options)
        let scanNet = try ScanNetSegmentation.segment(positions: mesh.positions, faces: mesh.faces, kThresh: 0.01,
                                                      segMinVerts: 10, ties: .stable)
        #expect(result.graph == .mesh)
        #expect(samePartition(result.labels, scanNet))
        #expect(result.count == Set(scanNet).count && result.count >= 2)
        #expect(Set(result.labels) == Set(0..<Int32(result.count)))
        #expect(result.keptEdges == result.edges)
        options.mode = .ibsp
        #expect(throws: IBSpError.self) {
            try Superpoints.compute(positions: mesh.positions, normals: [], meshFaces: mesh.faces, options: options)
        }
    }
}
