import Testing
import Tensor
@testable import SegDINO3D

/// A tiny scene: points on two clusters, `s` superpoints, optional 2D objects.
func tinyInput(points n: Int = 40, superpoints s: Int = 8, objects o: Int = 0, featureWidth c: Int = 0, textWidth: Int = 8,
               seeds: [Int32]? = nil) -> ModelInput {
    var rng = SeededGenerator(seed: 3)
    var coords: [Float] = [], colors: [Float] = [], normals: [Float] = [], sp: [Int32] = []
    for i in 0..<n {
        let k = i % s
        coords += [Float(k) * 0.3 + Float(rng.nextUnitDouble()) * 0.05, Float(rng.nextUnitDouble()) * 0.05, Float(k % 2) * 0.2]
        colors += [Float(k) / Float(s), 0.5, 0.5]; normals += [0, 0, 1]; sp.append(Int32(k))
    }
    let feats = (0..<(n * c)).map { _ in Float(rng.nextNormal()) }
    let objFeats = (0..<(o * c)).map { _ in Float(rng.nextNormal()) }
    let objCenters: [Float] = (0..<o).flatMap { j -> [Float] in [Float(j) * 0.6, 0.02, 0.0] }
    let text = (try? Tensor((0..<(3 * textWidth)).map { _ in Float(rng.nextNormal()) }, shape: [3, textWidth])) ?? Tensor.zeros([3, textWidth])
    return ModelInput(coords: coords, colors: colors, normals: normals, features2D: feats, superpoints: sp, superpointCount: s,
                      objectFeatures: objFeats, objectCenters: objCenters, querySeeds: seeds, textEmbeddings: text)
}

/// Backpropagates a loss over every output of `model` on `input` and expects a gradient on every parameter.
func expectEveryParameterGetsAGradient(_ model: SegDINO3DModel, input: ModelInput) throws {
    let tape = Tape()
    let predictions = try model.forward(input, tape: tape)
    let zero = tape.constant(Tensor(scalar: 0))
    let loss = predictions.map { $0.maskLogits.square().mean() + $0.classLogits.square().mean() + $0.centers.sum() + $0.sizes.sum() }
        .reduce(zero, +) + (predictions.last?.semanticLogits?.square().mean() ?? zero)
        + (predictions.last?.qualityLogits?.square().mean() ?? zero)
    tape.backward(loss)
    let missing = model.namedParameters.filter { $0.parameter.grad == nil }.map(\.name)
    #expect(missing.isEmpty, "no gradient for \(missing)")
}

func tinyConfig(featureWidth: Int = 0) -> ModelConfig {
    var c = ModelConfig()
    c.width = 16; c.heads = 2; c.decoderLayers = 2; c.encoderLayers = 1; c.pointHidden = 16; c.ffnHidden = 32
    c.textWidth = 8; c.feature2DWidth = featureWidth
    return c
}

@Suite struct SegDINO3DModelTests {
    @Test(arguments: [0, 3])
    func forwardShapes(objects: Int) throws {
        var rng = SeededGenerator(seed: 1)
        let width = objects > 0 ? 5 : 0
        let model = try SegDINO3DModel(config: tinyConfig(featureWidth: width), using: &rng)
        let input = tinyInput(objects: objects, featureWidth: width, seeds: [0, 2, 5])
        let predictions = try model.forward(input, tape: Tape())
        #expect(predictions.count == 3)   // before layer 1 + after each of 2 layers
        for p in predictions {
            #expect(p.maskLogits.shape == [3, 8])
            #expect(p.classLogits.shape == [3, 4])   // 3 texts + no object
            #expect(p.centers.shape == [3, 3])
            #expect(p.sizes.shape == [3, 3])
            #expect(p.classLogits.value.floats().allSatisfy { $0.isFinite && abs($0) <= 10.0001 })  // scaled cosine
        }
        // The pre-decoder boxes are the seeds' superpoint centres with the initial size.
        let geometry = SceneGeometry(input)
        let c0 = predictions[0].centers.value.floats()
        for a in 0..<3 { #expect(abs(c0[3 + a] - geometry.superpointCenters[2 * 3 + a]) < 1e-6) }
        #expect(predictions[0].sizes.value.floats().allSatisfy { abs($0 - 0.5) < 1e-6 })
    }

    @Test func everyParameterGetsAGradient() throws {
        var rng = SeededGenerator(seed: 2)
        let model = try SegDINO3DModel(config: tinyConfig(featureWidth: 4), using: &rng)
        try expectEveryParameterGetsAGradient(model, input: tinyInput(objects: 2, featureWidth: 4))
    }

    @Test func rejectsBadInput() throws {
        var rng = SeededGenerator(seed: 2)
        let model = try SegDINO3DModel(config: tinyConfig(), using: &rng)
        var input = tinyInput()
        input.superpoints[3] = 99
        #expect(throws: SegDINO3DError.superpointOutOfRange(index: 3, id: 99, count: 8)) { try model.forward(input, tape: Tape()) }
        var bad = tinyConfig()
        bad.heads = 3
        #expect(throws: SegDINO3DError.self) { try SegDINO3DModel(config: bad, using: &rng) }
    }

    /// Distance-aware 2D-object attention: q sees o iff a superpoint in q's mask lies within the radius of o.
    @Test func objectVisibilityRule() throws {
        var rng = SeededGenerator(seed: 4)
        let layer = DecoderLayer(config: tinyConfig(), isFirst: true, axisChannels: [6, 6, 4], using: &rng)
        // 2 queries × 3 superpoints; 2 objects. near: s0–o0, s2–o1.
        let near = [true, false, false, false, false, true]
        let tape = Tape()
        let context = DecoderContext(superpointFeatures: tape.constant(Tensor.zeros([3, 16])),
                                     superpointEncoding: tape.constant(Tensor.zeros([3, 16])),
                                     objectTokens: tape.constant(Tensor.zeros([3, 16])), near: near, objectCount: 2)
        // q0's mask = {s0}; q1's mask = {s1, s2}.
        let logits = try Tensor([2, -1, -3, -1, 0.5, 4] as [Float], shape: [2, 3])
        let mask = layer.objectMask(logits, context: context).floats()
        #expect(mask == [0, 1, 0,   // q0 sees o0 and the dummy
                         1, 0, 0])  // q1 sees o1 and the dummy
    }

    @Test func boxAxisExpansionCoversEachAxisOnce() throws {
        var rng = SeededGenerator(seed: 4)
        let layer = DecoderLayer(config: tinyConfig(), isFirst: false, axisChannels: [6, 6, 4], using: &rng)
        let m = layer.axisExpansion().floats()
        for c in 0..<16 { #expect((0..<3).map { m[$0 * 16 + c] }.reduce(0, +) == 1) }
        #expect(m[0 * 16 + 5] == 1 && m[1 * 16 + 6] == 1 && m[2 * 16 + 15] == 1)
    }
}
