import Foundation
import SegDINO3D
import Tensor

/// `ovseg3r train --init CKPT`: a new run whose encoder starts from another run's encoder (DITR: from a distilled
/// backbone). Only `encoder.*` weights are copied; the decoder, heads and optimiser state start fresh.
public enum EncoderInit {
    /// The model fields the encoder's weights depend on; a difference is refused naming the field.
    static let encoderFields = ["model.encoder", "model.unet.widths", "model.unet.blocksPerLevel", "model.feature2DWidth",
                                "model.pointHidden", "model.width", "model.encoderLayers", "model.heads", "model.ffnHidden"]

    /// Copies the encoder weights of the checkpoint `url` (a checkpoint folder or a run) into `model`, whose config
    /// is `config`. Throws `initModelMismatch` naming the first encoder field that differs, and `badCheckpoint` when a
    /// weight is missing or has another shape.
    public static func load(from url: URL, into model: SegDINO3DModel, config: ModelConfig) throws {
        let folder = try Checkpoint.resolve(url)
        let state = try Checkpoint.state(at: folder)
        var given = TrainConfig(); given.model = config
        let changes = ConfigChange.between(stored: Trainer.overDefaults(state.config.jsonData()), given: given)
        if let bad = changes.first(where: { encoderFields.contains($0.field) }) {
            throw TrainError.initModelMismatch(checkpoint: folder.path, field: bad.field, stored: bad.stored, given: bad.given)
        }
        let path = folder.appendingPathComponent("model.safetensors").path
        let file = try Safetensors.read(path, dtype: .float32).tensors
        var values: [(Parameter, Tensor)] = []
        for (name, p) in model.namedParameters where name.hasPrefix("encoder.") {
            guard let t = file[name], t.shape == p.value.shape else {
                throw TrainError.badCheckpoint(path: path, reason: "encoder weight \(name) is missing or not of shape \(p.value.shape)")
            }
            values.append((p, t))
        }
        for (p, t) in values { p.value = t }
    }
}
