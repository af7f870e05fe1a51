import Dispatch
import Geometry

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
        let rows = grid.knnInCellOrder(k: options.k)
        let order = grid.order
        let k = rows.k
        let scale = options.colourWeight / (255 * Float(3).squareRoot())
        let hasColour = scale > 0
        let slotNormals = order.map { normals[Int($0)] }
        let slotColours = hasColour ? order.map { SIMD3<Float>(colours[Int($0)]) } : []
        // Rows are split into chunks that emit and weight their edges in parallel; concatenating the chunks in
        // row order gives the same edge list as one serial pass.
        let chunk = 1 << 15
        let chunks = (n + chunk - 1) / chunk
        var parts = [EdgeChunk](repeating: EdgeChunk(), count: chunks)
        rows.neighbors.withUnsafeBufferPointer { nb in
          rows.squaredDistances.withUnsafeBufferPointer { dist in
            parts.withUnsafeMutableBufferPointer { parts in
                let out = SendableChunks(parts: parts, neighbors: nb, distances: dist)
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let nb = out.neighbors, dist = out.distances
                    var part = EdgeChunk()
                    let rowRange = (c * chunk)..<min(n, (c + 1) * chunk)
                    part.reserve(rowRange.count * k * 5 / 8)
                    for s in rowRange {
                        for r in 0..<k {
                            let t = Int(nb[s * k + r])
                            guard t >= 0, t != s else { continue }
                            if t < s {
                                // Emitted from t's row already when s is among t's neighbours: surely so when s is
                                // nearer than t's k-th neighbour, surely not when farther (squared distances are
                                // bit-symmetric); only on a tie with the k-th is t's row searched.
                                let d = dist[s * k + r], kth = dist[t * k + k - 1]
                                if d < kth { continue }
                                if d == kth {
                                    var listed = false
                                    for q in 0..<k where nb[t * k + q] == Int32(s) { listed = true; break }
                                    if listed { continue }
                                }
                            }
                            let (lo, hi) = order[s] < order[t] ? (s, t) : (t, s)
                            var weight = scanNetEdgeWeight(pa: grid.sorted[lo], pb: grid.sorted[hi],
                                                           na: slotNormals[lo], nb: slotNormals[hi])
                            if hasColour {
                                let d = slotColours[lo] - slotColours[hi]
                                weight += scale * (d * d).sum().squareRoot()
                            }
                            part.a.append(Int32(lo)); part.b.append(Int32(hi)); part.w.append(weight)
                        }
                    }
                    out.parts[c] = part
                }
            }
          }
        }
        let count = parts.reduce(0) { $0 + $1.w.count }
        var graph = SegmentGraph(vertexCount: n)
        graph.a.reserveCapacity(count)
        graph.b.reserveCapacity(count)
        graph.w.reserveCapacity(count)
        for part in parts {
            graph.a.append(contentsOf: part.a)
            graph.b.append(contentsOf: part.b)
            graph.w.append(contentsOf: part.w)
        }
        return (graph, order)
    }

    /// The same edges with vertex `v` renamed `names[v]` (e.g. slots back to original point indices).
    func relabelled(_ names: [Int32]) -> SegmentGraph {
        SegmentGraph(vertexCount: vertexCount, a: a.map { names[Int($0)] }, b: b.map { names[Int($0)] }, w: w)
    }
}

/// One chunk of rows' edges, built by one worker.
private struct EdgeChunk {
    var a: [Int32] = []
    var b: [Int32] = []
    var w: [Float] = []

    mutating func reserve(_ count: Int) {
        a.reserveCapacity(count)
        b.reserveCapacity(count)
        w.reserveCapacity(count)
    }
}

/// The per-chunk slots filled by worker threads, each writing its own slot, and the kNN rows they read.
private struct SendableChunks: @unchecked Sendable {
    let parts: UnsafeMutableBufferPointer<EdgeChunk>
    let neighbors: UnsafeBufferPointer<Int32>
    let distances: UnsafeBufferPointer<Float>
}
