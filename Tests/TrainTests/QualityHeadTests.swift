import Foundation
import _TestSupport
import SceneIO
import SegDINO3D
import Support
import Tensor
import Testing
@testable import Train

/// `model.qualityHead`: a head that predicts each matched mask's IoU with its target, trained by BCE against the
/// (constant) IoU, and `PostProcessOptions.maskScore`, which lets it rank the predictions.
@Suite struct QualityHeadTests {
    @Test func maskIoUsByHand() {
        // Row 0: predicted {0, 1}, target {1, 2} → 1 / 3. Row 1: predicted nothing, target nothing → 0.
        // Row 2: predicted = target = {0, 2} → 1.
        let logits: [Float] = [2, 0.5, -1, -3, -0.1, 0, 4, -2, 1]
        let targets: [Float] = [0, 1, 1, 0, 0, 0, 1, 0, 1]
        let ious = InstanceLoss.maskIoUs(logits: logits, targets: targets, columns: 3)
        #expect(ious.count == 3)
        #expect(abs(ious[0] - 1.0 / 3) < 1e-6 && ious[1] == 0 && ious[2] == 1)
        #expect(InstanceLoss.maskIoUs(logits: [], targets: [], columns: 0).isEmpty)
    }

    /// Property: on random masks, the IoU equals the set IoU of {logit > 0} and {target = 1}, and lies in [0, 1].
    @Test(arguments: [1, 2, 3] as [UInt64]) func maskIoUsAreSetIoUs(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let rows = 6, columns = 11
        let logits = (0..<(rows * columns)).map { _ in Float(rng.nextGaussian()) }
        let targets = (0..<(rows * columns)).map { _ in rng.nextUnitDouble() < 0.4 ? Float(1) : 0 }
        let ious = InstanceLoss.maskIoUs(logits: logits, targets: targets, columns: columns)
        for r in 0..<rows {
            let p = Set((0..<columns).filter { logits[r * columns + $0] > 0 })
            let t = Set((0..<columns).filter { targets[r * columns + $0] == 1 })
            let union = p.union(t).count
            let expected = union > 0 ? Float(p.intersection(t).count) / Float(union) : 0
            #expect(abs(ious[r] - expected) < 1e-6 && (0...1).contains(ious[r]))
        }
    }

    /// Property: each row's best IoU is the largest of its IoUs with the targets one by one; 0 without targets.
    @Test(arguments: [4, 5] as [UInt64]) func bestMaskIoUsAreTheLargestIoUs(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let rows = 5, columns = 9
        let logits = (0..<(rows * columns)).map { _ in Float(rng.nextGaussian()) }
        let targets = (0..<3).map { _ in (0..<columns).map { _ in rng.nextUnitDouble() < 0.4 ? Float(1) : 0 } }
        let best = InstanceLoss.bestMaskIoUs(logits: logits, columns: columns, targets: targets)
        for r in 0..<rows {
            let row = Array(logits[(r * columns)..<(r * columns + columns)])
            let each = targets.map { InstanceLoss.maskIoUs(logits: row, targets: $0, columns: columns)[0] }
            #expect(abs(best[r] - (each.max() ?? 0)) < 1e-6)
        }
        #expect(InstanceLoss.bestMaskIoUs(logits: logits, columns: columns, targets: []) == [Float](repeating: 0, count: rows))
    }

    /// A tiny model with a quality head, its last prediction on a 8-superpoint input with queries on superpoints
    /// 0, 2, 5, and two targets the first two queries can match.
    static func lossSetUp() throws -> (SegDINO3DModel, Tape, LayerPrediction, SupervisionSet, [Int32]) {
        var config = ModelConfig()
        config.width = 16; config.heads = 2; config.decoderLayers = 1; config.encoderLayers = 1
        config.pointHidden = 16; config.ffnHidden = 32; config.textWidth = 8; config.qualityHead = true
        var rng = SeededGenerator(seed: 4)
        let model = try SegDINO3DModel(config: config, using: &rng)
        var text: [Float] = []
        for _ in 0..<(3 * 8) { text.append(Float(rng.nextGaussian())) }
        var coords: [Float] = [], colors: [Float] = [], normals: [Float] = [], superpoints: [Int32] = []
        for i in 0..<32 {
            let k = i % 8
            coords += [Float(k) * 0.3, Float(i / 8) * 0.02, 0]; colors += [Float(k) / 8, 0.5, 0.5]; normals += [0, 0, 1]
            superpoints.append(Int32(k))
        }
        let seeds: [Int32] = [0, 2, 5]
        let input = ModelInput(coords: coords, colors: colors, normals: normals, features2D: [], superpoints: superpoints,
                               superpointCount: 8, objectFeatures: [], objectCenters: [], querySeeds: seeds,
                               textEmbeddings: try Tensor(text, shape: [3, 8]))
        let tape = Tape()
        let last = try #require(try model.forward(input, tape: tape).last)
        let targets = [
            MatchTarget(mask: [1, 1, 0, 0, 0, 0, 0, 0], label: 0, center: [0.1, 0, 0], size: [0.2, 0.2, 0.2], superpoints: [0, 1]),
            MatchTarget(mask: [0, 0, 1, 1, 1, 0, 0, 0], label: 2, center: [0.9, 0, 0], size: [0.3, 0.2, 0.2], superpoints: [2, 3, 4]),
        ]
        return (model, tape, last, SupervisionSet(rows: [0, 1, 2], columns: nil, targets: targets, kind: .scene), seeds)
    }

    /// The term is the BCE of the matched rows' quality logits against their masks' IoUs, and it sends no gradient
    /// into the mask features (the IoU is a constant).
    @Test func theTermIsBCEAgainstTheMatchedMasksIoUs() throws {
        let (model, tape, prediction, set, seeds) = try Self.lossSetUp()
        let quality = try #require(prediction.qualityLogits)
        #expect(quality.shape == [3, 1])
        let terms = InstanceLoss.terms(prediction, set: set, seeds: seeds, weights: LossWeights())
        #expect(terms.matches == 2)
        let term = try #require(terms.quality)
        // By hand: queries 0 and 1 are matched to targets 0 and 1 (their seeds lie in them; query 2's does not).
        let masks = prediction.maskLogits.value.floats(), logits = quality.value.floats()
        var expected = 0.0
        for (row, target) in [(0, set.targets[0]), (1, set.targets[1])] {
            let iou = Double(InstanceLoss.maskIoUs(logits: Array(masks[(row * 8)..<(row * 8 + 8)]), targets: target.mask, columns: 8)[0])
            let x = Double(logits[row])
            expected += max(x, 0) - x * iou + log(1 + exp(-abs(x)))
        }
        expected /= 2
        #expect(abs(term.value.scalar - expected) < 1e-5)
        tape.backward(term)
        let reached = model.namedParameters.filter { $0.parameter.grad.map { $0.floats().contains { $0 != 0 } } ?? false }.map(\.name)
        #expect(reached.contains { $0.hasPrefix("quality_head") })
        #expect(!reached.contains { $0.hasPrefix("mask_feats") })
        // Its weight scales it.
        var plain = LossWeights()
        plain.quality = 0
        #expect(abs(InstanceLoss.terms(prediction, set: set, seeds: seeds, weights: plain).quality?.value.scalar ?? 1) < 1e-12)
    }

    /// With `qualityTargets: .all` every row in scope is taught, the unmatched query 2 too, each against its best IoU
    /// with any target.
    @Test func everyRowLearnsItsBestIoU() throws {
        let (_, _, prediction, set, seeds) = try Self.lossSetUp()
        let terms = InstanceLoss.terms(prediction, set: set, seeds: seeds, weights: LossWeights(), qualityTargets: .all)
        let term = try #require(terms.quality)
        let masks = prediction.maskLogits.value.floats(), logits = try #require(prediction.qualityLogits).value.floats()
        var expected = 0.0
        for row in 0..<3 {
            let mask = Array(masks[(row * 8)..<(row * 8 + 8)])
            let iou = Double(set.targets.map { InstanceLoss.maskIoUs(logits: mask, targets: $0.mask, columns: 8)[0] }.max() ?? 0)
            let x = Double(logits[row])
            expected += max(x, 0) - x * iou + log(1 + exp(-abs(x)))
        }
        #expect(abs(term.value.scalar - expected / 3) < 1e-5)
        // A set without targets teaches every row 0.
        var empty = set
        empty.targets = []
        let none = try #require(InstanceLoss.terms(prediction, set: empty, seeds: seeds, weights: LossWeights(), qualityTargets: .all).quality)
        let zeroTarget = logits.map { x in Double(max(x, 0)) + log(1 + exp(-Double(abs(x)))) }.reduce(0, +) / 3
        #expect(abs(none.value.scalar - zeroTarget) < 1e-5)
    }

    /// `scene-all` teaches every row on the scene-level sets and nothing on the per-view ones.
    @Test func sceneAllTeachesOnlyTheSceneLevelSets() throws {
        #expect(QualityTargets.sceneAll.rule(for: .fused) == .all && QualityTargets.sceneAll.rule(for: .scene) == .all)
        #expect(QualityTargets.sceneAll.rule(for: .view) == nil && QualityTargets.sceneAll.rule(for: .tracked) == nil)
        #expect(SupervisionKind.allCases.allSatisfy { QualityTargets.matched.rule(for: $0) == .matched && QualityTargets.all.rule(for: $0) == .all })
        let (_, _, prediction, set, seeds) = try Self.lossSetUp()
        var view = set
        view.kind = .view
        let tape = prediction.maskLogits.tape
        let (_, onView) = LossAggregate.total([prediction], sets: [view], seeds: seeds, weights: LossWeights(), qualityTargets: .sceneAll, tape: tape)
        #expect(onView["view.quality"] == nil)
        let (_, onScene) = LossAggregate.total([prediction], sets: [set], seeds: seeds, weights: LossWeights(), qualityTargets: .sceneAll, tape: tape)
        let all = InstanceLoss.terms(prediction, set: set, seeds: seeds, weights: LossWeights(), qualityTargets: .all).quality?.value.scalar
        #expect(onScene["scene.quality"] == all && all != nil)
        #expect(try TrainConfig.decode(["qualityTargets": "scene-all"]).qualityTargets == .sceneAll)
    }

    @Test func qualityTargetsDecodeAndTrain() throws {
        #expect(try TrainConfig.decode(["qualityTargets": "all"]).qualityTargets == .all)
        #expect(try TrainConfig.decode([String: Any]()).qualityTargets == .matched)
        #expect(throws: (any Error).self) { try TrainConfig.decode(["qualityTargets": "some"]) }
        let result = try TinyScene.trainer("quality-head-all", steps: 3) {
            $0.model.qualityHead = true
            $0.qualityTargets = .all
        }.run()
        #expect(result.losses.count == 3 && result.losses.allSatisfy(\.isFinite))
    }

    /// Two queries, one class: query 0 has the higher class probability and mean sigmoid, query 1 the higher
    /// predicted IoU. Each mask score ranks them its own way.
    @Test func theMaskScoreChoosesTheRanking() {
        let cls: [Float] = [2, 0, 1.5, 0]
        let masks: [Float] = [5, 5, -5, -5, 1, 1]
        let quality: [Float] = [-3, 3]
        func ranking(_ kind: MaskScore, quality q: [Float]? = quality) -> [Int] {
            var o = PostProcessOptions()
            o.minPoints = 0
            o.maskScore = kind
            return PostProcess.run(classLogits: cls, maskLogits: masks, qualityLogits: q, queries: 2, classes: 1, superpoints: 3,
                                   pointsPerSuperpoint: [10, 10, 10], options: o).map(\.query)
        }
        #expect(ranking(.meanSigmoid) == [0, 1])
        #expect(ranking(.quality) == [1, 0])
        #expect(ranking(.product) == [1, 0])
        #expect(PostProcessOptions().maskScore == .meanSigmoid)   // the published score by default
        #expect(ranking(.quality, quality: nil) == [0, 1])        // no logits: the quality factor is 1
        var o = PostProcessOptions()
        o.minPoints = 0
        o.maskScore = .quality
        let top = PostProcess.run(classLogits: cls, maskLogits: masks, qualityLogits: quality, queries: 2, classes: 1,
                                  superpoints: 3, pointsPerSuperpoint: [10, 10, 10], options: o).first
        let p1 = exp(1.5) / (exp(1.5) + 1), q1 = 1 / (1 + exp(-3.0))
        #expect(abs((top?.score ?? 0) - p1 * q1) < 1e-6)
    }

    @Test func trainingWithTheHeadThenPredictingWithIt() throws {
        let trainer = try TinyScene.trainer("quality-head-train", steps: 6) { $0.model.qualityHead = true }
        let result = try trainer.run()
        #expect(result.losses.count == 6 && result.losses.allSatisfy(\.isFinite))
        let run = trainer.options.run
        let log = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8)
        #expect(log.contains("\"view.quality\""))
        var p = try TinyScene.predictOptions(run: run, data: trainer.options.data)
        p.postProcess.minPoints = 10
        let byDefault = try Predictor.run(p).scenes["scene0"]?.map(\.score)
        p.postProcess.maskScore = .meanSigmoid
        #expect(try Predictor.run(p).scenes["scene0"]?.map(\.score) == byDefault)
        p.postProcess.maskScore = .quality
        #expect(try Predictor.run(p).scenes["scene0"]?.map(\.score) != byDefault)
    }

    /// Asking for the head's score from a model without the head is an error naming the option; older configs
    /// (without the key) load with no head.
    @Test func aModelWithoutTheHeadRefusesItsScore() throws {
        let trainer = try TinyScene.trainer("quality-head-none", steps: 1) { _ in }
        _ = try trainer.run()
        var p = try TinyScene.predictOptions(run: trainer.options.run, data: trainer.options.data)
        // An earlier prediction in the output folder is left as it was.
        try FileManager.default.createDirectory(at: p.out, withIntermediateDirectories: true)
        let earlier = p.out.appendingPathComponent("scene0.txt")
        try "earlier\n".write(to: earlier, atomically: true, encoding: .utf8)
        for kind in [MaskScore.quality, .product] {
            p.postProcess.maskScore = kind
            let error = #expect(throws: TrainError.self) { try Predictor.run(p) }
            #expect(String(describing: error).contains("maskScore") && String(describing: error).contains("checkpoint-"),
                    "\(String(describing: error))")
        }
        #expect(try String(contentsOf: earlier, encoding: .utf8) == "earlier\n")
        #expect(try TrainConfig.decode([String: Any]()).model.qualityHead == false)
        #expect(throws: TrainError.self) { try TrainConfig.decode(["weights": ["quality": -1]]) }
    }
}
