/// How the slots of a step are shared out among the ranks of a multi-rank run. Either way every slot's gradient is
/// summed in slot order, so the choice changes only how long a step waits for its slowest rank, never the result.
public enum SlotBalance: String, Sendable, CaseIterable, Codable {
    /// Slots `rank, rank + ranks, …` (the same split every step).
    case roundRobin = "round-robin"
    /// Longest predicted slot first, each to the rank with the least predicted work so far (`SlotCostModel`).
    case cost
}

extension StepSlots {
    /// Longest-processing-time-first: slots in decreasing `costs` (ties: lower slot first), each to the rank whose
    /// predicted load is least (ties: lower rank). Returns each rank's slots in ascending order; every slot appears
    /// exactly once. The same inputs give the same answer on every rank.
    public static func balanced(costs: [Double], ranks: Int) -> [[Int]] {
        let n = max(1, ranks)
        var load = [Double](repeating: 0, count: n)
        var owned = [[Int]](repeating: [], count: n)
        let order = costs.indices.sorted { costs[$0] != costs[$1] ? costs[$0] > costs[$1] : $0 < $1 }
        for slot in order {
            var best = 0
            for r in 1..<n where load[r] < load[best] { best = r }
            load[best] += costs[slot].isFinite ? max(0, costs[slot]) : 0
            owned[best].append(slot)
        }
        return owned.map { $0.sorted() }
    }

    /// Where each slot's `width` floats start in the ranks' buffers concatenated in rank order, when rank r sent its
    /// slots `owners[r]` in that order: indexed by slot.
    public static func offsets(owners: [[Int]], width: Int) -> [Int] {
        var out = [Int](repeating: 0, count: owners.reduce(0) { $0 + $1.count })
        var at = 0
        for slots in owners {
            for s in slots where s >= 0 && s < out.count {
                out[s] = at
                at += width
            }
        }
        return out
    }
}

/// Predicts a slot's CPU time from its room's points and superpoints and its number of queries (the trainer passes
/// the expected number, since the actual one is drawn later). A ridge least-squares fit over the most recent measured
/// slots (`record`, with their actual queries), refit on demand. Every rank records the same exchanged values in the
/// same order, so every rank predicts the same costs.
public struct SlotCostModel: Sendable {
    /// Slots to see before the fit predicts; until then `predict` uses the prior (every feature weighted 1).
    public var warmup: Int
    /// Most recent slots kept for the fit.
    public var window: Int
    private var rows: [[Double]] = []
    private var times: [Double] = []
    private var coefficients: [Double]?

    public init(warmup: Int = 16, window: Int = 512) {
        self.warmup = max(1, warmup)
        self.window = max(self.warmup, window)
    }

    /// Slots recorded so far (at most `window`).
    public var count: Int { times.count }

    /// The regressors: a constant, points, queries, queries × superpoints and queries × points, scaled to order one.
    public static func features(points: Int, superpoints: Int, queries: Int) -> [Double] {
        let p = Double(points) / 1e4, s = Double(superpoints) / 100, q = Double(queries) / 100
        return [1, p, q, q * s, q * p]
    }

    /// Adds one measured slot (`milliseconds` of CPU); non-finite or negative times are ignored.
    public mutating func record(points: Int, superpoints: Int, queries: Int, milliseconds: Double) {
        guard milliseconds.isFinite, milliseconds >= 0 else { return }
        rows.append(Self.features(points: points, superpoints: superpoints, queries: queries))
        times.append(milliseconds)
        if times.count > window {
            rows.removeFirst(times.count - window)
            times.removeFirst(times.count - window)
        }
        coefficients = nil
    }

    /// The predicted cost of a slot: CPU milliseconds from the fit once `warmup` slots were recorded; before that
    /// (or if the fit is singular) the prior, the sum of the features, which ranks slots by size alone.
    public mutating func predict(points: Int, superpoints: Int, queries: Int) -> Double {
        let x = Self.features(points: points, superpoints: superpoints, queries: queries)
        if times.count >= warmup && coefficients == nil { coefficients = fit() }
        guard times.count >= warmup, let w = coefficients else { return x.reduce(0, +) }
        return zip(w, x).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// Solves (XᵀX + λI) w = Xᵀy by Gaussian elimination with partial pivoting; λ keeps collinear features (rooms of
    /// one size) solvable. Nil if the system is singular anyway.
    private func fit() -> [Double]? {
        let m = rows.first?.count ?? 0
        guard m > 0 else { return nil }
        var a = [[Double]](repeating: [Double](repeating: 0, count: m + 1), count: m)
        for (x, y) in zip(rows, times) {
            for i in 0..<m {
                for j in 0..<m { a[i][j] += x[i] * x[j] }
                a[i][m] += x[i] * y
            }
        }
        let lambda = 1e-3 * Double(times.count)
        for i in 1..<m { a[i][i] += lambda }  // the constant is not shrunk
        for col in 0..<m {
            var pivot = col
            for r in (col + 1)..<m where abs(a[r][col]) > abs(a[pivot][col]) { pivot = r }
            guard abs(a[pivot][col]) > 1e-12 else { return nil }
            a.swapAt(col, pivot)
            for r in 0..<m where r != col {
                let f = a[r][col] / a[col][col]
                guard f != 0 else { continue }
                for j in col...m { a[r][j] -= f * a[col][j] }
            }
        }
        return (0..<m).map { a[$0][m] / a[$0][$0] }
    }
}
