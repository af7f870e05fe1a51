import Foundation
import _TestSupport
import Support
import Testing
import VIP
@testable import Train

/// `supervision.relabelViews`: view instances take the names the scene-level targets (ground truth, then the fused
/// instances) give the superpoints they cover.
@Suite struct RelabelViewsTests {
    @Test func anInstanceTakesTheNameOfTheFirstTargetHoldingMoreThanHalfOfIt() {
        let view = ViewTargets(visible: [1, 2, 3, 4, 5, 6, 7], instances: [
            InstanceTarget(name: "vent", superpoints: [1, 2, 3]),      // 2 of 3 in the radiator: renamed
            InstanceTarget(name: "lamp", superpoints: [4, 5]),         // 1 of 2 in the light: not more than half, kept
            InstanceTarget(name: "bin", superpoints: [6, 7]),          // in both; the first target wins
        ])
        let targets = [InstanceTarget(name: "radiator", superpoints: [2, 3, 9]),
                       InstanceTarget(name: "trash can", superpoints: [6, 7]),
                       InstanceTarget(name: "light", superpoints: [5, 6, 7, 8])]
        let out = view.relabeled(by: targets)
        #expect(out.instances.map(\.name) == ["radiator", "lamp", "trash can"])
        #expect(out.instances.map(\.superpoints) == view.instances.map(\.superpoints) && out.visible == view.visible)
        #expect(view.relabeled(by: []) == view)
    }

    /// In TinyScene view 1 calls the table "desk" (score 0.5 against view 0's "table" at 0.8), so the fused
    /// instance is a table; relabelled, view 1 calls it a table too, and the object names (the model's input) keep "desk".
    @Test func aLoadedSceneTakesTheFusedNames() throws {
        let url = try TinyScene.write(to: temporaryFolder("relabel").appendingPathComponent("scene0"))
        let labels = url.appendingPathComponent("view_labels.json")
        let text = try String(contentsOf: labels, encoding: .utf8)
            .replacingOccurrences(of: #"{"label": "table", "score": 0.9"#, with: #"{"label": "desk", "score": 0.5"#)
        try text.write(to: labels, atomically: true, encoding: .utf8)
        let scene = try TrainScene.load(url, baseClasses: ["chair"], fuse: FuseThresholds())
        #expect(scene.fusedInstances == [InstanceTarget(name: "table", superpoints: [6, 7])])
        #expect(scene.views.map { $0.instances.map(\.name) } == [["chair", "table"], ["desk", "lamp"]])
        let relabeled = scene.withRelabeledViews()
        #expect(relabeled.views.map { $0.instances.map(\.name) } == [["chair", "table"], ["table", "lamp"]])
        #expect(relabeled.objectLabels == scene.objectLabels)
    }

    /// The trainer loads the fused instances for the option alone, and trains.
    @Test func trainingWithRelabelledViews() throws {
        let trainer = try TinyScene.trainer("relabel-train", steps: 4) { $0.supervision.relabelViews = true }
        #expect(trainer.options.config.supervision.needsFusedInstances)
        #expect(trainer.scenes.first?.fusedInstances.isEmpty == false)
        let result = try trainer.run()
        #expect(result.losses.count == 4 && result.losses.allSatisfy(\.isFinite))
    }
}
