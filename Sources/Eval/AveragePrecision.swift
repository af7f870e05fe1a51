/// The ScanNet benchmark's area under the precision–recall curve.
///
/// Rule (as in the benchmark): sort the scored entries by score; at each distinct score s (ascending)
/// take precision and recall of "everything scoring ≥ s", where the recall's denominator also counts
/// ground truth that no prediction matched (`hardFalseNegatives`). Append the artificial point
/// (recall 0, precision 1). With recalls r₀ … r_n (r_n = 0) and r₋₁ := r₀, r_{n+1} := 0, each point's
/// step width is (r_{i−1} − r_{i+1}) / 2 and AP = Σ precision_i · width_i. This is not VOC's interpolated
/// AP: precision is not made monotone.
///
/// Properties: ties in score form one curve point, so the result does not depend on the order of
/// equal scores; AP ∈ [0, 1]; with no scored entry at all the curve is the artificial point only and AP = 0
/// (the ScanNet200 variants of the script guard this case; the original raises on it).
public enum AveragePrecision {
    /// - Parameters:
    ///   - scores: one score per entry (true positive or false positive).
    ///   - isTrue: `scores.count` flags, true for a true positive.
    ///   - hardFalseNegatives: ground-truth instances that no prediction matched.
    public static func stepRule(scores: [Double], isTrue: [Bool], hardFalseNegatives: Int) -> Double {
        precondition(scores.count == isTrue.count, "one flag per score")
        let n = scores.count
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // trueBefore[i] = true entries among the i lowest scores.
        var trueBefore = [Double](repeating: 0, count: n + 1)
        for i in 0..<n { trueBefore[i + 1] = trueBefore[i] + (isTrue[order[i]] ? 1 : 0) }
        let totalTrue = trueBefore[n]

        var precision: [Double] = []
        var recall: [Double] = []
        for i in 0..<n where i == 0 || scores[order[i]] != scores[order[i - 1]] {
            let tp = totalTrue - trueBefore[i]
            let fp = Double(n - i) - tp
            let fn = trueBefore[i] + Double(hardFalseNegatives)
            precision.append(tp / (tp + fp))
            recall.append(tp / (tp + fn))
        }
        precision.append(1)
        recall.append(0)

        var ap = 0.0
        for i in precision.indices {
            let before = i == 0 ? recall[0] : recall[i - 1]
            let after = i + 1 < recall.count ? recall[i + 1] : 0
            ap += precision[i] * (0.5 * before - 0.5 * after)
        }
        return ap
    }
}
