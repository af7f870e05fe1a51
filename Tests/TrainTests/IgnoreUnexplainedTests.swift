import Foundation
import _TestSupport
import Support
import Testing
@testable import Train

/// `supervision.ignoreUnexplained`: queries seeded where the views name an object that no scene-level target covers
/// are left out of the scene-level set instead of being taught "no object" there.
@Suite struct IgnoreUnexplainedTests {
    /// TinyScene with only the chair ({4, 5}) as ground truth; the views name the table ({6, 7}) and the lamp ({8, 9}).
    static func batch(scene: TrainScene, ignore: Bool, stages: [CurriculumPhase] = [CurriculumPhase(stage: .views)],
                      useViews: Bool = true) throws -> StepBatch {
        var config = CurriculumTests.config(stages)
        config.supervision.ignoreUnexplained = ignore
        var rng = SeededGenerator(seed: 3)
        return try StepBatch.make(scene: scene, seeds: [0, 4, 6, 8], useViews: useViews, config: config,
                                  embeddings: TinyScene.embeddings(), step: 0, rng: &rng)
    }

    static func sceneRows(_ batch: StepBatch) -> [Int32]? {
        batch.sets.first { $0.kind == .scene || $0.kind == .fused }?.rows
    }

    @Test func queriesOnObjectsTheGroundTruthDoesNotCoverAreLeftOut() throws {
        let url = try TinyScene.write(to: temporaryFolder("ignore-rows").appendingPathComponent("scene0"))
        var scene = try TrainScene.load(url, baseClasses: ["chair"])
        // Off (the default): every query is in the scene set, those on the table and the lamp taught "no object".
        #expect(Self.sceneRows(try Self.batch(scene: scene, ignore: false)) == [0, 1, 2, 3])
        // On: the queries seeded on the table (6) and the lamp (8) leave the set; floor (0) and chair (4) stay.
        let on = try Self.batch(scene: scene, ignore: true)
        #expect(Self.sceneRows(on) == [0, 1])
        // The view sets are unchanged.
        #expect(on.sets.filter { $0.kind == .view }.map(\.rows) == (try Self.batch(scene: scene, ignore: false)).sets
            .filter { $0.kind == .view }.map(\.rows))
        // A fused instance on the table explains it: its query is back in the (fused) set.
        scene.fusedInstances = [InstanceTarget(name: "table", superpoints: [6, 7])]
        let fused = try Self.batch(scene: scene, ignore: true,
                                   stages: [CurriculumPhase(stage: .views), CurriculumPhase(stage: .fused)])
        #expect(fused.sets.contains { $0.kind == .fused })
        #expect(Self.sceneRows(fused) == [0, 1, 2])
        // Outside the view-supervised share nothing is left out.
        #expect(Self.sceneRows(try Self.batch(scene: scene, ignore: true, useViews: false)) == [0, 1, 2, 3])
    }

    /// A superpoint counts as named when at least half of the views that see it name it.
    @Test func aSuperpointNamedInTooFewOfItsViewsStaysInTheSet() throws {
        let url = try TinyScene.write(to: temporaryFolder("ignore-votes").appendingPathComponent("scene0"))
        var scene = try TrainScene.load(url, baseClasses: ["chair"])
        // One more view sees the lamp without naming it: 1 of 2, still named.
        scene.views.append(ViewTargets(visible: [8, 9], instances: []))
        #expect(Self.sceneRows(try Self.batch(scene: scene, ignore: true)) == [0, 1])
        // A third: 1 of 3, no longer named, so the lamp's query is taught as before.
        scene.views.append(ViewTargets(visible: [3, 8, 9], instances: []))
        #expect(Self.sceneRows(try Self.batch(scene: scene, ignore: true)) == [0, 1, 3])
        let mask = StepBatch.unexplained(scene.views, covered: scene.sceneTargets, superpointCount: scene.superpointCount)
        #expect(mask.indices.filter { mask[$0] } == [6, 7])
    }

    /// Ids outside the scene's superpoint range (a corrupt view) are skipped, not a crash.
    @Test func outOfRangeIdsAreSkipped() {
        let views = [ViewTargets(visible: [0, 1, 7, -2], instances: [InstanceTarget(name: "lamp", superpoints: [1, 7, -2])])]
        let mask = StepBatch.unexplained(views, covered: [], superpointCount: 3)
        #expect(mask == [false, true, false])
        #expect(StepBatch.explainedRows(seeds: [0, 1, 2, 9], unexplained: mask) == [0, 2, 3])
    }

    /// Configs written before the key existed decode, and read it as off.
    @Test func olderConfigsDecodeWithTheKeyOff() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(TrainConfig())) as? [String: Any])
        var supervision = try #require(object["supervision"] as? [String: Any])
        supervision.removeValue(forKey: "ignoreUnexplained")
        object["supervision"] = supervision
        let config = try JSONDecoder().decode(TrainConfig.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(config.supervision.ignoreUnexplained != true)
    }
}
