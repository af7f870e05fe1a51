import Foundation
import SegDINO3D
import Support

/// One predicted instance in superpoint space.
public struct InstanceCandidate: Sendable {
    /// Query row and class index into the vocabulary.
    public var query: Int
    public var classIndex: Int
    /// Final score (class probability × mask score, after matrix NMS). Higher is better.
    public var score: Double
    /// Superpoints in the mask (sigmoid > the mask threshold).
    public var superpoints: [Int32]
}

/// Inference post-processing of method §4.5.
public struct PostProcessOptions: Sendable {
    /// (query, class) pairs kept before NMS (published: 600).
    public var topK = 600
    /// Superpoint mask threshold on sigmoid (published: 0.4).
    public var maskThreshold = 0.4
    /// Predictions with at most this many points are dropped (published: 100).
    public var minPoints = 100
    /// Minimum final score kept (published: 0).
    public var minScore = 0.0
    /// What the out-of-box filter drops: whole superpoints with no point in the enlarged box (default), single points
    /// outside it (published), or nothing. See `BoxFilter` for why the default differs from the published one.
    public var boxFilter = BoxFilter.superpoints
    /// Relative enlargement of the predicted box for that filter (published: 1.5, i.e. 2.5× the edge lengths).
    public var boxEnlargement = 1.5
    /// What multiplies the class probability (published: the mean sigmoid). The quality head's IoU did not rank
    /// better on the benchmark (RESULTS.md, "A mask-quality head to rank the predictions"), so it is not the default.
    public var maskScore = MaskScore.meanSigmoid
    public init() {}
}

extension PostProcessOptions {
    /// Throws `invalidConfiguration` naming `maskScore` (and `checkpoint`, when given) if the options ask for the
    /// quality head's score from a model without the head; before any scene is predicted, so nothing is written.
    public func check(against config: ModelConfig, checkpoint: URL? = nil) throws(TrainError) {
        guard maskScore != .meanSigmoid, !config.qualityHead else { return }
        let which = checkpoint.map { "the checkpoint \($0.path)" } ?? "this model"
        throw .invalidConfiguration(field: "maskScore", value: maskScore.rawValue,
                                    reason: "needs a model trained with model.qualityHead, and \(which) has none (use mean-sigmoid)")
    }
}

/// The mask score of method §4.5 step 2, which ranks a (query, class) pair together with its class probability.
public enum MaskScore: String, Codable, Sendable, CaseIterable, ClosedSetValue {
    /// Mean sigmoid over the superpoints with logit > 0 (published).
    case meanSigmoid = "mean-sigmoid"
    /// The quality head's predicted IoU (`ModelConfig.qualityHead`).
    case quality
    /// Both multiplied.
    case product
}

/// How the out-of-box filter of method §4.5 step 6 cuts a predicted mask to its query's enlarged box.
///
/// The published filter cuts point by point. A model trained with VIP learns its boxes from single views' partial
/// masks, so its boxes fall short of whole objects, and the point cut takes slices out of superpoints that belong to
/// the object (RESULTS.md, "The out-of-box filter by superpoint, and where the rest of the gap to lifting lies": a
/// held-out object lay in one superpoint, the mask had it, and the cut took 169 of its 373 points). Cutting by
/// superpoint keeps the filter's purpose, dropping stray superpoints far from the object, and never splits a
/// superpoint, whose edges IBSp already drew along 2D instance boundaries.
public enum BoxFilter: String, Codable, Sendable, CaseIterable, ClosedSetValue {
    /// Drop the mask's superpoints that have no point inside the enlarged box; keep the others whole.
    case superpoints
    /// Drop every mask point outside the enlarged box (the published post-processing).
    case points
    /// Keep the mask as predicted.
    case off
}

public enum PostProcess {
    /// `classLogits [Q, K+1]` (last = no object), `maskLogits [Q, S]`, `pointsPerSuperpoint [S]`, the quality head's
    /// `qualityLogits [Q]` if the model has one → candidates by descending score: softmax over K+1, top-k pairs over
    /// the K real classes, × mask score (`options.maskScore`), label-aware matrix NMS (linear kernel), binarise, drop
    /// small. Without quality logits the quality factor is 1 (`Predictor` refuses to ask for it from a model
    /// without the head).
    public static func run(classLogits: [Float], maskLogits: [Float], qualityLogits: [Float]? = nil, queries q: Int,
                           classes k: Int, superpoints s: Int, pointsPerSuperpoint: [Int],
                           options: PostProcessOptions) -> [InstanceCandidate] {
        let kind = options.maskScore
        var pairs: [(q: Int, c: Int, p: Double)] = []
        for qi in 0..<q {
            let row = (0...k).map { Double(classLogits[qi * (k + 1) + $0]) }
            let mx = row.max() ?? 0
            let e = row.map { exp($0 - mx) }, z = e.reduce(0, +)
            for c in 0..<k { pairs.append((qi, c, e[c] / z)) }
        }
        pairs.sort { $0.p != $1.p ? $0.p > $1.p : ($0.q, $0.c) < ($1.q, $1.c) }
        pairs = Array(pairs.prefix(options.topK))
        // Mask scores and binary masks (sigmoid > 0.5 for NMS; > threshold for output).
        var cands: [(InstanceCandidate, [Bool])] = pairs.map { pair in
            var sum = 0.0, n = 0
            var nms = [Bool](repeating: false, count: s)
            var out: [Int32] = []
            let th = log(options.maskThreshold / (1 - options.maskThreshold))
            for si in 0..<s {
                let x = Double(maskLogits[pair.q * s + si])
                if x > 0 { sum += 1 / (1 + exp(-x)); n += 1; nms[si] = true }
                if x > th { out.append(Int32(si)) }
            }
            let meanSigmoid = n > 0 ? sum / Double(n) : 0
            let quality = qualityLogits.flatMap { $0.indices.contains(pair.q) ? 1 / (1 + exp(-Double($0[pair.q]))) : nil } ?? 1
            let maskScore = switch kind {
            case .meanSigmoid: meanSigmoid
            case .quality: quality
            case .product: meanSigmoid * quality
            }
            return (InstanceCandidate(query: pair.q, classIndex: pair.c, score: pair.p * maskScore, superpoints: out), nms)
        }
        cands.sort { $0.0.score > $1.0.score }
        let decayed = matrixNMS(masks: cands.map(\.1), labels: cands.map(\.0.classIndex), scores: cands.map(\.0.score),
                                weights: pointsPerSuperpoint)
        var result: [InstanceCandidate] = []
        for (i, var c) in cands.map(\.0).enumerated() {
            c.score = decayed[i]
            let points = c.superpoints.reduce(0) { $0 + pointsPerSuperpoint[Int($1)] }
            if points > options.minPoints, c.score > options.minScore { result.append(c) }
        }
        return result.sorted { $0.score > $1.score }
    }

    /// Matrix NMS (SOLOv2) with a linear kernel, label-aware, masks sorted by descending score:
    /// decay_j = min_{i<j} (1 − IoU_ij)/(1 − max_{k<i} IoU_ki) over same-label i; IoU weighted by `weights [S]`.
    public static func matrixNMS(masks: [[Bool]], labels: [Int], scores: [Double], weights: [Int]) -> [Double] {
        let n = masks.count
        let area = masks.map { m in m.indices.reduce(0) { $0 + (m[$1] ? weights[$1] : 0) } }
        var iou = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) where labels[i] == labels[j] {
                var inter = 0
                for s in masks[i].indices where masks[i][s] && masks[j][s] { inter += weights[s] }
                let union = area[i] + area[j] - inter
                iou[i * n + j] = union > 0 ? Double(inter) / Double(union) : 0
            }
        }
        var compensate = [Double](repeating: 0, count: n)
        for j in 0..<n { for i in 0..<j { compensate[j] = max(compensate[j], iou[i * n + j]) } }
        return (0..<n).map { j in
            var decay = 1.0
            for i in 0..<j { decay = min(decay, (1 - iou[i * n + j]) / max(1 - compensate[i], 1e-6)) }
            return scores[j] * decay
        }
    }
}
