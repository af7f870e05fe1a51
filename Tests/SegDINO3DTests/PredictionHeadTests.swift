import Foundation
import Testing
import Tensor
@testable import SegDINO3D

@Suite struct PredictionHeadTests {
    /// A float64 head (so central differences are accurate) and its inputs: 3 queries, 4 superpoints, 3 texts.
    func float64Head(learn: Bool = true) -> (PredictionHead, queries: Tensor, masks: Tensor, text: Tensor) {
        var rng = SeededGenerator(seed: 11)
        var c = tinyConfig()
        c.learnLogitScale = learn
        let head = PredictionHead(config: c, dtype: .float64, using: &rng)
        return (head, Tensor.normal([3, 16], dtype: .float64, using: &rng), Tensor.normal([4, 16], dtype: .float64, using: &rng),
                Tensor.normal([3, 8], dtype: .float64, using: &rng))
    }

    func classLoss(_ head: PredictionHead, _ q: Tensor, _ m: Tensor, _ text: Tensor, tape: Tape) -> Var {
        let zero = tape.constant(Tensor.zeros([3, 3], dtype: .float64))
        return head(tape.constant(q), maskFeatures: tape.constant(m), text: text, centers: zero, sizes: zero)
            .classLogits.crossEntropy(labels: [0, 2, 3])
    }

    /// d(loss)/d(log scale) against central differences (h = 1e-6), at the initial scale and at a moved one.
    @Test(arguments: [Foundation.log(10.0), 1.3])
    func logitScaleGradientMatchesFiniteDifferences(logScale: Double) throws {
        let (head, q, m, text) = float64Head()
        let p = try #require(head.namedParameters.first { $0.name == "logit_scale" }?.parameter)
        #expect(abs(p.value.scalar - Foundation.log(10)) < 1e-12)   // starts at the configured scale
        p.value[flat: 0] = logScale
        let tape = Tape()
        tape.backward(classLoss(head, q, m, text, tape: tape))
        let g = try #require(p.grad)[flat: 0]
        p.value[flat: 0] = logScale + 1e-6
        let up = classLoss(head, q, m, text, tape: Tape(recording: false)).value.scalar
        p.value[flat: 0] = logScale - 1e-6
        let down = classLoss(head, q, m, text, tape: Tape(recording: false)).value.scalar
        let numeric = (up - down) / 2e-6
        #expect(abs(g - numeric) <= 1e-6 * max(1, abs(numeric)), "analytic \(g) vs numeric \(numeric)")
        #expect(abs(g) > 1e-6)   // the scale does move the loss
    }

    /// Beyond the clamp the scale is the bound and gets no gradient; a fixed scale is no parameter at all.
    @Test func logitScaleIsClamped() throws {
        let (head, q, m, text) = float64Head()
        let p = try #require(head.namedParameters.first { $0.name == "logit_scale" }?.parameter)
        p.value[flat: 0] = Foundation.log(1000)
        #expect(head.logitScale == 100)
        let tape = Tape()
        let zero = tape.constant(Tensor.zeros([3, 3], dtype: .float64))
        let out = head(tape.constant(q), maskFeatures: tape.constant(m), text: text, centers: zero, sizes: zero)
        let logits = out.classLogits.value.floats()
        #expect(logits.allSatisfy { abs($0) <= 100.0001 } && logits.contains { abs($0) > 10.0001 })
        tape.backward(out.classLogits.crossEntropy(labels: [0, 2, 3]))
        #expect(p.grad == nil)
        p.value[flat: 0] = -1
        #expect(head.logitScale == 1)
        let (fixed, _, _, _) = float64Head(learn: false)
        #expect(!fixed.namedParameters.contains { $0.name == "logit_scale" })
        #expect(fixed.logitScale == 10)
    }

    /// The semantic head sits on the last prediction only: `[Q, semanticClasses + 1]`.
    @Test(arguments: [0, 5])
    func semanticHeadOnTheLastLayer(classes: Int) throws {
        var rng = SeededGenerator(seed: 5)
        var c = tinyConfig()
        c.semanticClasses = classes
        let model = try SegDINO3DModel(config: c, using: &rng)
        let predictions = try model.forward(tinyInput(seeds: [1, 3, 4, 6]), tape: Tape())
        #expect(predictions.dropLast().allSatisfy { $0.semanticLogits == nil })
        if classes > 0 {
            #expect(try #require(predictions.last?.semanticLogits).shape == [4, 6])
            #expect(model.namedParameters.contains { $0.name.hasPrefix("semantic_head.") })
        } else {
            #expect(predictions.last?.semanticLogits == nil)
        }
    }

    /// The distance-aware attention measures superpoint–object distances before elastic distortion.
    @Test func nearTableUsesUndistortedPositions() throws {
        var rng = SeededGenerator(seed: 6)
        let model = try SegDINO3DModel(config: tinyConfig(featureWidth: 3), using: &rng)
        let plain = tinyInput(objects: 3, featureWidth: 3)
        func near(_ input: ModelInput) -> [Bool] {
            let tape = Tape(recording: false)
            let features = tape.constant(Tensor.zeros([input.superpointCount, 16]))
            return model.makeContext(input, geometry: SceneGeometry(input), instance: features, tape: tape).near
        }
        let reference = near(plain)
        #expect(reference.contains(true) && reference.contains(false))
        // Move every point and object by 1 m (a stand-in for a distortion): with the originals kept, nothing changes.
        var moved = plain
        moved.coords = plain.coords.enumerated().map { $0.offset % 3 == 0 ? $0.element + 1 : $0.element }
        moved.objectCenters = plain.objectCenters.map { $0 - 1 }
        #expect(near(moved) != reference)
        moved.undistortedCoords = plain.coords
        moved.undistortedObjectCenters = plain.objectCenters
        #expect(near(moved) == reference)
        moved.undistortedCoords = [0, 0, 0]
        #expect(throws: SegDINO3DError.self) { try model.forward(moved, tape: Tape()) }
    }
}
