import Dispatch
import Geometry
import Testing
@testable import IBSp

@Suite("Cell-order clustering and bucketed edge order")
struct CellOrderTests {
    /// A floor, a wall and a box top (30 cm patches), jittered, with normals tilted randomly by a few degrees:
    /// continuous weights and distances, so neither the kNN rows nor the edge order have ties.
    func scene(_ seed: UInt64, count: Int) -> (positions: [SIMD3<Float>], normals: [SIMD3<Float>]) {
        var rng = SeededGenerator(seed: seed)
        var positions: [SIMD3<Float>] = [], normals: [SIMD3<Float>] = []
        for i in 0..<count {
            let u = Float(rng.nextUnitDouble()) * 0.3, v = Float(rng.nextUnitDouble()) * 0.3
            let jitter = SIMD3<Float>(rng.nextPoint(halfExtent: 0.001))
            let (p, n): (SIMD3<Float>, SIMD3<Float>) = switch i % 3 {
            case 0: (SIMD3(u, v, 0), SIMD3(0, 0, 1))
            case 1: (SIMD3(0, u, v), SIMD3(1, 0, 0))
            default: (SIMD3(0.1 + u / 3, 0.1 + v / 3, 0.1), SIMD3(0, 0, 1))
            }
            let tilted = n + SIMD3<Float>(rng.nextPoint(halfExtent: 0.05))
            positions.append(p + jitter)
            normals.append(tilted / (tilted * tilted).sum().squareRoot())
        }
        return (positions, normals)
    }

    func geometric() -> SuperpointOptions {
        var options = SuperpointOptions()
        options.mode = .geometric
        return options
    }

    @Test("clustering in cell order gives the point-order partition and the naive reference's", arguments: [1, 2] as [UInt64])
    func cellOrderMatchesPointOrder(seed: UInt64) throws {
        let (positions, normals) = scene(seed, count: 1500)
        let result = try Superpoints.compute(positions: positions, normals: normals, options: geometric())
        let graph = try SegmentGraph.knn(positions: positions, normals: normals)
        let plain = Superpoints.segment(graph, kThresh: 0.01, minSize: 20)
        #expect(result.count > 2)
        #expect(result.edges == graph.edgeCount)
        // Both number segments by first appearance over the points, so equal partitions give equal labels.
        #expect(result.labels == plain.labels)
        #expect(samePartition(result.labels, referenceSegmentation(graph, kThresh: 0.01, minSize: 20)))
    }

    @Test("permuting the input points permutes the superpoints (property, several seeds)", arguments: [3, 4, 5] as [UInt64])
    func permutationInvariance(seed: UInt64) throws {
        let (positions, normals) = scene(seed, count: 1200)
        var rng = SeededGenerator(seed: seed &+ 100)
        var permutation = Array(positions.indices)
        for i in stride(from: permutation.count - 1, to: 0, by: -1) { permutation.swapAt(i, rng.nextIndex(below: i + 1)) }
        let original = try Superpoints.compute(positions: positions, normals: normals, options: geometric())
        let permuted = try Superpoints.compute(positions: permutation.map { positions[$0] },
                                               normals: permutation.map { normals[$0] }, options: geometric())
        #expect(permuted.count == original.count)
        #expect(samePartition(permutation.map { original.labels[$0] }, permuted.labels))
    }

    @Test("on a lattice (many equal distances) every kNN pair is one edge, oriented by original index")
    func latticeEdgesOnce() throws {
        var positions: [SIMD3<Float>] = []
        for z in 0..<3 { for y in 0..<9 { for x in 0..<11 { positions.append(SIMD3(Float(x), Float(y), Float(z)) * 0.01) } } }
        // Shuffle so that cell order and point order differ.
        var rng = SeededGenerator(seed: 8)
        for i in stride(from: positions.count - 1, to: 0, by: -1) { positions.swapAt(i, rng.nextIndex(below: i + 1)) }
        let normals = [SIMD3<Float>](repeating: [0, 0, 1], count: positions.count)
        let k = 6
        let graph = try SegmentGraph.knn(positions: positions, normals: normals, options: KNNGraphOptions(k: k))
        let rows = PointGrid(points: positions).knnGraph(k: k)
        var expected = Set<SIMD2<Int32>>()
        for i in positions.indices {
            for j in rows.neighbors(of: i) where j >= 0 { expected.insert(SIMD2(min(Int32(i), j), max(Int32(i), j))) }
        }
        var seen = Set<SIMD2<Int32>>()
        for e in 0..<graph.edgeCount {
            #expect(graph.a[e] < graph.b[e])
            #expect(seen.insert(SIMD2(graph.a[e], graph.b[e])).inserted)
        }
        #expect(seen == expected)
    }

    @Test("cell-order rows rename the point-order rows; kth is the row's last squared distance")
    func cellOrderRows() {
        let (positions, _) = scene(6, count: 500)
        let grid = PointGrid(points: positions)
        let k = 8
        let (neighbors, kth) = grid.knnInCellOrder(k: k)
        let rows = grid.knnGraph(k: k)
        var mismatches = 0
        for s in positions.indices {
            let point = Int(grid.order[s])
            let renamed = neighbors[(s * k)..<((s + 1) * k)].map { grid.order[Int($0)] }
            if renamed != Array(rows.neighbors(of: point)) { mismatches += 1 }
            let d = positions[point] - positions[Int(rows.neighbors(of: point).last ?? -1)]
            if kth[s] != (d * d).sum() { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test("bucketed edge order equals a stable sort by weight key, with and without the helper thread",
          arguments: [false, true])
    func bucketOrder(helper: Bool) {
        var rng = SeededGenerator(seed: 9)
        var graph = SegmentGraph(vertexCount: 50)
        for e in 0..<6000 {
            graph.a.append(Int32(rng.nextIndex(below: 50)))
            graph.b.append(Int32(rng.nextIndex(below: 50)))
            // A third share one top-11-bit bucket with many ties (its LSD path), a third spread (small buckets).
            let w: Float = switch e % 3 {
            case 0: 0.5 + Float(rng.nextIndex(below: 40)) / 1024
            case 1: Float(rng.nextUnitDouble() * 0.05)
            default: e % 97 == 2 ? .nan : Float(rng.nextUnitDouble() - 0.5)
            }
            graph.w.append(w)
        }
        let keep = graph.w.indices.map { _ in rng.nextIndex(below: 5) != 0 }
        for mask in [nil, keep] {
            let buckets = EdgeBuckets(graph, keep: mask)
            let consume: @Sendable () -> Void = {
                let workspace = SortWorkspace(capacity: buckets.largestBucket)
                for b in 0..<EdgeBuckets.bucketCount { buckets.waitUntilSorted(b, workspace) }
            }
            if helper {
                DispatchQueue.concurrentPerform(iterations: 2) { role in if role == 0 { buckets.sortRemaining() } else { consume() } }
            } else {
                consume()
            }
            let expected = graph.w.indices.filter { mask?[$0] ?? true }
                .sorted { (EdgeOrder.key(graph.w[$0]), $0) < (EdgeOrder.key(graph.w[$1]), $1) }
            #expect(buckets.count == expected.count)
            var mismatches = 0
            for (i, e) in expected.enumerated() {
                let r = buckets.records[i]
                if r.a != graph.a[e] || r.b != graph.b[e] || r.w.bitPattern != graph.w[e].bitPattern { mismatches += 1 }
            }
            #expect(mismatches == 0, "keep mask: \(mask != nil)")
        }
    }
}
