import SegDINO3D
import Tensor

/// A group of queries and superpoint columns supervised together: the whole scene (scene-level GT, or a
/// view's labels without VIP) or one view under VIP (queries seeded in the view × superpoints visible in it).
public struct SupervisionSet: Sendable {
    /// Query rows in scope (indices into the prediction's Q).
    public var rows: [Int32]
    /// Superpoint columns in scope; nil = all S.
    public var columns: [Int32]?
    public var targets: [MatchTarget]
    /// What supervises the set; its raw value prefixes the set's log names.
    public var kind: SupervisionKind
}

/// Where a supervision set's targets come from.
public enum SupervisionKind: String, Sendable, Equatable, CaseIterable {
    /// Scene-level 3D labels.
    case scene
    /// The curriculum's scene-level pseudo-instances (tracked masks).
    case pseudo
    /// Scene-level 3D labels plus the fused instances they do not cover (the curriculum's stage `fused`).
    case fused
    /// One view's lifted labels (VIP).
    case view
    /// One view's tracked labels.
    case tracked

    /// Per-view sets, whose losses are averaged over the step's views of that kind.
    public var isPerView: Bool { self == .view || self == .tracked }
}

/// The loss terms of one prediction set on one supervision set (method §5), each already weighted.
public struct LossTerms {
    public var classification: Var
    public var maskBCE: Var?
    public var maskDice: Var?
    public var center: Var?
    public var size: Var?
    /// BCE of the quality head's logits against the masks' IoUs (models with a quality head; rows: `QualityTargets`).
    public var quality: Var?
    public var matches: Int

    /// Sum of the present terms.
    public var total: Var {
        [maskBCE, maskDice, center, size, quality].compactMap { $0 }.reduce(classification, +)
    }
}

/// Which rows teach the quality head (`TrainConfig.qualityTargets`).
public enum QualityTargets: String, Codable, Sendable, CaseIterable, ClosedSetValue {
    /// The matched rows, each against the IoU with its own target.
    case matched
    /// Every row in scope, each against its mask's best IoU with any target of the set: fragments and masks on
    /// nothing, which inference must rank low, are taught low values too.
    case all
    /// As `all`, but only on the scene-level sets (3D labels or fused instances: whole objects, as AP scores them);
    /// the per-view sets teach the head nothing.
    case sceneAll = "scene-all"

    /// The rule for one set of `kind`: nil = the set does not teach the head.
    public func rule(for kind: SupervisionKind) -> QualityTargets? {
        switch self {
        case .matched, .all: self
        case .sceneAll: kind.isPerView ? nil : .all
        }
    }
}

/// Matching and loss for one prediction set.
public enum InstanceLoss {
    /// The matcher's view of `prediction` restricted to `set` (values only).
    public static func matchInputs(_ prediction: LayerPrediction, set: SupervisionSet, seeds: [Int32]) -> MatchPredictions {
        let cls = prediction.classLogits.value, k = cls.shape[1]
        let probs = prediction.classLogits.tape.withoutRecording { prediction.classLogits.softmax().value }.gatheredRows(set.rows).floats()
        var masks = prediction.maskLogits.value.gatheredRows(set.rows)
        if let cols = set.columns { masks = masks.permuted([1, 0]).gatheredRows(cols).permuted([1, 0]) }
        return MatchPredictions(probabilities: probs, classCount: k, maskLogits: masks.floats(), columns: masks.shape[1],
                                centers: prediction.centers.value.gatheredRows(set.rows).floats(),
                                sizes: prediction.sizes.value.gatheredRows(set.rows).floats(),
                                seeds: set.rows.map { seeds[Int($0)] })
    }

    /// Matches, then: class CE over every row in scope (unmatched → no-object, weight `noObject`), mask BCE and
    /// Dice over matched rows × columns in scope, centre and size L1 (sum over xyz, mean over matches); with a quality
    /// head, BCE of its logits against the IoUs of binary masks (logit > 0) over the columns in scope: each matched
    /// row's with its target (`.matched`), or every row's best with any target (`.all`, `.sceneAll`); nil: no term.
    /// The IoU is a constant, so no gradient reaches the masks through it.
    public static func terms(_ prediction: LayerPrediction, set: SupervisionSet, seeds: [Int32], weights: LossWeights,
                             qualityTargets: QualityTargets? = .matched) -> LossTerms {
        let inputs = matchInputs(prediction, set: set, seeds: seeds)
        let cost = SparseMatcher.costMatrix(inputs, targets: set.targets, weights: weights)
        let matches = SparseMatcher.match(cost: cost, rows: inputs.rows, targets: set.targets.count)
        let k = inputs.classCount
        var labels = [Int32](repeating: Int32(k - 1), count: set.rows.count)
        for m in matches { labels[m.row] = Int32(set.targets[m.target].label) }
        var classWeights = [Double](repeating: 1, count: k)
        classWeights[k - 1] = weights.noObject
        let ce = prediction.classLogits.gatherRows(set.rows).crossEntropy(labels: labels, classWeights: classWeights)
        var out = LossTerms(classification: ce * weights.classification, matches: matches.count)
        if let rule = qualityTargets, rule != .matched, let quality = prediction.qualityLogits {
            // Every row in scope: the best IoU of its binary mask with any target of the set (0 without targets).
            let r = set.rows.count
            let best = bestMaskIoUs(logits: inputs.maskLogits, columns: inputs.columns, targets: set.targets.map(\.mask))
            out.quality = quality.gatherRows(set.rows).binaryCrossEntropyWithLogits(targets: Tensor.rows(best, rows: r, cols: 1))
                * weights.quality
        }
        guard !matches.isEmpty else { return out }
        let tape = prediction.maskLogits.tape
        let rows = matches.map { set.rows[$0.row] }
        var masks = prediction.maskLogits.gatherRows(rows)
        if let cols = set.columns { masks = masks.transposed().gatherRows(cols).transposed() }
        let c = masks.shape[1], m = matches.count
        let maskTarget = Tensor.rows(matches.flatMap { set.targets[$0.target].mask }, rows: m, cols: c)
        out.maskBCE = masks.binaryCrossEntropyWithLogits(targets: maskTarget) * weights.maskBCE
        out.maskDice = masks.diceLoss(targets: maskTarget) * weights.maskDice
        let centerTarget = tape.constant(Tensor.rows(matches.flatMap { set.targets[$0.target].center }, rows: m, cols: 3))
        let sizeTarget = tape.constant(Tensor.rows(matches.flatMap { set.targets[$0.target].size }, rows: m, cols: 3))
        out.center = (prediction.centers.gatherRows(rows) - centerTarget).abs().sum() * (weights.center / Double(m))
        out.size = (prediction.sizes.gatherRows(rows) - sizeTarget).abs().sum() * (weights.size / Double(m))
        if qualityTargets == .matched, let quality = prediction.qualityLogits {
            let ious = Tensor.rows(maskIoUs(logits: masks.value.floats(), targets: maskTarget.floats(), columns: c), rows: m, cols: 1)
            out.quality = quality.gatherRows(rows).binaryCrossEntropyWithLogits(targets: ious) * weights.quality
        }
        return out
    }
}

extension InstanceLoss {
    /// IoU of each row's binary mask (logit > 0) with its 0/1 target row (`[rows × columns]` each, row-major); an
    /// empty union counts as IoU 0.
    public static func maskIoUs(logits: [Float], targets: [Float], columns c: Int) -> [Float] {
        guard c > 0 else { return [] }
        return (0..<(logits.count / c)).map { r in
            var inter = 0, union = 0
            for j in (r * c)..<(r * c + c) {
                let p = logits[j] > 0, t = targets[j] > 0.5
                if p && t { inter += 1 }
                if p || t { union += 1 }
            }
            return union > 0 ? Float(inter) / Float(union) : 0
        }
    }

    /// For each row of `logits [rows × columns]`, the highest IoU of its binary mask (logit > 0) with any of the 0/1
    /// `targets` (each `[columns]`); 0 without targets.
    public static func bestMaskIoUs(logits: [Float], columns c: Int, targets: [[Float]]) -> [Float] {
        guard c > 0 else { return [] }
        let sets = targets.map { t in (0..<c).filter { t[$0] > 0.5 } }
        return (0..<(logits.count / c)).map { r in
            let row = r * c
            var positives = 0
            for j in 0..<c where logits[row + j] > 0 { positives += 1 }
            var best: Float = 0
            for target in sets {
                var inter = 0
                for j in target where logits[row + j] > 0 { inter += 1 }
                let union = positives + target.count - inter
                if union > 0 { best = max(best, Float(inter) / Float(union)) }
            }
            return best
        }
    }
}

extension Tensor {
    /// `[rows, cols]` float32 from row-major values.
    static func rows(_ values: [Float], rows: Int, cols: Int) -> Tensor {
        precondition(values.count == rows * cols, "Tensor.rows: \(values.count) values for [\(rows), \(cols)]")
        return (try? Tensor(values, shape: [rows, cols])) ?? Tensor.zeros([rows, cols])
    }
}
