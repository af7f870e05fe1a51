import Foundation
import _TestSupport
import SceneIO
import Support
import Testing
import VIP
@testable import Train

/// The curriculum's stage `fused`: the training-free lifting's 3D instances as scene-level targets beside the
/// ground truth.
@Suite struct FusedStageTests {
    /// In TinyScene only the table is seen by both views, so fusion keeps it alone ({6, 7}, 120 points).
    @Test func fusedInstancesAreWhatTheLiftingBaselineFuses() throws {
        let url = try TinyScene.write(to: temporaryFolder("fused-load").appendingPathComponent("scene0"))
        let plain = try TrainScene.load(url, baseClasses: ["chair", "table"])
        #expect(plain.fusedInstances.isEmpty)
        let scene = try TrainScene.load(url, baseClasses: ["chair", "table"], fuse: FuseThresholds())
        #expect(scene.fusedInstances == [InstanceTarget(name: "table", superpoints: [6, 7])])
        let baseline = ViewConsensus.fuse(try FuseInputs.load(scene: url)).map {
            InstanceTarget(name: $0.label, superpoints: $0.superpoints.sorted())
        }
        #expect(scene.fusedInstances == baseline)
        // Looser thresholds keep the single-view chair and lamp too, in the same order as the baseline's.
        var loose = FuseThresholds()
        loose.minViews = 1
        let looser = try TrainScene.load(url, baseClasses: nil, fuse: loose)
        #expect(Set(looser.fusedInstances.map(\.name)) == ["chair", "table", "lamp"])
        #expect(looser.fusedInstances == ViewConsensus.fuse(try FuseInputs.load(scene: url), thresholds: loose).map {
            InstanceTarget(name: $0.label, superpoints: $0.superpoints.sorted())
        })
    }

    /// Fused instances that the ground truth covers by half or more are left out; the rest join the scene set.
    @Test func fusedInstancesJoinTheSceneSetWhereTheGroundTruthIsSilent() throws {
        let url = try TinyScene.write(to: temporaryFolder("fused-step").appendingPathComponent("scene0"))
        var scene = try TrainScene.load(url, baseClasses: ["chair"])
        #expect(scene.sceneTargets.map(\.name) == ["chair"])
        // The lamp candidate lies 2 of 3 on the chair's {4, 5}: covered. The table and the second lamp are not.
        scene.fusedInstances = [InstanceTarget(name: "table", superpoints: [6, 7]),
                                InstanceTarget(name: "lamp", superpoints: [4, 5, 8]),
                                InstanceTarget(name: "lamp", superpoints: [5, 8, 9])]
        var config = CurriculumTests.config([CurriculumPhase(stage: .views), CurriculumPhase(stage: .fused, fromStep: 2)])
        let seeds: [Int32] = [0, 4, 6, 8]
        func batch(_ step: Int) throws -> StepBatch {
            var rng = SeededGenerator(seed: 5)
            return try StepBatch.make(scene: scene, seeds: seeds, useViews: true, config: config,
                                      embeddings: TinyScene.embeddings(), step: step, rng: &rng)
        }
        let before = try batch(1)
        #expect(before.sets.map(\.kind.rawValue).sorted() == ["scene", "view", "view"])
        let after = try batch(2)
        #expect(after.sets.map(\.kind.rawValue).sorted() == ["fused", "view", "view"])
        let fused = try #require(after.sets.first { $0.kind == .fused })
        #expect(fused.rows == [0, 1, 2, 3] && fused.columns == nil)
        let names = fused.targets.map { after.vocabulary[$0.label] }
        #expect(names == ["chair", "table", "lamp"])
        // Without scene-level ground truth the fused instances alone make the set, none left out.
        config.supervision.sceneGT = false
        let alone = try #require(try batch(2).sets.first { $0.kind == .fused })
        #expect(alone.targets.count == 3)
        // A scene with no fused instances keeps its plain scene set.
        scene.fusedInstances = []
        config.supervision.sceneGT = true
        #expect(try batch(2).sets.map(\.kind.rawValue).sorted() == ["scene", "view", "view"])
    }

    /// The stage needs no tracked labels: a scene with only `lift`'s output trains, and the log shows the set.
    @Test func trainingWithTheFusedStageNeedsOnlyLiftedLabels() throws {
        let root = temporaryFolder("fused-train")
        let data = root.appendingPathComponent("data")
        try TinyScene.write(to: data.appendingPathComponent("scene0"))
        var config = CurriculumTests.config([CurriculumPhase(stage: .views), CurriculumPhase(stage: .fused, fromStep: 3)])
        config.steps = 6
        config.augment.enabled = false
        // TinyScene's ground truth covers its one fused instance (the table), so without it the fused set shows.
        config.supervision.sceneGT = false
        #expect(!config.supervision.needsTrackedLabels && config.supervision.needsFusedInstances)
        var options = TrainOptions(data: data, run: root.appendingPathComponent("run"), config: config,
                                   embeddings: TinyScene.embeddings())
        options.showProgress = false
        let result = try Trainer(options).run()
        #expect(result.losses.count == 6 && result.losses.allSatisfy(\.isFinite))
        let lines = try String(contentsOf: root.appendingPathComponent("run/log.jsonl"), encoding: .utf8)
            .split(separator: "\n").filter { $0.contains("\"step\"") }
        #expect(lines.count == 6)
        #expect(lines.prefix(3).allSatisfy { !$0.contains("fused.") && $0.contains("view.") })
        #expect(lines.suffix(3).allSatisfy { $0.contains("fused.matches") && $0.contains("view.") })
    }
}
