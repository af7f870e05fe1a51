import Foundation
import Geometry
import SceneIO
import Testing
@testable import Eval

@Suite struct MeshTransferTests {
    static let mesh = URL(fileURLWithPath: "/data/mesh.ply"), scene = URL(fileURLWithPath: "/data/scene")

    @Test func eachVertexTakesItsNearestPointWithinTheRadius() throws {
        let points: [SIMD3<Float>] = [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(2, 0, 0)]
        // Vertex 3 is 0.3 from point 2: farther than the radius 0.1.
        let vertices: [SIMD3<Float>] = [SIMD3(1.02, 0, 0), SIMD3(0, 0.05, 0), SIMD3(2, 0, 0.01), SIMD3(2.3, 0, 0), SIMD3(0.97, 0, 0)]
        let result = try MeshTransfer.match(vertices: vertices, points: points, options: MeshTransferOptions(radius: 0.1),
                                            meshURL: Self.mesh, sceneURL: Self.scene)
        #expect(result.pointOfVertex == [1, 0, 2, -1, 1])
        #expect(result.unmatchedCount == 1 && abs(result.unmatchedShare - 0.2) < 1e-12)
        let moved = result.transfer([BenchmarkMask(labelID: 5, score: 0.7, points: [1, 2]), BenchmarkMask(labelID: 3, score: 0.2, points: [0])],
                                    pointCount: points.count)
        #expect(moved.map(\.points) == [[0, 2, 4], [1]])
        #expect(moved.map(\.labelID) == [5, 3] && moved.map(\.score) == [0.7, 0.2])
    }

    @Test func manyThreadsGiveTheSameAnswerAsOne() throws {
        var rng = SeededGenerator(seed: 3)
        let points = (0..<3000).map { _ in SIMD3<Float>(Float(rng.nextUnitDouble()), Float(rng.nextUnitDouble()), 0) }
        let vertices = (0..<9000).map { _ in SIMD3<Float>(Float(rng.nextUnitDouble()), Float(rng.nextUnitDouble()), 0.01) }
        var one = MeshTransferOptions(radius: 0.05)
        one.threads = 1
        var many = one
        many.threads = 8
        let a = try MeshTransfer.match(vertices: vertices, points: points, options: one, meshURL: Self.mesh, sceneURL: Self.scene)
        let b = try MeshTransfer.match(vertices: vertices, points: points, options: many, meshURL: Self.mesh, sceneURL: Self.scene)
        #expect(a.pointOfVertex == b.pointOfVertex)
        // Brute force on a sample.
        for v in stride(from: 0, to: vertices.count, by: 97) {
            let best = points.indices.min { simd_distance_squared(points[$0], vertices[v]) < simd_distance_squared(points[$1], vertices[v]) } ?? -1
            let d2 = simd_distance_squared(points[best], vertices[v])
            #expect(a.pointOfVertex[v] == (d2 <= 0.05 * 0.05 ? Int32(best) : -1))
        }
    }

    @Test func aMeshThatIsNotAlignedIsRefusedNamingTheFile() {
        let points: [SIMD3<Float>] = (0..<50).map { SIMD3(Float($0) * 0.01, 0, 0) }
        let vertices = points.map { $0 + SIMD3<Float>(0, 0, 1) }
        let error = #expect(throws: EvalError.self) {
            _ = try MeshTransfer.match(vertices: vertices, points: points, options: MeshTransferOptions(),
                                       meshURL: Self.mesh, sceneURL: Self.scene)
        }
        #expect("\(String(describing: error))".contains("/data/mesh.ply") && "\(String(describing: error))".contains("not aligned"))
    }
}

private func simd_distance_squared(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float {
    let d = a - b
    return (d * d).sum()
}
