/// A weighted undirected graph for Felzenszwalb–Huttenlocher segmentation, stored as parallel arrays
/// (structure of arrays, so the hot loops stream through memory).
///
/// Invariants: `a.count == b.count == w.count`; every index is in `0..<vertexCount`. Edges may repeat
/// (the ScanNet mesh graph has three edges per face and does not de-duplicate shared ones) and the
/// direction matters only to how the weight was computed.
public struct SegmentGraph: Sendable, Equatable {
    /// Number of vertices N.
    public var vertexCount: Int
    /// `[E]` first endpoint of each edge.
    public var a: [Int32]
    /// `[E]` second endpoint of each edge.
    public var b: [Int32]
    /// `[E]` dissimilarity (lower merges first); NaN weights never merge in the main pass and sort last.
    public var w: [Float]

    public init(vertexCount: Int, a: [Int32] = [], b: [Int32] = [], w: [Float] = []) {
        self.vertexCount = vertexCount
        self.a = a
        self.b = b
        self.w = w
    }

    /// Number of edges E.
    public var edgeCount: Int { w.count }

    /// Checks the invariants; throws the first violation.
    public func validate() throws(IBSpError) {
        guard a.count == w.count else { throw .sizeMismatch(field: "graph.a", expected: w.count, actual: a.count) }
        guard b.count == w.count else { throw .sizeMismatch(field: "graph.b", expected: w.count, actual: b.count) }
        for (field, ends) in [("graph.a", a), ("graph.b", b)] {
            for v in ends where v < 0 || Int(v) >= vertexCount {
                throw .indexOutOfRange(field: field, index: Int(v), count: vertexCount)
            }
        }
    }

    /// The graph without the edges whose `keep` flag is false (order of the kept edges preserved).
    public func filtered(keep: [Bool]) -> SegmentGraph {
        precondition(keep.count == edgeCount, "keep mask must have one flag per edge")
        var out = SegmentGraph(vertexCount: vertexCount)
        let kept = keep.reduce(0) { $0 + ($1 ? 1 : 0) }
        out.a.reserveCapacity(kept)
        out.b.reserveCapacity(kept)
        out.w.reserveCapacity(kept)
        for e in 0..<edgeCount where keep[e] {
            out.a.append(a[e])
            out.b.append(b[e])
            out.w.append(w[e])
        }
        return out
    }
}

/// The ScanNet segmentator's edge weight between endpoints `a` → `b`: `w = 1 − n_a·n_b`, squared when the
/// crease is convex (`n_b · normalize(p_b − p_a) > 0`), so that convex creases are cut less readily.
/// Evaluated in Float in the segmentator's operation order (no fused multiply-add), so that the weights are
/// bit-identical to the C++ tool's.
@inline(__always)
func scanNetEdgeWeight(pa: SIMD3<Float>, pb: SIMD3<Float>, na: SIMD3<Float>, nb: SIMD3<Float>) -> Float {
    var dx = pb.x - pa.x, dy = pb.y - pa.y, dz = pb.z - pa.z
    let dd = (dx * dx + dy * dy + dz * dz).squareRoot()
    dx /= dd; dy /= dd; dz /= dd
    let dot = na.x * nb.x + na.y * nb.y + na.z * nb.z
    let convexity = nb.x * dx + nb.y * dy + nb.z * dz
    var weight = 1 - dot
    if convexity > 0 { weight = weight * weight }
    return weight
}
