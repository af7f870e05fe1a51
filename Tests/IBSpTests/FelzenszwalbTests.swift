import Geometry
import Testing
@testable import IBSp

@Suite("Felzenszwalb as in the ScanNet segmentator")
struct FelzenszwalbTests {
    func labels(_ graph: SegmentGraph, k: Float = 0.01, minSize: Int, ties: EdgeTieOrder = .stable) -> [Int32] {
        var sets = Felzenszwalb.segment(graph, kThresh: k, minSize: minSize, ties: ties)
        return sets.roots()
    }

    @Test("two perpendicular quads split at the concave crease; interiors stay whole", arguments: [1, 20])
    func perpendicularQuads(minSize: Int) throws {
        let mesh = IBSpTests.perpendicularQuads(n: 8, step: 0.1)
        let graph = try SegmentGraph.scanNetMesh(positions: mesh.positions, faces: mesh.faces).graph
        let ids = labels(graph, minSize: minSize)
        #expect(samePartition(ids, referenceSegmentation(graph, kThresh: 0.01, minSize: minSize)))
        let floor = Set(ids.indices.filter { mesh.side[$0] == 0 }.map { ids[$0] })
        let wall = Set(ids.indices.filter { mesh.side[$0] == 1 }.map { ids[$0] })
        // Vertices one ring away from the crease carry blended normals; everything else is one plane.
        let floorInterior = Set(ids.indices.filter { mesh.side[$0] == 0 && mesh.positions[$0].x > 0.15 }.map { ids[$0] })
        let wallInterior = Set(ids.indices.filter { mesh.side[$0] == 1 && mesh.positions[$0].z > 0.15 }.map { ids[$0] })
        #expect(floorInterior.count == 1)
        #expect(wallInterior.count == 1)
        #expect(floorInterior != wallInterior)
        #expect(floor.isSuperset(of: floorInterior) && wall.isSuperset(of: wallInterior))
        if minSize == 20 {
            // Every segment has at least 20 vertices once the small ones are merged.
            let sizes = Dictionary(grouping: ids, by: { $0 }).mapValues(\.count)
            #expect(sizes.values.allSatisfy { $0 >= 20 })
        }
    }

    @Test("a cube: every corner is its own segment without the size merge, one segment with it")
    func cube() throws {
        let p: [SIMD3<Float>] = [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]]
        let faces: [Int32] = [0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 1, 2, 6, 1, 6, 5, 2, 3, 7, 2, 7, 6, 3, 0, 4, 3, 4, 7]
        let graph = try SegmentGraph.scanNetMesh(positions: p, faces: faces).graph
        #expect(graph.edgeCount == 36)  // 3 per face, shared edges kept twice
        #expect(Set(labels(graph, minSize: 1)).count == 8)
        #expect(Set(labels(graph, minSize: 20)).count == 1)
        #expect(samePartition(labels(graph, minSize: 1), referenceSegmentation(graph, kThresh: 0.01, minSize: 1)))
    }

    @Test("a flat plane with a tilted patch: the patch is its own segment")
    func tiltedPatch() throws {
        // A 24×24 grid; inside [0.8, 1.6]² the surface is a plane tilted by ~30° about the y axis (a ramp).
        let mesh = gridMesh(nx: 24, ny: 24, step: 0.1) { x, y in
            (0.8...1.6).contains(x) && (0.8...1.6).contains(y) ? (x - 0.8) * 0.58 : 0
        }
        let graph = try SegmentGraph.scanNetMesh(positions: mesh.positions, faces: mesh.faces).graph
        let ids = labels(graph, minSize: 5)
        #expect(samePartition(ids, referenceSegmentation(graph, kThresh: 0.01, minSize: 5)))
        let inside = mesh.positions.indices.filter {
            let q = mesh.positions[$0]
            return (1.0...1.4).contains(q.x) && (1.0...1.4).contains(q.y)
        }
        let outside = mesh.positions.indices.filter { mesh.positions[$0].x < 0.5 || mesh.positions[$0].y < 0.5 }
        #expect(Set(inside.map { ids[$0] }).count == 1)
        #expect(Set(outside.map { ids[$0] }).count == 1)
        #expect(ids[inside[0]] != ids[outside[0]])
    }

    @Test("ties: the stable order joins a small component along the lower-index edge")
    func tieOrder() {
        // {0} is small; A = {1,2,3} and B = {4,5,6} are joined by zero-weight edges. 0 touches A and B with equal
        // weight 0.5 (too high for the main pass), so the size merge decides, and the first of the two edges wins.
        var g = SegmentGraph(vertexCount: 7, a: [1, 2, 4, 5], b: [2, 3, 5, 6], w: [0, 0, 0, 0])
        g.a += [0, 0]; g.b += [1, 4]; g.w += [0.5, 0.5]
        let first = labels(g, minSize: 2)
        #expect(first[0] == first[1] && first[0] != first[4])
        var swapped = g
        swapped.b[4] = 4; swapped.b[5] = 1
        let second = labels(swapped, minSize: 2)
        #expect(second[0] == second[4] && second[0] != second[1])
        // Main-pass ties are order-independent: both orders give the same partition without the size merge.
        #expect(samePartition(labels(g, minSize: 1), labels(swapped, minSize: 1)))
    }

    @Test("random graphs with and without ties match the naive reference", arguments: [false, true])
    func randomGraphs(ties: Bool) {
        var rng = SeededGenerator(seed: ties ? 11 : 12)
        for trial in 0..<30 {
            let n = 20 + rng.nextIndex(below: 200)
            let graph = randomGraph(n: n, e: n * (1 + rng.nextIndex(below: 4)), ties: ties, rng: &rng)
            let minSize = [1, 3, 10][trial % 3]
            let k: Float = [0.005, 0.02, 0.1][trial % 3]
            #expect(samePartition(labels(graph, k: k, minSize: minSize), referenceSegmentation(graph, kThresh: k, minSize: minSize)))
        }
    }

    @Test("the libstdc++ order is a sorted permutation, including heapsort fallbacks and many ties")
    func introsortOrderSorts() {
        var rng = SeededGenerator(seed: 5)
        for n in [0, 1, 2, 17, 100, 5000] {
            for levels in [2, 1000] {
                let w = (0..<n).map { _ in Float(rng.nextIndex(below: levels)) }
                let order = IntrosortOrder.order(w)
                #expect(order.map(Int.init).sorted() == Array(0..<n))
                #expect(zip(order, order.dropFirst()).allSatisfy { w[Int($0)] <= w[Int($1)] })
            }
        }
        // Descending runs drive the quicksort into its depth limit and so through the heapsort path.
        let organ = (0..<4096).map { Float($0 % 2 == 0 ? $0 : 4096 - $0) }
        let order = IntrosortOrder.order(organ)
        #expect(zip(order, order.dropFirst()).allSatisfy { organ[Int($0)] <= organ[Int($1)] })
    }

    @Test("the radix order equals sorting by (weight, index), negatives and NaN included")
    func radixOrder() {
        var rng = SeededGenerator(seed: 9)
        var w = (0..<3000).map { _ in Float(rng.nextUniform(in: -1..<1)) }
        w += [0, -0.0, .nan, 1e-30, -1e-30, 5, 5, 5]
        let order = EdgeOrder.ascending(w).map(Int.init)
        let expected = w.indices.sorted {
            let (x, y) = (w[$0], w[$1])
            if x.isNaN || y.isNaN { return x.isNaN == y.isNaN ? $0 < $1 : !x.isNaN }
            return x == y ? $0 < $1 : x < y
        }
        // -0 and +0 compare equal but have different bit keys: -0 sorts first. Compare by value, then index, else.
        let valueKeys = order.map { w[$0].isNaN ? Float.infinity : w[$0] }
        #expect(zip(valueKeys, valueKeys.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(order.filter { !w[$0].isNaN && w[$0] != 0 } == expected.filter { !w[$0].isNaN && w[$0] != 0 })
        #expect(order.suffix(1).allSatisfy { w[$0].isNaN })
    }

    @Test("contiguous relabelling numbers segments by first appearance")
    func contiguous() {
        let (labels, count) = Felzenszwalb.contiguous([7, 7, 3, 9, 3, 7])
        #expect(labels == [0, 0, 1, 2, 1, 0])
        #expect(count == 3)
    }
}
