import SegDINO3D
import Tensor

/// The whole loss of a step: for every prediction set (pre-decoder and after each layer, the aux losses),
/// the scene-level sets' losses (`scene` or `fused`, the curriculum's `pseudo`) plus the mean over the view sets' losses of each
/// per-view kind (`view`, the curriculum's `tracked`).
public enum LossAggregate {
    /// The scalar loss and the logged values (`loss`, per-term sums over layers, `matches` of the final layer).
    /// `semanticTargets [Q]` adds `weights.semantic` × the semantic head's cross-entropy on the last prediction
    /// (logged as `semantic`), ignoring `TrainScene.ignoredSemantic`.
    public static func total(_ predictions: [LayerPrediction], sets: [SupervisionSet], seeds: [Int32], weights: LossWeights,
                             semanticTargets: [Int32]? = nil, qualityTargets: QualityTargets = .matched,
                             tape: Tape) -> (Var, [String: Double]) {
        var total = tape.constant(Tensor(scalar: 0))
        var values: [String: Double] = [:]
        let kindCount = Dictionary(sets.map { ($0.kind, 1) }, uniquingKeysWith: +)
        for (layer, p) in predictions.enumerated() {
            for set in sets {
                let t = InstanceLoss.terms(p, set: set, seeds: seeds, weights: weights,
                                           qualityTargets: qualityTargets.rule(for: set.kind))
                let scale = set.kind.isPerView ? 1 / Double(max(1, kindCount[set.kind] ?? 1)) : 1
                total = total + t.total * scale
                for (key, v) in [("cls", t.classification), ("bce", t.maskBCE), ("dice", t.maskDice), ("center", t.center), ("size", t.size),
                                 ("quality", t.quality)] {
                    if let v { values["\(set.kind.rawValue).\(key)", default: 0] += v.value.scalar * scale }
                }
                if layer == predictions.count - 1 { values["\(set.kind.rawValue).matches", default: 0] += Double(t.matches) }
            }
        }
        if let semanticTargets, let logits = predictions.last?.semanticLogits,
           semanticTargets.contains(where: { $0 != TrainScene.ignoredSemantic }) {
            // Targets are ScanNet200 class indices; the head's last output is the ignored "other" class, and classes
            // the head does not have (a smaller `semanticClasses`) are ignored too.
            let ignore = Int32(logits.shape[1] - 1)
            let ce = logits.crossEntropy(labels: semanticTargets.map { min($0, ignore) }, ignoreIndex: ignore) * weights.semantic
            total = total + ce
            values["semantic"] = ce.value.scalar
        }
        values["loss"] = total.value.scalar
        return (total, values)
    }
}
