import Foundation
import _TestSupport
import SceneIO
import Testing
@testable import Train

/// The training-config pieces the learning benchmark relies on: unknown keys are refused by name, the supervised
/// ceiling's all-class ground truth, checkpoints kept for the curves, and state files from before these keys.
@Suite(.serialized) struct BenchmarkConfigTests {
    @Test func unknownKeysAreRefusedNamingTheKeyAndTheNearestOne() throws {
        let url = temporaryFolder("keys").appendingPathComponent("c.json")
        try #"{"stpes": 10}"#.write(to: url, atomically: true, encoding: .utf8)
        do {
            _ = try TrainConfig.load(from: url)
            Issue.record("a misspelled key was accepted")
        } catch {
            let text = String(describing: error)
            #expect(text.contains("stpes") && text.contains("\"steps\"") && text.contains(url.path), "\(text)")
        }
        try #"{"supervision": {"vpi": false}}"#.write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: TrainError.self) { try TrainConfig.load(from: url) }
        let unknown = TrainConfig.unknownKeys(in: ["supervision": ["vpi": false, "vip": true], "model": ["width": 8], "zzzzzzzz": 1])
        #expect(unknown.map(\.path) == ["supervision.vpi", "zzzzzzzz"])
        #expect(unknown.first?.suggestion == "supervision.vip")
        #expect(unknown.last?.suggestion == nil)
        #expect(TrainConfig.unknownKeys(in: try JSONSerialization.jsonObject(with: TrainConfig().jsonData())).isEmpty)
    }

    @Test func sceneGTClassesAllKeepsNovelClassTargets() throws {
        let root = temporaryFolder("gtclasses")
        try TinyScene.write(to: root.appendingPathComponent("data/scene0"))
        let base = try SceneList.load(root.appendingPathComponent("data"), superpointArray: "superpoints", gtClasses: .base)
        let all = try SceneList.load(root.appendingPathComponent("data"), superpointArray: "superpoints", gtClasses: .all)
        // chair and table are base classes, lamp is novel (TinyScene).
        #expect(Set(base[0].sceneTargets.map(\.name)) == ["chair", "table"])
        #expect(Set(all[0].sceneTargets.map(\.name)) == ["chair", "table", "lamp"])
        let decoded = try JSONDecoder().decode(SupervisionOptions.self, from: Data(#"{"sceneGT": true, "viewLabels": true, "vip": true, "reconstructedFraction": 1, "viewsPerStep": 4, "sceneGTClasses": "all"}"#.utf8))
        #expect(decoded.sceneGTClasses == .all)
    }

    @Test func checkpointsAtMultiplesOfKeepEveryAreKept() throws {
        let root = temporaryFolder("keep")
        try TinyScene.write(to: root.appendingPathComponent("data/scene0"))
        var c = TinyScene.config(steps: 8)
        c.checkpointEvery = 1
        c.keepCheckpointEvery = 4
        var o = TrainOptions(data: root.appendingPathComponent("data"), run: root.appendingPathComponent("run"), config: c,
                             embeddings: TinyScene.embeddings())
        o.showProgress = false
        _ = try Trainer(o).run()
        let kept = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("run").path)
            .filter { $0.hasPrefix("checkpoint-") }.sorted()
        #expect(kept == ["checkpoint-000004", "checkpoint-000007", "checkpoint-000008"])
    }

    @Test func stateFilesWithoutTheNewKeysStillLoad() throws {
        let root = temporaryFolder("oldstate")
        try TinyScene.write(to: root.appendingPathComponent("data/scene0"))
        var o = TrainOptions(data: root.appendingPathComponent("data"), run: root.appendingPathComponent("run"),
                             config: TinyScene.config(steps: 2), embeddings: TinyScene.embeddings())
        o.showProgress = false
        _ = try Trainer(o).run()
        let folder = try #require(Checkpoint.latest(in: root.appendingPathComponent("run")))
        // Remove the keys this version added, as a state.json of the previous version would lack them.
        let url = folder.appendingPathComponent("state.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var config = try #require(object["config"] as? [String: Any])
        config.removeValue(forKey: "keepCheckpointEvery")
        var supervision = try #require(config["supervision"] as? [String: Any])
        supervision.removeValue(forKey: "sceneGTClasses")
        config["supervision"] = supervision
        object["config"] = config
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        let state = try Checkpoint.state(at: folder)
        #expect(state.config.keepCheckpointEvery == 0 && state.config.supervision.sceneGTClasses == .base)
        #expect(state.step == 2)
    }
}
