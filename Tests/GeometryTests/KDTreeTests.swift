import Testing
@testable import Geometry

/// Brute-force k nearest neighbours of `query` (ties broken by index), optionally skipping one index.
private func bruteForceKNN(_ points: [SIMD3<Float>], _ query: SIMD3<Float>, k: Int, excluding: Int = -1) -> [Neighbor] {
    var all: [Neighbor] = []
    for (i, p) in points.enumerated() where i != excluding {
        let d = p - query
        all.append(Neighbor(index: i, squaredDistance: dot3(d, d)))
    }
    all.sort { ($0.squaredDistance, $0.index) < ($1.squaredDistance, $1.index) }
    return Array(all.prefix(k))
}

/// Random points: a uniform cube, or clumps with exact duplicates and a flat wall (degenerate extents).
private func cloud(seed: UInt64, count: Int, clustered: Bool) -> [SIMD3<Float>] {
    var g = SeededGenerator(seed: seed)
    if !clustered { return (0..<count).map { _ in SIMD3<Float>(g.nextPoint(halfExtent: 2)) } }
    let centres = (0..<5).map { _ in g.nextPoint(halfExtent: 3) }
    return (0..<count).map { i -> SIMD3<Float> in
        switch i % 4 {
        case 0: return SIMD3<Float>(centres[i % 5])  // duplicates
        case 1: return SIMD3<Float>(SIMD3(g.nextUniform(in: -1..<1), g.nextUniform(in: -1..<1), 0.5))  // wall
        default: return SIMD3<Float>(centres[i % 5] + 0.05 * g.nextPoint(halfExtent: 1))
        }
    }
}

@Suite struct KDTreeTests {
    @Test(arguments: [(UInt64(1), false), (2, true), (3, false)])
    func knnMatchesBruteForce(seed: UInt64, clustered: Bool) throws {
        let points = cloud(seed: seed, count: 3000, clustered: clustered)
        let tree = try KDTree(points: points)
        var g = SeededGenerator(seed: seed &+ 100)
        for trial in 0..<60 {
            // Queries both off the cloud and exactly on cloud points.
            let query = trial % 2 == 0 ? SIMD3<Float>(g.nextPoint(halfExtent: 2.5)) : points[g.nextIndex(below: points.count)]
            let slowest = bruteForceKNN(points, query, k: 16)
            for k in [1, 8, 16] {
                let fast = tree.knn(of: query, k: k)
                let slow = Array(slowest.prefix(k))
                #expect(fast.map(\.squaredDistance) == slow.map(\.squaredDistance))
                // Indices agree except where distances tie.
                if !clustered { #expect(fast.map(\.index) == slow.map(\.index)) }
                for n in fast { #expect(dot3(points[n.index] - query, points[n.index] - query) == n.squaredDistance) }
            }
        }
    }

    @Test(arguments: [false, true]) func radiusSearchMatchesBruteForce(clustered: Bool) throws {
        let points = cloud(seed: 4, count: 2000, clustered: clustered)
        let tree = try KDTree(points: points, leafSize: 4)
        var g = SeededGenerator(seed: 5)
        for _ in 0..<20 {
            let query = points[g.nextIndex(below: points.count)] + SIMD3<Float>(0.01, 0, 0)
            let sorted = bruteForceKNN(points, query, k: points.count)
            for radius: Float in [0, 0.05, 0.3, 1.0] {
                let fast = tree.radiusSearch(around: query, radius: radius)
                #expect(fast == sorted.filter { $0.squaredDistance <= radius * radius })
            }
        }
    }

    @Test(arguments: [false, true]) func knnGraphMatchesBruteForce(clustered: Bool) throws {
        let points = cloud(seed: 6, count: 1500, clustered: clustered)
        let tree = try KDTree(points: points)
        let graph = try tree.knnGraph(k: 6)
        #expect(graph.count == points.count && graph.neighbors.count == points.count * 6)
        for i in stride(from: 0, to: points.count, by: 23) {
            let slow = bruteForceKNN(points, points[i], k: 6, excluding: i)
            #expect(Array(graph.squaredDistances(of: i)) == slow.map(\.squaredDistance))
            #expect(!graph.neighbors(of: i).contains(Int32(i)))
            if !clustered { #expect(graph.neighbors(of: i).map(Int.init) == slow.map(\.index)) }
        }
    }

    @Test func batchQueriesMatchSingleQueries() throws {
        let points = cloud(seed: 9, count: 5000, clustered: false)
        let tree = try KDTree(points: points)
        var g = SeededGenerator(seed: 10)
        let queries = (0..<9000).map { _ in SIMD3<Float>(g.nextPoint(halfExtent: 2.2)) }  // > one parallel chunk
        let batch = try tree.knn(of: queries, k: 5)
        #expect(batch.count == queries.count)
        for i in stride(from: 0, to: queries.count, by: 97) {
            let single = tree.knn(of: queries[i], k: 5)
            #expect(batch.neighbors(of: i).map(Int.init) == single.map(\.index))
            #expect(Array(batch.squaredDistances(of: i)) == single.map(\.squaredDistance))
        }
    }

    @Test func tinyAndEmptyClouds() throws {
        let empty = try KDTree(points: [])
        #expect(empty.knn(of: .zero, k: 3).isEmpty)
        #expect(empty.radiusSearch(around: .zero, radius: 1).isEmpty)
        #expect(try empty.knnGraph(k: 2).neighbors.isEmpty)

        let three = try KDTree(points: [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(0, 3, 0)])
        #expect(three.knn(of: SIMD3(0.9, 0, 0), k: 5).map(\.index) == [1, 0, 2])
        let graph = try three.knnGraph(k: 4)  // only two other points: rows padded with −1 / +∞
        #expect(Array(graph.neighbors(of: 0)) == [1, 2, -1, -1])
        #expect(Array(graph.squaredDistances(of: 0)) == [1, 9, .infinity, .infinity])
        let batch = try three.knn(of: [SIMD3(0, 2.9, 0)], k: 4)
        #expect(Array(batch.neighbors(of: 0)) == [2, 0, 1, -1])
        #expect(try empty.knn(of: [.zero], k: 2).neighbors == [-1, -1])
    }

    @Test func rejectsBadInput() {
        #expect(throws: GeometryError.nonFinite(name: "points", index: 1)) {
            try KDTree(points: [SIMD3(0, 0, 0), SIMD3(.nan, 0, 0)])
        }
        #expect(throws: GeometryError.self) { try KDTree(points: [SIMD3(0, 0, 0)], leafSize: 0) }
        #expect(throws: GeometryError.self) { try KDTree(points: [SIMD3(0, 0, 0)]).knnGraph(k: 0) }
    }
}
