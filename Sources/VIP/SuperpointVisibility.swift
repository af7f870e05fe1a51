/// Which superpoints each view sees, as CSR by view: view v sees `superpoints[offsets[v] ..< offsets[v+1]]`
/// (ascending, each once). A superpoint is visible in v when any of its points has a correspondence in v
/// (method §2: `V^sp_v = (M^sp · V^p_v) > 0`); no depth test, the correspondences come from the reconstruction.
public struct SuperpointVisibility: Sendable, Equatable {
    /// `[V + 1]` CSR offsets.
    public var offsets: [Int64]
    /// `[Σ S_v]` superpoint ids.
    public var superpoints: [Int32]

    public init(offsets: [Int64], superpoints: [Int32]) {
        self.offsets = offsets
        self.superpoints = superpoints
    }

    public var viewCount: Int { offsets.count - 1 }

    /// The sorted superpoints visible in view `v`.
    public func superpoints(in v: Int) -> ArraySlice<Int32> {
        superpoints[Int(offsets[v])..<Int(offsets[v + 1])]
    }

    /// Builds the table from the correspondence CSR and the per-point superpoint ids.
    ///
    /// - Parameters:
    ///   - corrOffsets: `[V + 1]` correspondence offsets by view.
    ///   - corrPoint: `[M]` point index per correspondence.
    ///   - superpoints: `[N]` superpoint id per point, in `0..<superpointCount`.
    public static func build(corrOffsets: [Int64], corrPoint: [Int32], superpoints: [Int32],
                             superpointCount: Int) throws(VIPError) -> SuperpointVisibility {
        guard let last = corrOffsets.last, Int(last) == corrPoint.count else {
            throw .sizeMismatch(field: "corr_offsets (last entry)", expected: corrPoint.count, actual: Int(corrOffsets.last ?? -1))
        }
        var seen = [Int32](repeating: -1, count: superpointCount)
        var offsets: [Int64] = [0]
        var out: [Int32] = []
        for v in 0..<(corrOffsets.count - 1) {
            var visible: [Int32] = []
            for c in Int(corrOffsets[v])..<Int(corrOffsets[v + 1]) {
                let p = Int(corrPoint[c])
                guard p >= 0, p < superpoints.count else { throw .indexOutOfRange(field: "corr_point", index: p, count: superpoints.count) }
                let s = superpoints[p]
                guard s >= 0, Int(s) < superpointCount else {
                    throw .indexOutOfRange(field: "superpoints", index: Int(s), count: superpointCount)
                }
                if seen[Int(s)] != Int32(v) {
                    seen[Int(s)] = Int32(v)
                    visible.append(s)
                }
            }
            out += visible.sorted()
            offsets.append(Int64(out.count))
        }
        return SuperpointVisibility(offsets: offsets, superpoints: out)
    }
}
