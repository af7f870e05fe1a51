import Foundation
import _TestSupport
import Testing
import Tensor
@testable import Train

/// Several scenes per step in one process: the step's gradient is the mean of the slots' gradients, each slot's
/// sample depends only on (seed, step, slot), and a killed run resumes bit for bit.
@Suite(.serialized) struct ScenesPerStepTests {
    func twoScenes(_ name: String) throws -> (root: URL, data: URL) {
        let root = temporaryFolder(name)
        let data = root.appendingPathComponent("data")
        try TinyScene.write(to: data.appendingPathComponent("scene0"))
        try TinyScene.write(to: data.appendingPathComponent("scene1"), seed: 2, shift: 0.3)
        return (root, data)
    }

    func options(data: URL, run: URL, config: TrainConfig) -> TrainOptions {
        var o = TrainOptions(data: data, run: run, config: config, embeddings: TinyScene.embeddings())
        o.showProgress = false
        o.seed = 7
        return o
    }

    /// Each parameter's gradient, as floats (nil where none reached it).
    func gradients(_ trainer: Trainer) -> [[Float]?] { trainer.model.parameters.map { $0.grad?.floats() } }

    @Test func twoScenesPerStepAverageTheSlotsGradients() throws {
        let (root, data) = try twoScenes("k2-mean")
        var c = TinyScene.config(steps: 3)
        c.scenesPerStep = 2
        let trainer = try Trainer(options(data: data, run: root.appendingPathComponent("run"), config: c))
        // Each slot alone, from its own generator.
        var slots: [[[Float]?]] = []
        var losses: [Double] = []
        for slot in 0..<2 {
            losses.append(try #require(try trainer.slotGradient(trainer.drawSlot(slot))["loss"]))
            slots.append(gradients(trainer))
            trainer.model.zeroGrad()
        }
        #expect(slots[0].compactMap { $0 } != slots[1].compactMap { $0 }, "the two slots should be different samples")
        // The step: both slots, exchanged and averaged.
        let values = try trainer.averageStepGradient()
        #expect(abs((values["loss"] ?? .nan) - (losses[0] + losses[1]) / 2) < 1e-12)
        let mean = gradients(trainer)
        var compared = 0
        for (i, g) in mean.enumerated() {
            let a = slots[0][i], b = slots[1][i]
            guard let g else {
                #expect(a == nil && b == nil, "parameter \(i) lost its gradient")
                continue
            }
            let expected = (0..<g.count).map { j in ((a?[j] ?? 0) + (b?[j] ?? 0)) / 2 }
            for j in 0..<g.count {
                #expect(abs(g[j] - expected[j]) <= 1e-6 * max(1, abs(expected[j])), "parameter \(i)[\(j)]")
                compared += 1
            }
        }
        #expect(compared > 1000)
    }

    /// The samples of a step depend on (seed, step, slot) only: slot 1 of a K=2 step is not slot 0 of it, and the
    /// generator of a given triple is always the same.
    @Test func slotGeneratorsAreFixedByTheirTriple() {
        var a = StepSlots.generator(seed: 1, step: 5, slot: 1), b = StepSlots.generator(seed: 1, step: 5, slot: 1)
        #expect(a.next() == b.next())
        let draws = [(1, 5, 0), (1, 5, 1), (1, 6, 0), (2, 5, 0)].map { t -> UInt64 in
            var g = StepSlots.generator(seed: UInt64(t.0), step: t.1, slot: t.2)
            return g.next()
        }
        #expect(Set(draws).count == draws.count)
        #expect(StepSlots.slots(rank: 1, ranks: 2, count: 6) == [1, 3, 5])
        #expect(StepSlots.slots(rank: 0, ranks: 1, count: 2) == [0, 1])
    }

    @Test func loggedValuesCrossExactly() throws {
        let slots: [[String: Double]] = [["loss": 0.1 + 0.2, "view.cls": .nan], [:], ["loss": -1e-300, "semantic": 3]]
        let back = try StepSlots.decode(StepSlots.encode(slots))
        #expect(back.count == 3 && back[0]["loss"] == 0.1 + 0.2 && back[0]["view.cls"]?.isNaN == true && back[1].isEmpty)
        #expect(back[2] == ["loss": -1e-300, "semantic": 3])
        #expect(throws: TrainError.self) { try StepSlots.decode(Array(StepSlots.encode(slots).dropLast(3))) }
        #expect(StepSlots.mean(back.map { $0.filter { !$0.value.isNaN } }) == ["loss": (0.1 + 0.2 - 1e-300) / 2, "semantic": 3])
    }

    @Test func killedAndResumedK2RunEqualsUninterrupted() throws {
        let (root, data) = try twoScenes("k2-resume")
        var c = TinyScene.config(steps: 5)
        c.scenesPerStep = 2
        c.checkpointEvery = 2
        let whole = try Trainer(options(data: data, run: root.appendingPathComponent("whole"), config: c))
        let wholeResult = try whole.run()
        var killed = options(data: data, run: root.appendingPathComponent("killed"), config: c)
        killed.stopAfter = 3
        _ = try Trainer(killed).run()
        killed.stopAfter = nil
        killed.resume = true
        killed.seed = 99  // ignored: the run's stored seed continues
        let resumed = try Trainer(killed)
        #expect(resumed.step == 2 && resumed.seed == 7)
        let resumedResult = try resumed.run()
        #expect(resumedResult.losses == Array(wholeResult.losses.suffix(3)))
        for ((name, a), (_, b)) in zip(whole.model.namedParameters, resumed.model.namedParameters) {
            #expect(a.value.floats() == b.value.floats(), "\(name) differs after resume")
        }
        let state = try Checkpoint.state(at: try Checkpoint.resolve(root.appendingPathComponent("killed")))
        #expect(state.formatVersion == 3 && state.step == 5 && state.seed == 7 && state.config.scenesPerStep == 2)
    }

    /// Format-2 checkpoints (one RNG stream, no scenesPerStep) still load for prediction but do not resume.
    @Test func formatTwoCheckpointsPredictButDoNotResume() throws {
        let (root, data) = try twoScenes("format2")
        var c = TinyScene.config(steps: 2)
        c.checkpointEvery = 1
        var o = options(data: data, run: root.appendingPathComponent("run"), config: c)
        _ = try Trainer(o).run()
        let folder = try Checkpoint.resolve(o.run)
        let url = folder.appendingPathComponent("state.json")
        var state = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var config = try #require(state["config"] as? [String: Any])
        config["scenesPerStep"] = nil
        state["config"] = config
        state["formatVersion"] = 2
        state["seed"] = nil
        state["rngState"] = 12345
        try JSONSerialization.data(withJSONObject: state).write(to: url)
        let (_, loaded) = try Checkpoint.loadModel(from: folder)
        #expect(loaded.formatVersion == 2 && loaded.rngState == 12345 && loaded.config.scenesPerStep == 1)
        o.resume = true
        let error = #expect(throws: TrainError.self) { try Trainer(o) }
        guard case let .cannotResume(path, version, _)? = error else {
            Issue.record("expected cannotResume, got \(String(describing: error))")
            return
        }
        #expect(path == folder.path && version == 2)
    }

    @Test func scenesPerStepMustBePositive() {
        var c = TinyScene.config()
        c.scenesPerStep = 0
        #expect(throws: TrainError.self) { try c.validate() }
    }

    /// Rank 0 of a pretend two-rank job: the other rank "computes" the same floats as this one, and its parameter
    /// checksum can be made to differ.
    final class PretendSecondRank: GradientReducer {
        let rank = 0, size: Int
        let diverge: Bool
        init(diverge: Bool, size: Int = 2) { self.diverge = diverge; self.size = size }
        func allGather(_ values: [Float]) -> [[Float]] { [values, values] }
        func allGatherBytes(_ bytes: [UInt8]) -> [[UInt8]] {
            // 8 bytes: a parameter checksum (`checkRanksAgree`); anything else: the slots' logged values.
            [bytes, diverge && bytes.count == 8 ? bytes.map { $0 ^ 1 } : bytes]
        }
    }

    @Test func ranksMustNotOutnumberScenesPerStepAndMustAgree() throws {
        let (root, data) = try twoScenes("ranks")
        var c = TinyScene.config(steps: 2)
        // A scenesPerStep of 1 becomes the rank count; 2 scenes cannot keep 3 ranks busy.
        #expect(try Trainer(options(data: data, run: root.appendingPathComponent("a"), config: c),
                            reducer: PretendSecondRank(diverge: false)).options.config.scenesPerStep == 2)
        c.scenesPerStep = 2
        let error = #expect(throws: TrainError.self) {
            try Trainer(options(data: data, run: root.appendingPathComponent("b"), config: c), reducer: PretendSecondRank(diverge: false, size: 3))
        }
        guard case let .invalidConfiguration(field, value, _)? = error else {
            Issue.record("expected invalidConfiguration, got \(String(describing: error))")
            return
        }
        #expect(field == "scenesPerStep" && value == "2")
        // Parameters that differ between ranks stop the run at the next check.
        c.scenesPerStep = 2
        var o = options(data: data, run: root.appendingPathComponent("c"), config: c)
        o.checksumEvery = 1
        #expect(try Trainer(o, reducer: PretendSecondRank(diverge: false)).run().steps == 2)
        let diverged = #expect(throws: TrainError.self) {
            try Trainer(options(data: data, run: root.appendingPathComponent("d"), config: c), reducer: PretendSecondRank(diverge: true)).run()
        }
        guard case let .ranksDiverged(step, checksums)? = diverged else {
            Issue.record("expected ranksDiverged, got \(String(describing: diverged))")
            return
        }
        #expect(step == 2 && checksums.count == 2 && checksums[0] != checksums[1])
    }
}
