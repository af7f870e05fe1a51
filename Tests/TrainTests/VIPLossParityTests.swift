import Foundation
import SceneIO
import SegDINO3D
import Tensor
import Testing
import _TestSupport
@testable import Train

/// One training step of the tiny scene: the scene is exported in the Pointcept layout, the step's predictions and
/// loss are dumped as JSON, and tools/torch/check_parity.py rebuilds the supervision from the export and
/// recomputes the loss in PyTorch (only where `python3 -c "import torch"` works).
@Suite struct VIPLossParityTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs the step; returns the step JSON's URL and the exported scene folder.
    static func dumpStep(in root: URL) throws -> (step: URL, exported: URL, loss: Double) {
        let folder = try TinyScene.write(to: root.appendingPathComponent("scene0"))
        let export = root.appendingPathComponent("export")
        let result = try PointceptExport.export(scene: folder, to: export)
        #expect(result.views == 2 && result.viewInstances == 4 && result.superpoints == 10 && result.instances == 3)
        let scene = try TrainScene.load(folder, baseClasses: ["chair", "table"])
        var config = TinyScene.config()
        config.supervision.viewsPerStep = 2
        config.model.semanticClasses = 0
        var rng = SeededGenerator(seed: 7)
        let seeds: [Int32] = [0, 3, 4, 5, 6, 8, 9]
        let batch = try StepBatch.make(scene: scene, seeds: seeds, useViews: true, config: config,
                                       embeddings: TinyScene.embeddings(), rng: &rng)
        #expect(batch.sets.filter { $0.kind == .view }.count == 2 && batch.sets.contains { $0.kind == .scene })
        let model = try SegDINO3DModel(config: config.model, using: &rng)
        let tape = Tape()
        let predictions = try model.forward(batch.input, tape: tape)
        let (loss, _) = LossAggregate.total(predictions, sets: batch.sets, seeds: seeds, weights: config.weights,
                                            semanticTargets: batch.semanticTargets, tape: tape)
        func rows(_ v: Var) -> [[Double]] {
            let t = v.value, cols = t.shape[1], values = t.floats()
            return (0..<t.shape[0]).map { r in (0..<cols).map { Double(values[r * cols + $0]) } }
        }
        let w = config.weights
        var names: [String: String] = [:]
        for entry in ClassCatalog.scanNet200Instances().entries { names[String(entry.id)] = entry.name }
        let step: [String: Any] = [
            "seeds": seeds.map(Int.init), "vocabulary": batch.vocabulary, "views_per_step": config.supervision.viewsPerStep,
            "base_classes": ["chair", "table"], "class_names": names, "loss": loss.value.scalar,
            "weights": ["classification": w.classification, "maskBCE": w.maskBCE, "maskDice": w.maskDice,
                        "center": w.center, "size": w.size, "noObject": w.noObject],
            "predictions": predictions.map { ["class_logits": rows($0.classLogits), "mask_logits": rows($0.maskLogits),
                                              "centers": rows($0.centers), "sizes": rows($0.sizes)] },
        ]
        let url = root.appendingPathComponent("step.json")
        try JSONSerialization.data(withJSONObject: step).write(to: url)
        return (url, export.appendingPathComponent("scene0"), loss.value.scalar)
    }

    @Test func pytorchLossEqualsSwiftLoss() throws {
        let root = temporaryFolder("parity")
        defer { try? FileManager.default.removeItem(at: root) }
        let (step, exported, loss) = try Self.dumpStep(in: root)
        #expect(loss.isFinite && loss > 0)
        for name in ["coord", "color", "normal", "segment", "semantic", "segment200", "instance", "vip_visible_offsets",
                     "vip_visible", "vip_mask_offsets", "vip_mask_superpoints", "vip_instance_view", "vip_instance_mask",
                     "vip_instance_label"] {
            #expect(FileManager.default.fileExists(atPath: exported.appendingPathComponent(name + ".npy").path), "\(name).npy")
        }
        guard try runProcess("python3", ["-c", "import torch"]).status == 0 else { return }
        let script = Self.repository.appendingPathComponent("tools/torch/check_parity.py").path
        let run = try runProcess("python3", [script, step.path, exported.path, "1e-4"])
        #expect(run.status == 0, "PyTorch loss differs: \(run.stdout) \(run.stderr)")
        print("VIP loss parity: \(run.stdout)", terminator: "")
        // The checker must notice a different loss.
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: step)) as? [String: Any])
        json["loss"] = loss + 0.01
        try JSONSerialization.data(withJSONObject: json).write(to: step)
        #expect(try runProcess("python3", [script, step.path, exported.path, "1e-4"]).status == 1)
    }
}
