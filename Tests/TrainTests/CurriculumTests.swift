import Foundation
import _TestSupport
import Geometry
import SceneIO
import Testing
@testable import Train

/// The supervision curriculum (`supervision.curriculum`): which label stage supervises which step, the tracked
/// labels as targets, and the refusal of scenes without them.
@Suite struct CurriculumTests {
    /// TinyScene plus tracked labels: chair (mask 0) → track 0, table (masks 1, 2) → track 1, lamp (mask 3) →
    /// track 2; pseudo-instances chair {4, 5} and table {6, 7} (the lamp was seen in one view only).
    static func trackedScene(_ name: String) throws -> URL {
        let url = try TinyScene.write(to: temporaryFolder(name).appendingPathComponent("scene0"))
        var folder = try SceneFolder(url)
        let records = [TrackRecord(score: 0.9, votes: ["chair": 0.9], views: [0]),
                       TrackRecord(score: 0.85, votes: ["table": 1.7], views: [0, 1]),
                       TrackRecord(score: 0, votes: ["lamp": 0.7], views: [1])]
        let tracked = SceneTrackedLabels(file: TracksFile(tracks: records), viewMaskTrack: [0, 1, 1, 2],
                                         offsets: [0, 2, 4, 4], superpoints: [4, 5, 6, 7])
        try tracked.write(to: &folder, maskCount: 4, viewCount: 2, superpointCount: 10)
        return url
    }

    static func config(_ phases: [CurriculumPhase]) -> TrainConfig {
        var config = TinyScene.config()
        config.supervision.curriculum = phases
        return config
    }

    @Test func stagesSwitchAtTheGivenStep() throws {
        let json = """
        {"supervision": {"curriculum": [{"stage": "views", "fromStep": 0, "untilStep": 3}, {"stage": "tracked", "fromStep": 3},
                                        {"stage": "pseudo", "fromStep": 5}]}}
        """
        let config = try TrainConfig.decode(try JSONSerialization.jsonObject(with: Data(json.utf8)))
        let s = config.supervision
        #expect(s.stages(atStep: 0) == [.views] && s.stages(atStep: 2) == [.views])
        #expect(s.stages(atStep: 3) == [.tracked] && s.stages(atStep: 4) == [.tracked])
        #expect(s.stages(atStep: 5) == [.tracked, .pseudo] && s.stages(atStep: 10_000) == [.tracked, .pseudo])
        // No curriculum: the view labels throughout, as before; switched off with viewLabels.
        var plain = SupervisionOptions()
        #expect(plain.stages(atStep: 7) == [.views])
        plain.viewLabels = false
        #expect(plain.stages(atStep: 7).isEmpty)
    }

    @Test func badPhasesAreRefusedNamingTheEntry() {
        for (phase, field) in [(CurriculumPhase(stage: .tracked, fromStep: -1), "supervision.curriculum[1].fromStep"),
                               (CurriculumPhase(stage: .tracked, fromStep: 4, untilStep: 4), "supervision.curriculum[1].untilStep")] {
            let config = Self.config([CurriculumPhase(stage: .views), phase])
            #expect {
                try config.validate()
            } throws: { error in
                "\(error)".contains(field)
            }
        }
        let json = #"{"supervision": {"curriculum": [{"stage": "tracks", "fromStep": 0}]}}"#
        #expect(throws: (any Error).self) { try TrainConfig.decode(try JSONSerialization.jsonObject(with: Data(json.utf8))) }
    }

    @Test func trackedLabelsBecomeViewAndSceneTargets() throws {
        let scene = try TrainScene.load(try Self.trackedScene("curriculum-load"), baseClasses: ["chair", "table"])
        #expect(scene.hasTrackedLabels)
        #expect(scene.trackedViews.map { $0.instances.map(\.name) } == [["chair", "table"], ["table", "lamp"]])
        #expect(scene.trackedViews[1].instances.map(\.superpoints) == [[6, 7], [8, 9]])
        #expect(scene.pseudoInstances == [InstanceTarget(name: "chair", superpoints: [4, 5]), InstanceTarget(name: "table", superpoints: [6, 7])])
    }

    @Test func stepSetsFollowTheCurriculum() throws {
        let scene = try TrainScene.load(try Self.trackedScene("curriculum-step"), baseClasses: ["chair", "table"])
        var config = Self.config([CurriculumPhase(stage: .views, fromStep: 0, untilStep: 2),
                                  CurriculumPhase(stage: .tracked, fromStep: 2), CurriculumPhase(stage: .pseudo, fromStep: 4)])
        config.supervision.sceneGT = false
        let seeds: [Int32] = [0, 3, 4, 6, 8]
        func kinds(_ step: Int) throws -> [String: Int] {
            var rng = SeededGenerator(seed: 3)
            let batch = try StepBatch.make(scene: scene, seeds: seeds, useViews: true, config: config,
                                           embeddings: TinyScene.embeddings(), step: step, rng: &rng)
            return Dictionary(batch.sets.map { ($0.kind.rawValue, 1) }, uniquingKeysWith: +)
        }
        #expect(try kinds(0) == ["view": 2] && kinds(1) == ["view": 2])
        #expect(try kinds(2) == ["tracked": 2] && kinds(3) == ["tracked": 2])
        #expect(try kinds(4) == ["tracked": 2, "pseudo": 1])
        // The pseudo set supervises every query over every superpoint.
        var rng = SeededGenerator(seed: 3)
        let batch = try StepBatch.make(scene: scene, seeds: seeds, useViews: true, config: config,
                                       embeddings: TinyScene.embeddings(), step: 4, rng: &rng)
        let pseudo = try #require(batch.sets.first { $0.kind == .pseudo })
        #expect(pseudo.rows == [0, 1, 2, 3, 4] && pseudo.columns == nil && pseudo.targets.count == 2)
    }

    @Test func scenesWithoutTrackedLabelsAreRefused() throws {
        let data = temporaryFolder("curriculum-refuse")
        try TinyScene.write(to: data.appendingPathComponent("scene0"))
        let scene = try TrainScene.load(data.appendingPathComponent("scene0"), baseClasses: ["chair", "table"])
        #expect(!scene.hasTrackedLabels)
        let config = Self.config([CurriculumPhase(stage: .views), CurriculumPhase(stage: .tracked, fromStep: 10)])
        var rng = SeededGenerator(seed: 1)
        // Before the tracked stage starts the scene trains; from step 10 it is refused naming the file and the fix.
        _ = try StepBatch.make(scene: scene, seeds: [0, 4], useViews: true, config: config, embeddings: TinyScene.embeddings(),
                               step: 9, rng: &rng)
        #expect {
            _ = try StepBatch.make(scene: scene, seeds: [0, 4], useViews: true, config: config, embeddings: TinyScene.embeddings(),
                                   step: 10, rng: &rng)
        } throws: { "\($0)".contains("tracks.json") && "\($0)".contains("ovseg3r track-masks") }
        // The trainer refuses before its first step.
        let options = TrainOptions(data: data, run: data.appendingPathComponent("run"), config: config,
                                   embeddings: TinyScene.embeddings())
        #expect {
            _ = try Trainer(options)
        } throws: { "\($0)".contains("stage tracked") && "\($0)".contains("scene0") }
    }
}
