import Foundation

/// One target as the matcher and the loss see it: a mask over the supervised superpoint columns, a class index
/// into this step's vocabulary and an axis-aligned box.
public struct MatchTarget: Sendable {
    /// `[C]` 0/1 over the columns of the supervision set.
    public var mask: [Float]
    /// Index of the class in this step's vocabulary `[0, T)`.
    public var label: Int
    /// Box centre `[3]`, metres, and size `[3]` as a fraction of the scene extent.
    public var center: [Float]
    public var size: [Float]
    /// The target's superpoints (all of them, not only the supervised columns): a query may match it only if
    /// its seed is one of them.
    public var superpoints: Set<Int32>
}

/// The per-query values the matcher reads (plain arrays, no gradient), rows = queries in scope.
public struct MatchPredictions {
    /// `[R, K + 1]` softmax class probabilities.
    public var probabilities: [Float]
    public var classCount: Int
    /// `[R, C]` mask logits over the supervised columns.
    public var maskLogits: [Float]
    public var columns: Int
    /// `[R, 3]` centres (metres) and sizes (scene fractions).
    public var centers: [Float]
    public var sizes: [Float]
    /// `[R]` seed superpoint of each row's query.
    public var seeds: [Int32]
    public var rows: Int { seeds.count }
}

/// SegDINO3D's `SparseMatcher(topk = 1)` (method §5): cost = 0.5·class + 1·BCE + 1·Dice + 0.5·centre L1
/// + 0.5·size L1, infinite where the query's seed superpoint is outside the target; each target takes its
/// single cheapest query (none if no seed lies inside it). Done again for every prediction set.
public enum SparseMatcher {
    /// Class cost `[R]`: −p(label).
    public static func classCost(_ p: MatchPredictions, label: Int) -> [Double] {
        (0..<p.rows).map { -Double(p.probabilities[$0 * p.classCount + label]) }
    }

    /// Mask BCE cost `[R]`: mean over the C columns of BCE(sigmoid(logit), target).
    public static func bceCost(_ p: MatchPredictions, target: [Float]) -> [Double] {
        (0..<p.rows).map { r in
            var s = 0.0
            for c in 0..<p.columns {
                let x = Double(p.maskLogits[r * p.columns + c]), t = Double(target[c])
                s += max(x, 0) - x * t + log1p(exp(-abs(x)))
            }
            return s / Double(max(p.columns, 1))
        }
    }

    /// Dice cost `[R]`: 1 − (2Σ p·t + 1)/(Σ p + Σ t + 1), p = sigmoid(logit).
    public static func diceCost(_ p: MatchPredictions, target: [Float]) -> [Double] {
        let tSum = target.reduce(0.0) { $0 + Double($1) }
        return (0..<p.rows).map { r in
            var inter = 0.0, pSum = 0.0
            for c in 0..<p.columns {
                let prob = 1 / (1 + exp(-Double(p.maskLogits[r * p.columns + c])))
                inter += prob * Double(target[c]); pSum += prob
            }
            return 1 - (2 * inter + 1) / (pSum + tSum + 1)
        }
    }

    /// L1 cost `[R]` between `[R, 3]` rows and a `[3]` target (sum over axes).
    public static func l1Cost(_ values: [Float], target: [Float]) -> [Double] {
        (0..<(values.count / 3)).map { r in (0..<3).reduce(0.0) { $0 + Double(abs(values[r * 3 + $1] - target[$1])) } }
    }

    /// Total cost `[R, G]` row-major; `.infinity` where the seed is outside the target.
    ///
    /// Equal to composing `classCost`, `bceCost`, `diceCost` and `l1Cost`, but computed only for the (row, target)
    /// pairs the sparse rule allows, and with the transcendental work done once per row instead of once per pair:
    /// BCE = (Σ_c softplus(x_c) − Σ_c x_c·t_c)/C and Dice needs Σ_c σ(x_c) and Σ_c σ(x_c)·t_c, where only the
    /// sums against t depend on the target (and run over its nonzero columns).
    public static func costMatrix(_ p: MatchPredictions, targets: [MatchTarget], weights: LossWeights) -> [Double] {
        let g = targets.count, n = p.rows, cols = p.columns
        var cost = [Double](repeating: .infinity, count: n * g)
        guard g > 0, n > 0 else { return cost }
        var softplusSum = [Double](repeating: 0, count: n), probSum = [Double](repeating: 0, count: n)
        var prob = [Double](repeating: 0, count: n * cols)
        for r in 0..<n {
            var sp = 0.0, ps = 0.0
            for c in 0..<cols {
                let x = Double(p.maskLogits[r * cols + c]), e = exp(-abs(x))
                sp += max(x, 0) + log1p(e)
                let s = x >= 0 ? 1 / (1 + e) : e / (1 + e)
                prob[r * cols + c] = s
                ps += s
            }
            softplusSum[r] = sp; probSum[r] = ps
        }
        let denominator = Double(max(cols, 1))
        for (j, t) in targets.enumerated() {
            let support = t.mask.indices.filter { t.mask[$0] != 0 }
            let tSum = support.reduce(0.0) { $0 + Double(t.mask[$1]) }
            for r in 0..<n where t.superpoints.contains(p.seeds[r]) {
                var xt = 0.0, inter = 0.0
                for c in support {
                    let w = Double(t.mask[c])
                    xt += Double(p.maskLogits[r * cols + c]) * w
                    inter += prob[r * cols + c] * w
                }
                let bce = (softplusSum[r] - xt) / denominator
                let dice = 1 - (2 * inter + 1) / (probSum[r] + tSum + 1)
                var ctr = 0.0, size = 0.0
                for a in 0..<3 {
                    ctr += Double(abs(p.centers[r * 3 + a] - t.center[a]))
                    size += Double(abs(p.sizes[r * 3 + a] - t.size[a]))
                }
                let cls = -Double(p.probabilities[r * p.classCount + t.label])
                cost[r * g + j] = weights.classification * cls + weights.maskBCE * bce + weights.maskDice * dice
                    + weights.center * ctr + weights.size * size
            }
        }
        return cost
    }

    /// For each target its cheapest finite row: `(row, target)` pairs in target order (ties: lowest row).
    public static func match(cost: [Double], rows: Int, targets g: Int) -> [(row: Int, target: Int)] {
        var out: [(row: Int, target: Int)] = []
        for j in 0..<g {
            var best = -1, bestCost = Double.infinity
            for r in 0..<rows where cost[r * g + j] < bestCost { best = r; bestCost = cost[r * g + j] }
            if best >= 0 { out.append((best, j)) }
        }
        return out
    }
}
