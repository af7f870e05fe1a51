import SegDINO3D
import Tensor

/// The whole loss of a step: for every prediction set (pre-decoder and after each layer, the aux losses),
/// the scene-level set's loss plus the mean over the view sets' losses.
public enum LossAggregate {
    /// The scalar loss and the logged values (`loss`, per-term sums over layers, `matches` of the final layer).
    public static func total(_ predictions: [LayerPrediction], sets: [SupervisionSet], seeds: [Int32], weights: LossWeights,
                             tape: Tape) -> (Var, [String: Double]) {
        var total = tape.constant(Tensor(scalar: 0))
        var values: [String: Double] = [:]
        let viewCount = Double(max(1, sets.filter { $0.kind == "view" }.count))
        for (layer, p) in predictions.enumerated() {
            for set in sets {
                let t = InstanceLoss.terms(p, set: set, seeds: seeds, weights: weights)
                let scale = set.kind == "view" ? 1 / viewCount : 1
                total = total + t.total * scale
                for (key, v) in [("cls", t.classification), ("bce", t.maskBCE), ("dice", t.maskDice), ("center", t.center), ("size", t.size)] {
                    if let v { values["\(set.kind).\(key)", default: 0] += v.value.scalar * scale }
                }
                if layer == predictions.count - 1 { values["\(set.kind).matches", default: 0] += Double(t.matches) }
            }
        }
        values["loss"] = total.value.scalar
        return (total, values)
    }
}
