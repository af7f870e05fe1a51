import Foundation
import SegDINO3D
import Tensor

/// DITR's distillation pretraining (the "DINO in the Room" paper): the encoder sees geometry and colour only and
/// learns to predict each point's lifted 2D feature under a cosine loss, so that a model initialised from it
/// (`ovseg3r train --init`) carries 2D knowledge into scenes without images.
extension Trainer {
    /// Forward and backward of the distillation loss on one augmented `scene`; returns `loss` and `distill_cos`
    /// (the mean cosine over the supervised points, higher is better).
    func distillGradient(_ scene: TrainScene) throws -> [String: Double] {
        let c = options.config.model
        guard scene.feature2DWidth == c.feature2DWidth, scene.features2D.count == scene.pointCount * c.feature2DWidth else {
            throw TrainError.inconsistentScene(scene: scene.name, reason: "objective distill2D needs feat2d.npy of width "
                + "model.feature2DWidth = \(c.feature2DWidth), the scene has width \(scene.feature2DWidth)")
        }
        let width = c.feature2DWidth
        // Points no view saw have an all-zero feature: no target.
        var supervised: [Int32] = [], targets: [Float] = []
        for i in 0..<scene.pointCount {
            let row = scene.features2D[(i * width)..<((i + 1) * width)]
            let norm = row.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            guard norm > 1e-6 else { continue }
            supervised.append(Int32(i))
            targets += row.map { $0 / norm }
        }
        guard !supervised.isEmpty else { return ["loss": 0, "distill_cos": 0, "distill_points": 0] }
        let input = ModelInput(coords: scene.coords, colors: scene.colors, normals: scene.normals, superpoints: scene.superpoints,
                               superpointCount: scene.superpointCount, textEmbeddings: Tensor.zeros([1, c.textWidth]))
        let tape = Tape()
        let predicted = try model.predictFeatures2D(input, tape: tape).gatherRows(supervised)
        let target = tape.constant(try Tensor(targets, shape: [supervised.count, width]))
        // cos_i = p_i·t̂_i / √(|p_i|² + ε), loss = 1 − mean_i cos_i.
        let cosine = (predicted * target).sum(axes: [1]) / ((predicted.square().sum(axes: [1]) + 1e-8).sqrt())
        let meanCos = cosine.mean()
        let loss = meanCos.affine(scale: -1, shift: 1)
        tape.backward(loss)
        return ["loss": loss.value.scalar, "distill_cos": meanCos.value.scalar, "distill_points": Double(supervised.count)]
    }
}
