import Dispatch
import Geometry
import Support

/// How a kNN point graph is built and weighted.
public struct KNNGraphOptions: Sendable, Equatable, Codable {
    /// Neighbours per point (the graph is the symmetric union of the kNN rows, each pair once).
    public var k: Int = 16
    /// Weight of the colour term added to the normal term: `w += colourWeight · ‖c_a − c_b‖ / (255·√3)`.
    /// 0 (default) gives the ScanNet segmentator's purely geometric weight.
    public var colourWeight: Float = 0

    public init(k: Int = 16, colourWeight: Float = 0) {
        self.k = k
        self.colourWeight = colourWeight
    }

    public func validate() throws(IBSpError) {
        guard (1...128).contains(k) else { throw .invalidOption(name: "k", value: "\(k)", expected: "1…128") }
        guard colourWeight.isFinite, colourWeight >= 0 else {
            throw .invalidOption(name: "colourWeight", value: "\(colourWeight)", expected: "a finite number ≥ 0")
        }
    }
}

extension SegmentGraph {
    /// A kNN graph over points with the ScanNet segmentator's normal weight (plus an optional colour term).
    ///
    /// Each unordered pair {i, j} that appears in either point's k nearest neighbours (exact, equal distances
    /// broken by the smaller index; `PointGrid`) is one edge, written from the smaller index (a < b) — the
    /// direction the weight's convexity test uses. Edges are listed in the order `knnInCellOrder` emits them
    /// (by grid cell of the emitting point), which does not depend on thread scheduling.
    ///
    /// - Parameters:
    ///   - positions: `[N]` points in metres.
    ///   - normals: `[N]` unit normals (oriented consistently, e.g. towards the cameras, for the convexity test).
    ///   - colours: `[N]` 8-bit RGB, or empty (required when `options.colourWeight > 0`).
    public static func knn(positions: [SIMD3<Float>], normals: [SIMD3<Float>], colours: [SIMD3<UInt8>] = [],
                           options: KNNGraphOptions = KNNGraphOptions()) throws(IBSpError) -> SegmentGraph {
        let local = try knnInCellOrder(positions: positions, normals: normals, colours: colours, options: options)
        return local.graph.relabelled(local.order)
    }

    /// The graph of `knn(positions:normals:colours:options:)` over *slots*: vertex `s` is point `order[s]`,
    /// points sorted by grid cell (`PointGrid`). Neighbouring points get nearby numbers, so the clustering's
    /// random reads of per-vertex state stay within a few cache lines and pages. Each edge's `a` is the end with
    /// the smaller original index, so weights are bit-identical to `knn`'s.
    static func knnInCellOrder(positions: [SIMD3<Float>], normals: [SIMD3<Float>], colours: [SIMD3<UInt8>] = [],
                               options: KNNGraphOptions) throws(IBSpError) -> (graph: SegmentGraph, order: [Int32]) {
        try options.validate()
        let n = positions.count
        guard normals.count == n else { throw .sizeMismatch(field: "normals", expected: n, actual: normals.count) }
        if options.colourWeight > 0, colours.count != n {
            throw .sizeMismatch(field: "colours", expected: n, actual: colours.count)
        }
        guard n >= 2 else { return (SegmentGraph(vertexCount: n), (0..<Int32(n)).map { $0 }) }
        if let bad = positions.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite) }) {
            throw .invalidOption(name: "positions[\(bad)]", value: "\(positions[bad])", expected: "finite coordinates")
        }
        guard n < Int(Int32.max) else { throw .invalidOption(name: "positions", value: "\(n) points", expected: "< 2³¹ − 1") }
        let grid = PointGrid(points: positions)
        let (neighbors, kth) = grid.knnInCellOrder(k: options.k)
        let order = grid.order
        let k = options.k
        let scale = options.colourWeight / (255 * Float(3).squareRoot())
        let slotNormals = order.map { normals[Int($0)] }
        let slotColours = scale > 0 ? order.map { SIMD3<Float>(colours[Int($0)]) } : []
        // Rows are split into chunks; a first parallel pass counts each chunk's edges, a second writes them at the
        // chunk's offset in the final arrays, so the edge list (in row order) is built without copies and does not
        // depend on thread scheduling.
        let chunk = 1 << 15
        let chunks = (n + chunk - 1) / chunk
        var offsets = [Int](repeating: 0, count: chunks + 1)
        var graph = SegmentGraph(vertexCount: n)
        neighbors.withUnsafeBufferPointer { nb in
            kth.withUnsafeBufferPointer { kth in
                grid.sorted.withUnsafeBufferPointer { points in
                    let rows = EdgeRows(neighbors: SharedReads(nb), kth: SharedReads(kth), points: SharedReads(points), k: k)
                    offsets.withUnsafeMutableBufferPointer { offsets in
                        let counts = DisjointWrites(offsets)
                        DispatchQueue.concurrentPerform(iterations: chunks) { c in
                            var count = 0
                            for s in (c * chunk)..<min(n, (c + 1) * chunk) {
                                for r in 0..<k where rows.emits(s, r) { count += 1 }
                            }
                            counts[c + 1] = count
                        }
                    }
                    for c in 0..<chunks { offsets[c + 1] += offsets[c] }
                    let total = offsets[chunks], starts = offsets
                    graph.a = Array(unsafeUninitializedCapacity: total) { a, initializedA in
                        graph.b = Array(unsafeUninitializedCapacity: total) { b, initializedB in
                            graph.w = Array(unsafeUninitializedCapacity: total) { w, initializedW in
                                let outA = DisjointWrites(a), outB = DisjointWrites(b), outW = DisjointWrites(w)
                                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                                    var e = starts[c]
                                    for s in (c * chunk)..<min(n, (c + 1) * chunk) {
                                        for r in 0..<k where rows.emits(s, r) {
                                            let t = Int(rows.neighbors[s * k + r])
                                            let (lo, hi) = order[s] < order[t] ? (s, t) : (t, s)
                                            var weight = scanNetEdgeWeight(pa: rows.points[lo], pb: rows.points[hi],
                                                                           na: slotNormals[lo], nb: slotNormals[hi])
                                            if scale > 0 {
                                                let d = slotColours[lo] - slotColours[hi]
                                                weight += scale * (d * d).sum().squareRoot()
                                            }
                                            outA[e] = Int32(lo); outB[e] = Int32(hi); outW[e] = weight
                                            e += 1
                                        }
                                    }
                                }
                                initializedW = total
                            }
                            initializedB = total
                        }
                        initializedA = total
                    }
                }
            }
        }
        return (graph, order)
    }

    /// The same edges with vertex `v` renamed `names[v]` (e.g. slots back to original point indices).
    func relabelled(_ names: [Int32]) -> SegmentGraph {
        SegmentGraph(vertexCount: vertexCount, a: a.map { names[Int($0)] }, b: b.map { names[Int($0)] }, w: w)
    }
}

/// The kNN rows in cell order, read by the emission passes.
private struct EdgeRows: Sendable {
    let neighbors: SharedReads<Int32>
    let kth: SharedReads<Float>
    let points: SharedReads<SIMD3<Float>>
    let k: Int

    /// Whether row `s`'s entry `r` emits an edge: each unordered pair once, from the smaller slot's row when
    /// both rows list the other. Slot s is in t's row surely when nearer than t's k-th neighbour, surely not
    /// when farther (squared distances are bit-symmetric); only on a tie with the k-th is t's row searched.
    @inline(__always)
    func emits(_ s: Int, _ r: Int) -> Bool {
        let t = Int(neighbors[s * k + r])
        guard t >= 0, t != s else { return false }
        guard t < s else { return true }
        let d = PointGrid.squaredDistance(points[s], points[t]), last = kth[t]
        if d < last { return false }
        if d > last { return true }
        for q in 0..<k where neighbors[t * k + q] == Int32(s) { return false }
        return true
    }
}

