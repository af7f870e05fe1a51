/// VIP: View-wise Instance Partition (method §2). Each query is assigned to every view that sees its seed
/// superpoint, and in view v its prediction is truncated to the superpoints visible in v:
/// `m̃_v = M̃[V^q_v, V^sp_v]`, with `V^q_v = V^sp_v[seed]`.
///
/// Written against plain arrays so that a training loop can wrap it: predictions are row-major `[Q, S]` Float,
/// the per-view outputs are index lists and row-major `[Q_v, S_v]` slices.
public struct ViewPartition: Sendable, Equatable {
    /// One view's share of the queries and superpoints.
    public struct View: Sendable, Equatable {
        /// The view index.
        public var view: Int
        /// `[Q_v]` indices into the query list (ascending): queries whose seed superpoint is visible in this view.
        public var queries: [Int32]
        /// `[S_v]` column indices (ascending superpoint ids) visible in this view.
        public var superpoints: [Int32]
    }

    /// One entry per view of the visibility table (views that see no seed still appear, with no queries).
    public var views: [View]
    /// Q and S.
    public var queryCount: Int
    public var superpointCount: Int

    /// Partitions queries by the views their seeds are visible in.
    ///
    /// - Parameters:
    ///   - seeds: `[Q]` seed superpoint id of each query, in `0..<superpointCount`.
    ///   - visibility: the superpoints visible in each view.
    public init(seeds: [Int32], visibility: SuperpointVisibility, superpointCount: Int) throws(VIPError) {
        for s in seeds where s < 0 || Int(s) >= superpointCount {
            throw .indexOutOfRange(field: "seeds", index: Int(s), count: superpointCount)
        }
        // Queries by seed (a superpoint can seed several queries).
        var queriesOfSeed = [[Int32]](repeating: [], count: superpointCount)
        for (q, s) in seeds.enumerated() { queriesOfSeed[Int(s)].append(Int32(q)) }
        var views: [View] = []
        views.reserveCapacity(visibility.viewCount)
        for v in 0..<visibility.viewCount {
            let columns = Array(visibility.superpoints(in: v))
            for s in columns where s < 0 || Int(s) >= superpointCount {
                throw .indexOutOfRange(field: "visibility[\(v)]", index: Int(s), count: superpointCount)
            }
            var queries: [Int32] = []
            for s in columns { queries += queriesOfSeed[Int(s)] }
            views.append(View(view: v, queries: queries.sorted(), superpoints: columns))
        }
        self.views = views
        queryCount = seeds.count
        self.superpointCount = superpointCount
    }

    /// The views each query is assigned to, `[Q]` lists (ascending).
    public var viewsOfQuery: [[Int32]] {
        var out = [[Int32]](repeating: [], count: queryCount)
        for view in views { for q in view.queries { out[Int(q)].append(Int32(view.view)) } }
        return out
    }

    /// `prediction[queries, superpoints]` of view `v`: a row-major `[Q_v, S_v]` slice of the row-major `[Q, S]` matrix.
    public func slice(_ prediction: [Float], view v: Int) throws(VIPError) -> [Float] {
        guard prediction.count == queryCount * superpointCount else {
            throw .sizeMismatch(field: "prediction [Q, S]", expected: queryCount * superpointCount, actual: prediction.count)
        }
        guard views.indices.contains(v) else { throw .indexOutOfRange(field: "view", index: v, count: views.count) }
        let part = views[v]
        var out = [Float]()
        out.reserveCapacity(part.queries.count * part.superpoints.count)
        for q in part.queries {
            let row = Int(q) * superpointCount
            for s in part.superpoints { out.append(prediction[row + Int(s)]) }
        }
        return out
    }

    /// A view-level GT mask given as superpoint ids, as a `[S_v]` 0/1 vector over view v's columns.
    /// Superpoints of the mask that v does not see are dropped (they cannot be supervised in v).
    public func restrict(mask superpoints: [Int32], view v: Int) throws(VIPError) -> [Float] {
        guard views.indices.contains(v) else { throw .indexOutOfRange(field: "view", index: v, count: views.count) }
        let columns = views[v].superpoints
        var out = [Float](repeating: 0, count: columns.count)
        for s in superpoints {
            var lo = 0, hi = columns.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if columns[mid] < s { lo = mid + 1 } else { hi = mid }
            }
            if lo < columns.count, columns[lo] == s { out[lo] = 1 }
        }
        return out
    }
}
