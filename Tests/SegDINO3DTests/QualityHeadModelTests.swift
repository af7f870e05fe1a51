import Testing
import Tensor
@testable import SegDINO3D

/// `ModelConfig.qualityHead`: a predicted mask IoU for each final query.
@Suite struct QualityHeadModelTests {
    func qualityConfig() -> ModelConfig {
        var c = tinyConfig()
        c.qualityHead = true
        return c
    }

    @Test func onTheLastPredictionOnly() throws {
        var rng = SeededGenerator(seed: 2)
        let model = try SegDINO3DModel(config: qualityConfig(), using: &rng)
        let predictions = try model.forward(tinyInput(seeds: [0, 2, 5]), tape: Tape())
        #expect(predictions.last?.qualityLogits?.shape == [3, 1])
        #expect(predictions.dropLast().allSatisfy { $0.qualityLogits == nil })
        var plain = SeededGenerator(seed: 2)
        let without = try SegDINO3DModel(config: tinyConfig(), using: &plain)
        #expect(try without.forward(tinyInput(seeds: [0, 2, 5]), tape: Tape()).allSatisfy { $0.qualityLogits == nil })
    }

    @Test func everyParameterGetsAGradient() throws {
        var rng = SeededGenerator(seed: 3)
        let model = try SegDINO3DModel(config: qualityConfig(), using: &rng)
        #expect(model.namedParameters.contains { $0.name.hasPrefix("quality_head") })
        try expectEveryParameterGetsAGradient(model, input: tinyInput())
    }

    /// The head's weights are drawn last: the rest of the model is the same seed's model without it, and so are its
    /// other outputs.
    @Test func otherWeightsAndOutputsDoNotMove() throws {
        var r1 = SeededGenerator(seed: 9), r2 = SeededGenerator(seed: 9)
        let with = try SegDINO3DModel(config: qualityConfig(), using: &r1)
        let without = try SegDINO3DModel(config: tinyConfig(), using: &r2)
        let plain = Dictionary(uniqueKeysWithValues: without.namedParameters.map { ($0.name, $0.parameter.value.floats()) })
        for (name, p) in with.namedParameters where !name.hasPrefix("quality_head") {
            #expect(plain[name] == p.value.floats(), "\(name) differs")
        }
        let a = try with.forward(tinyInput(), tape: Tape(recording: false)).last
        let b = try without.forward(tinyInput(), tape: Tape(recording: false)).last
        #expect(a?.maskLogits.value.floats() == b?.maskLogits.value.floats())
        #expect(a?.classLogits.value.floats() == b?.classLogits.value.floats())
    }
}
