import Testing
import Tensor
@testable import SegDINO3D

/// `ModelConfig.objectLabels`: 2D object tokens that carry the text embedding of their label.
@Suite struct ObjectLabelTests {
    func labelConfig() -> ModelConfig {
        var c = tinyConfig(featureWidth: 4)
        c.objectLabels = true
        return c
    }

    func labelled(_ input: ModelInput, rows: [[Float]]) -> ModelInput {
        var out = input
        out.objectLabelEmbeddings = rows.flatMap { $0 }
        return out
    }

    @Test func everyParameterGetsAGradient() throws {
        var rng = SeededGenerator(seed: 2)
        let model = try SegDINO3DModel(config: labelConfig(), using: &rng)
        #expect(model.namedParameters.contains { $0.name.hasPrefix("object_label_proj") })
        let input = labelled(tinyInput(objects: 2, featureWidth: 4), rows: [[1, 0, 0, 0, 0, 0, 0, 0], [0, 0.5, 0, 0, 0, 0, 0, 0]])
        try expectEveryParameterGetsAGradient(model, input: input)
    }

    /// The name reaches the queries: other labels, or zero rows, change the class logits.
    @Test func labelsReachTheClassifier() throws {
        var rng = SeededGenerator(seed: 5)
        let model = try SegDINO3DModel(config: labelConfig(), using: &rng)
        let base = tinyInput(objects: 2, featureWidth: 4)
        let a = labelled(base, rows: [[1, 0, 0, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0, 0]])
        let b = labelled(base, rows: [[0, 0, 0, 0, 0, 0, 1, 0], [0, 1, 0, 0, 0, 0, 0, 0]])
        let zeros = labelled(base, rows: [[Float]](repeating: [Float](repeating: 0, count: 8), count: 2))
        func logits(_ input: ModelInput) throws -> [Float] {
            try model.forward(input, tape: Tape(recording: false)).last?.classLogits.value.floats() ?? []
        }
        let la = try logits(a), lb = try logits(b), lz = try logits(zeros)
        #expect(zip(la, lb).map { abs($0 - $1) }.max() ?? 0 > 1e-4)
        #expect(zip(lz, la).map { abs($0 - $1) }.max() ?? 0 > 1e-4)
    }

    /// The label projection's weights are drawn last: the rest of the model is the same seed's model without it.
    @Test func otherWeightsDoNotMove() throws {
        var r1 = SeededGenerator(seed: 9), r2 = SeededGenerator(seed: 9)
        let with = try SegDINO3DModel(config: labelConfig(), using: &r1)
        let without = try SegDINO3DModel(config: tinyConfig(featureWidth: 4), using: &r2)
        let plain = Dictionary(uniqueKeysWithValues: without.namedParameters.map { ($0.name, $0.parameter.value.floats()) })
        for (name, p) in with.namedParameters where !name.hasPrefix("object_label_proj") {
            #expect(plain[name] == p.value.floats(), "\(name) differs")
        }
    }

    @Test func badConfigurationAndShapesAreRefused() throws {
        var config = tinyConfig(featureWidth: 0)
        config.objectLabels = true
        #expect(throws: SegDINO3DError.self) { try config.validate() }
        var rng = SeededGenerator(seed: 2)
        let model = try SegDINO3DModel(config: labelConfig(), using: &rng)
        let input = labelled(tinyInput(objects: 2, featureWidth: 4), rows: [[1, 0, 0]])
        #expect(throws: SegDINO3DError.shapeMismatch(input: "objectLabelEmbeddings", expected: [2, 8], actual: [3])) {
            try model.forward(input, tape: Tape())
        }
    }
}
