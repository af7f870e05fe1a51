import Foundation
import _TestSupport
import SceneIO
import SegDINO3D
import Testing
@testable import Train

/// The sparse-UNet encoder through the trainer: exact resume, DITR distillation and `--init`.
@Suite(.serialized) struct SparseUNetTrainTests {
    func options(data: URL, run: URL, config: TrainConfig) -> TrainOptions {
        var o = TrainOptions(data: data, run: run, config: config, embeddings: TinyScene.embeddings())
        o.seed = 11
        o.showProgress = false
        return o
    }

    static func unetConfig(steps: Int, featureWidth: Int = 0) -> TrainConfig {
        var c = TinyScene.config(steps: steps)
        c.model.encoder = .sparseUNet
        c.model.unet.widths = [8, 16]
        c.model.unet.voxelSize = 0.1
        c.model.feature2DWidth = featureWidth
        return c
    }

    /// Two tiny scenes with a lifted 2D feature per point that names its object (floor or one of the boxes, each of
    /// its own colour): something the encoder can learn to predict from geometry and colour.
    static func data(_ root: URL, featureWidth: Int = 0) throws -> URL {
        let data = root.appendingPathComponent("data")
        for (i, shift) in [Float(0), 0.3].enumerated() {
            let folder = try TinyScene.write(to: data.appendingPathComponent("scene\(i)"), seed: UInt64(i + 1), shift: shift)
            guard featureWidth > 0 else { continue }
            var scene = try SceneFolder(folder)
            let sp = try scene.read("superpoints").int32s()
            let n = sp.count
            var feat = [Float](repeating: 0, count: n * featureWidth)
            for p in 0..<n {
                let object = sp[p] < 4 ? 0 : 1 + Int(sp[p] - 4) / 2   // floor, or box 0, 1, 2 (each its own colour)
                for k in 0..<featureWidth { feat[p * featureWidth + k] = object == k ? 1 : -0.3 }
            }
            try scene.write(feat, shape: [n, featureWidth], named: "feat2d")
        }
        return data
    }

    @Test func unetRunKilledAndResumedEqualsUninterrupted() throws {
        let root = temporaryFolder("unet-resume")
        let data = try Self.data(root)
        var c = Self.unetConfig(steps: 4)
        c.checkpointEvery = 2
        let whole = try Trainer(options(data: data, run: root.appendingPathComponent("whole"), config: c))
        let wholeResult = try whole.run()
        var killed = options(data: data, run: root.appendingPathComponent("killed"), config: c)
        killed.stopAfter = 3
        _ = try Trainer(killed).run()
        killed.stopAfter = nil
        killed.resume = true
        let resumed = try Trainer(killed)
        #expect(resumed.step == 2)
        let resumedResult = try resumed.run()
        #expect(resumedResult.losses == Array(wholeResult.losses.suffix(2)))
        #expect(whole.model.namedParameters.contains { $0.name.hasPrefix("encoder.unet.") })
        for ((name, a), (_, b)) in zip(whole.model.namedParameters, resumed.model.namedParameters) {
            #expect(a.value.floats() == b.value.floats(), "\(name) differs after resume")
        }
        // The checkpoint records the encoder; a model built from it is the UNet one.
        let (model, state) = try Checkpoint.loadModel(from: try Checkpoint.resolve(root.appendingPathComponent("whole")))
        #expect(state.config.model.encoder == .sparseUNet)
        #expect(model.encoder is SparseUNetEncoder)
        // Resuming with other widths is refused naming the field.
        var other = killed
        other.config.model.unet.widths = [8, 24]
        #expect(throws: TrainError.self) { try Trainer(other) }
    }

    @Test func distillationLearnsAndInitialisesASegmentationRun() throws {
        let root = temporaryFolder("ditr")
        let data = try Self.data(root, featureWidth: 4)
        var distill = Self.unetConfig(steps: 25, featureWidth: 4)
        distill.objective = .distill2D
        distill.learningRate = 1e-2
        let pre = try Trainer(options(data: data, run: root.appendingPathComponent("distill"), config: distill))
        let r = try pre.run()
        #expect(pre.model.distillHead != nil)
        let first = r.losses.prefix(3).reduce(0, +) / 3, last = r.losses.suffix(3).reduce(0, +) / 3
        #expect(last < first * 0.7, "distillation loss \(first) → \(last)")

        var seg = Self.unetConfig(steps: 2, featureWidth: 4)
        seg.features2D = false
        var o = options(data: data, run: root.appendingPathComponent("seg"), config: seg)
        o.initCheckpoint = root.appendingPathComponent("distill")
        let trainer = try Trainer(o)
        #expect(trainer.model.distillHead == nil)
        let source = Dictionary(uniqueKeysWithValues: pre.model.namedParameters.map { ($0.name, $0.parameter.value.floats()) })
        for (name, p) in trainer.model.namedParameters where name.hasPrefix("encoder.") {
            #expect(source[name] == p.value.floats(), "\(name) not initialised from the distilled run")
        }
        _ = try trainer.run()

        var wrong = seg
        wrong.model.unet.widths = [8, 12]
        o = options(data: data, run: root.appendingPathComponent("wrong"), config: wrong)
        o.initCheckpoint = root.appendingPathComponent("distill")
        #expect {
            try Trainer(o)
        } throws: { error in
            guard case let TrainError.initModelMismatch(_, field, _, _)? = error as? TrainError else { return false }
            return field == "model.unet.widths"
        }
    }
}
