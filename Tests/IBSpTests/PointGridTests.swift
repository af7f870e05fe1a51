import Geometry
import Testing
@testable import IBSp

@Suite("Grid kNN")
struct PointGridTests {
    /// Brute-force rows: the k nearest other points by (squared distance, index).
    func bruteForce(_ points: [SIMD3<Float>], k: Int) -> [[Int32]] {
        points.indices.map { i in
            let order = points.indices.filter { $0 != i }.map { j -> (Float, Int) in
                let d = points[j] - points[i]
                return (d.x * d.x + d.y * d.y + d.z * d.z, j)
            }.sorted { $0 < $1 }
            return order.prefix(k).map { Int32($0.1) } + [Int32](repeating: -1, count: max(0, k - order.count))
        }
    }

    /// A wall and a floor sampled on a jittered 1 cm lattice (many equal distances), a sparse cluster, outliers.
    func scene(_ seed: UInt64) -> [SIMD3<Float>] {
        var rng = SeededGenerator(seed: seed)
        var points: [SIMD3<Float>] = []
        for x in 0..<12 { for y in 0..<10 { points.append(SIMD3(Float(x) * 0.01, Float(y) * 0.01, 0)) } }
        for x in 0..<12 {
            for z in 1..<7 { points.append(SIMD3(Float(x) * 0.01, 0, Float(z) * 0.01 + Float(rng.nextUniform(in: 0..<0.002)))) }
        }
        for _ in 0..<25 { points.append(SIMD3<Float>(rng.nextPoint(halfExtent: 0.05)) + SIMD3(0.1, 0.3, 0.2)) }
        for _ in 0..<5 { points.append(SIMD3<Float>(rng.nextPoint(halfExtent: 3))) }
        return points
    }

    @Test("rows equal brute force, ties by index, sparse points and outliers included", arguments: [1, 2] as [UInt64])
    func matchesBruteForce(seed: UInt64) {
        let points = scene(seed)
        let all = bruteForce(points, k: 16)
        for k in [1, 8, 16] {
            let graph = PointGrid(points: points).knnGraph(k: k)
            var mismatches = 0
            for i in points.indices where Array(graph.neighbors(of: i)) != Array(all[i].prefix(k)) { mismatches += 1 }
            #expect(mismatches == 0, "k = \(k): \(mismatches) rows differ")
        }
    }

    @Test("any cell size gives the same rows; fewer points than k pad with −1")
    func cellSizeDoesNotMatter() {
        // Without the far outliers: tiny cells around them would cost thousands of widening rows each.
        let points = Array(scene(3).dropLast(5))
        let reference = PointGrid(points: points).knnGraph(k: 6)
        for size: Float in [0.003, 0.05, 10] {
            #expect(PointGrid(points: points, cellSize: size).knnGraph(k: 6) == reference, "cell size \(size)")
        }
        let three: [SIMD3<Float>] = [[0, 0, 0], [1, 0, 0], [0, 2, 0]]
        let small = PointGrid(points: three).knnGraph(k: 4)
        #expect(Array(small.neighbors(of: 0)) == [1, 2, -1, -1])
        #expect(Array(small.squaredDistances(of: 2))[2] == .infinity)
        let same = PointGrid(points: [SIMD3<Float>](repeating: [1, 1, 1], count: 5)).knnGraph(k: 2)
        #expect(Array(same.neighbors(of: 3)) == [0, 1])
    }
}
