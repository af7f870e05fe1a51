import Foundation
import SceneIO
import Support
import SegDINO3D

/// Augmentation ranges (method §4.6), applied alike to points, normals, boxes and 2D object centres.
public struct AugmentOptions: Codable, Sendable, Equatable {
    /// Probability of mirroring x, and (separately) y.
    public var flipProbability: Double = 0.5
    /// Rotation about z drawn uniformly in ±this, radians.
    public var maxRotation: Double = Double.pi
    /// Uniform scale range.
    public var scaleRange: [Double] = [0.8, 1.2]
    /// Standard deviation of the translation, metres.
    public var translationStd: Double = 0.1
    /// Whether to augment at all.
    public var enabled: Bool = true
    /// Elastic distortion after the similarity transform.
    public var elastic = ElasticOptions()
    public init() {}
}

/// Elastic distortion (method §4.6: granularity [6, 20], magnitude [40, 160], p 0.5). As in the reference
/// implementations, the two pairs are two passes, a fine one (6, 40) then a coarse one (20, 160), both in units of
/// the published 0.02 m voxel: `voxelSize` turns them into metres, so the bend is the published one in metres
/// whatever point spacing our scenes have (4 cm in the demo). As in those implementations the noise grid's nodes
/// lie 2·granularity apart (0.24 m and 0.8 m), and a point moves by about 0.19·magnitude (0.15 m and 0.6 m).
public struct ElasticOptions: Codable, Sendable, Equatable {
    /// Probability of distorting a step's scene (0 = off).
    public var probability: Double = 0.5
    /// Grid spacing of each pass, in voxels.
    public var granularity: [Double] = [6, 20]
    /// Displacement scale of each pass, in voxels per unit of smoothed noise.
    public var magnitude: [Double] = [40, 160]
    /// Metres per voxel unit (published: 0.02).
    public var voxelSize: Double = 0.02
    public init() {}
}

/// What supervises training (the ablation switches).
public struct SupervisionOptions: Codable, Sendable, Equatable {
    /// Scene-level supervision on 3D ground truth restricted to the base classes.
    public var sceneGT: Bool = true
    /// View-level supervision from lifted 2D labels; with `vip` the predictions are truncated per view (VIP).
    public var viewLabels: Bool = true
    /// View-wise Instance Partition: per view only queries seeded there and superpoints visible there.
    public var vip: Bool = true
    /// Share of the scenes (in name order, first ones) that get view-level supervision ("reconstructed data").
    public var reconstructedFraction: Double = 1.0
    /// At most this many views per scene and step (drawn at random), to bound the cost.
    public var viewsPerStep: Int = 4
    /// Which classes the scene-level 3D ground truth covers: the base classes (the open-vocabulary setting) or
    /// every class (the supervised ceiling of the learning benchmark).
    public var sceneGTClasses: SceneGTClasses = .base
    /// Which 2D-derived labels supervise which steps (Curriculum.swift); empty: stage `views` throughout when
    /// `viewLabels` is on. E.g. `[{"stage": "views", "fromStep": 0, "untilStep": 2000}, {"stage": "tracked",
    /// "fromStep": 2000}]`; stages `tracked` and `pseudo` need `ovseg3r track-masks` to have run on the scenes;
    /// stage `fused` needs only `lift`.
    /// Optional only so that configs written before curricula existed still decode (a missing key reads as nil,
    /// which means the same as `[]`).
    public var curriculum: [CurriculumPhase]? = []
    /// Leave out of the scene-level set (rather than teach "no object") the queries seeded on a superpoint that the
    /// views name as an object, in at least half of the views that see it, but that no scene-level target covers:
    /// an "ignore" region where the 3D labels are silent (`StepBatch.unexplained`). Only in the view-supervised
    /// share. Optional only so that configs written before it existed still decode (nil reads as false).
    public var ignoreUnexplained: Bool? = false
    /// Rename each view instance after the scene-level target that holds more than half of its superpoints: the 3D
    /// ground truth first, then the fused instances (`ViewConsensus`, loaded for this). The views' masks still
    /// supervise per view (VIP), under the names the views agree on (`ViewTargets.relabeled`); the model's input (the
    /// 2D objects' own names) is unchanged. Optional only so that configs written before it existed still decode.
    public var relabelViews: Bool? = false
    public init() {}
}

/// The classes whose 3D ground truth supervises training at the scene level.
public enum SceneGTClasses: String, Codable, Sendable, CaseIterable, ClosedSetValue {
    /// ScanNet200's 51 base classes (`ClassGroups.baseNovel()`): novel classes are learned from 2D labels only.
    case base
    /// Every ScanNet200 instance class: the supervised ceiling.
    case all
}

/// Everything a training run needs besides data; a JSON file may give any subset of the keys.
public struct TrainConfig: Codable, Sendable, Equatable {
    public var model = ModelConfig()
    public var augment = AugmentOptions()
    public var supervision = SupervisionOptions()
    /// Optimiser steps (each averages the gradients of `scenesPerStep` scenes).
    public var steps: Int = 300
    /// Scenes ("slots") per step K: the step's gradient is the mean of K scenes' gradients, and its logged values
    /// the mean of theirs. Under `mpirun -np N` each rank computes K / N of them (K must be a multiple of N; a K of 1
    /// becomes N). The result depends on K, not on N.
    public var scenesPerStep: Int = 1
    /// AdamW base learning rate, poly decay (power `polyPower`) to 0 at `steps`.
    public var learningRate: Double = 1e-3
    public var weightDecay: Double = 0.05
    public var polyPower: Double = 0.9
    /// Global gradient-norm clip (method: 10).
    public var clipNorm: Double = 10
    /// Lower end of the random share of superpoints used as queries (U(minQueryFraction, 1)).
    public var minQueryFraction: Double = 0.5
    /// Vocabulary size T: the scene's names padded with random negative names.
    public var textCount: Int = 16
    /// Hard negatives: for each name the step's targets use, its `hardNegatives` nearest other names (cosine of the
    /// text embeddings, `TextEmbeddings.nearest`) join the vocabulary as negatives before the random padding, even
    /// where that takes it past `textCount`. So a query is taught its name against the names most like it
    /// (radiator against vent), not only against random ones. 0 (the default): random negatives only. Optional only
    /// so that configs written before it existed still decode (nil reads as 0).
    public var hardNegatives: Int? = 0
    /// Which queries teach the quality head (`model.qualityHead`): the matched ones (default), every query in scope
    /// against its best IoU with any target (`all`), or that on the scene-level sets only (`scene-all`); see
    /// `QualityTargets`. Optional only so that configs written before it existed still decode (nil reads as matched).
    public var qualityTargets: QualityTargets? = .matched
    /// Share of 2D objects dropped per step (method: 0.7 on ScanNet200).
    public var objectDropout: Double = 0.5
    /// Use lifted 2D features and 2D objects (`feat2d`, `objects2d_*`) when the scene has them.
    public var features2D: Bool = true
    /// Superpoint array to read: `superpoints` (IBSp when the scene was lifted with it) or another, e.g. a
    /// geometry-only `superpoints_geo` for the w/o-IBSp ablation.
    public var superpointArray: String = SceneFile.superpoints.stem
    /// Save a checkpoint every this many steps (and at the end).
    public var checkpointEvery: Int = 50
    /// Checkpoints at multiples of this step count are kept (0: keep only the newest two); the learning
    /// benchmark evaluates them for its AP-versus-step curves.
    public var keepCheckpointEvery: Int = 0
    /// Loss weights (method §5): class, mask BCE, mask Dice, centre L1, size L1; no-object class weight.
    public var weights = LossWeights()
    /// What the run learns: instance segmentation, or DITR's distillation pretraining (`distill2D`: the encoder
    /// predicts each point's lifted 2D feature from geometry and colour under a cosine loss; `feat2d` is the target,
    /// never an input).
    public var objective: TrainObjective = .segmentation

    public init() {}

    /// Reads a JSON file; keys absent from the file keep their values in `base` (also inside nested objects):
    /// the defaults, or on resume the run's stored config.
    public static func load(from url: URL, over base: TrainConfig = TrainConfig()) throws(TrainError) -> TrainConfig {
        do {
            let user = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
            try checkKeys(user, source: url.path)
            return try decode(user, over: base)
        } catch let e as TrainError {
            throw e
        } catch {
            throw .unreadable(path: url.path, reason: ErrorText.decoding(error))
        }
    }

    /// A parsed config JSON object (any subset of the keys) merged over `base`, decoded and validated. Unknown keys
    /// are not checked here (`checkKeys`).
    public static func decode(_ object: Any, over base: TrainConfig = TrainConfig()) throws -> TrainConfig {
        let merged = JSONKeys.overlay(object, on: try JSONSerialization.jsonObject(with: JSONEncoder().encode(base)))
        let config = try JSONDecoder().decode(TrainConfig.self, from: JSONSerialization.data(withJSONObject: merged))
        try config.validate()
        return config
    }

    /// Pretty, key-sorted JSON (what `RUN/config.json` holds).
    public func jsonData() -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? e.encode(self)) ?? Data()
    }

    /// Throws `invalidConfiguration` naming the first bad field.
    public func validate() throws(TrainError) {
        do { try model.validate() } catch { throw .invalidConfiguration(field: "model", value: "", reason: error.description) }
        guard steps >= 1 else { throw .invalidConfiguration(field: "steps", value: String(steps), reason: "must be ≥ 1") }
        guard scenesPerStep >= 1 else {
            throw .invalidConfiguration(field: "scenesPerStep", value: String(scenesPerStep), reason: "must be ≥ 1")
        }
        try validateRates()
        try supervision.validateCurriculum()
        guard (hardNegatives ?? 0) >= 0 else {
            throw .invalidConfiguration(field: "hardNegatives", value: String(hardNegatives ?? 0), reason: "must be ≥ 0")
        }
        guard textCount >= 2 else { throw .invalidConfiguration(field: "textCount", value: String(textCount), reason: "must be ≥ 2") }
        guard (0...1).contains(minQueryFraction), minQueryFraction > 0 else {
            throw .invalidConfiguration(field: "minQueryFraction", value: String(minQueryFraction), reason: "must lie in (0, 1]")
        }
        guard (0...1).contains(supervision.reconstructedFraction) else {
            throw .invalidConfiguration(field: "supervision.reconstructedFraction", value: String(supervision.reconstructedFraction),
                                        reason: "must lie in [0, 1]")
        }
        guard keepCheckpointEvery >= 0 else {
            throw .invalidConfiguration(field: "keepCheckpointEvery", value: String(keepCheckpointEvery), reason: "must be ≥ 0 (0 = keep the newest two)")
        }
        guard checkpointEvery >= 1 else {
            throw .invalidConfiguration(field: "checkpointEvery", value: String(checkpointEvery), reason: "must be ≥ 1")
        }
        let e = augment.elastic
        guard (0...1).contains(e.probability), e.granularity.count == e.magnitude.count, e.granularity.allSatisfy({ $0 > 0 }),
              e.magnitude.allSatisfy({ $0 >= 0 }), e.voxelSize > 0 else {
            throw .invalidConfiguration(field: "augment.elastic", value: "p \(e.probability), granularity \(e.granularity), magnitude \(e.magnitude), voxel \(e.voxelSize)",
                                        reason: "need p in [0, 1], one magnitude ≥ 0 per granularity > 0, voxelSize > 0")
        }
        if objective == .distill2D, model.feature2DWidth < 1 {
            throw .invalidConfiguration(field: "model.feature2DWidth", value: String(model.feature2DWidth),
                                        reason: "objective distill2D predicts the lifted 2D features, so it needs their width (≥ 1)")
        }
        guard augment.scaleRange.count == 2, augment.scaleRange[0] > 0, augment.scaleRange[0] <= augment.scaleRange[1] else {
            throw .invalidConfiguration(field: "augment.scaleRange", value: "\(augment.scaleRange)", reason: "must be [low, high], 0 < low ≤ high")
        }
    }
}

/// What a training run optimises.
public enum TrainObjective: String, Codable, Sendable, CaseIterable, ClosedSetValue {
    /// Instance segmentation (the losses of method §5).
    case segmentation
    /// DITR distillation: 1 − cos(predicted, lifted 2D feature) averaged over the points some view saw.
    case distill2D
}

extension TrainConfig {
    /// The optimiser, schedule, sampling and weight ranges: each refusal names the key and the value.
    func validateRates() throws(TrainError) {
        func need(_ ok: Bool, _ field: String, _ value: Double, _ rule: String) throws(TrainError) {
            guard ok, value.isFinite else { throw .invalidConfiguration(field: field, value: String(value), reason: rule) }
        }
        try need(learningRate > 0, "learningRate", learningRate, "must be > 0")
        try need(weightDecay >= 0, "weightDecay", weightDecay, "must be ≥ 0")
        try need(polyPower >= 0, "polyPower", polyPower, "must be ≥ 0")
        try need(clipNorm > 0, "clipNorm", clipNorm, "must be > 0")
        try need((0..<1).contains(objectDropout), "objectDropout", objectDropout, "must lie in [0, 1)")
        guard supervision.viewsPerStep >= 1 else {
            throw .invalidConfiguration(field: "supervision.viewsPerStep", value: String(supervision.viewsPerStep), reason: "must be ≥ 1")
        }
        try need((0...1).contains(augment.flipProbability), "augment.flipProbability", augment.flipProbability, "must lie in [0, 1]")
        try need(augment.maxRotation >= 0, "augment.maxRotation", augment.maxRotation, "must be ≥ 0 (radians)")
        try need(augment.translationStd >= 0, "augment.translationStd", augment.translationStd, "must be ≥ 0 (metres)")
        let w = weights
        for (name, value) in [("classification", w.classification), ("maskBCE", w.maskBCE), ("maskDice", w.maskDice),
                              ("center", w.center), ("size", w.size), ("noObject", w.noObject), ("semantic", w.semantic),
                              ("quality", w.quality)] {
            try need(value >= 0, "weights." + name, value, "must be ≥ 0")
        }
    }
}

/// Weights of the matching cost and of the loss (method §5; the same five weights for both).
public struct LossWeights: Codable, Sendable, Equatable {
    public var classification: Double = 0.5
    public var maskBCE: Double = 1.0
    public var maskDice: Double = 1.0
    public var center: Double = 0.5
    public var size: Double = 0.5
    /// Cross-entropy weight of the no-object class.
    public var noObject: Double = 0.1
    /// Semantic head cross-entropy (method §5: 0.5); used only when the model has a semantic head.
    public var semantic: Double = 0.5
    /// Quality head BCE against the masks' IoUs (`qualityTargets`); used only when the model has a quality head.
    public var quality: Double = 1.0
    public init() {}
}
