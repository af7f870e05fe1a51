import Eval
import Foundation
import _TestSupport
import SceneIO
import Testing
@testable import Train

@Suite(.serialized) struct TrainerTests {
    func options(data: URL, run: URL, config: TrainConfig) -> TrainOptions {
        var o = TrainOptions(data: data, run: run, config: config, embeddings: TinyScene.embeddings())
        o.seed = 7
        o.showProgress = false
        return o
    }

    @Test func lossFallsOnATinyScene() throws {
        let root = temporaryFolder("fall")
        try TinyScene.write(to: root.appendingPathComponent("data/scene0"))
        var c = TinyScene.config(steps: 40)
        c.augment.enabled = false
        let r = try Trainer(options(data: root.appendingPathComponent("data"), run: root.appendingPathComponent("run"), config: c)).run()
        #expect(r.losses.count == 40)
        let first = r.losses.prefix(5).reduce(0, +) / 5, last = r.losses.suffix(5).reduce(0, +) / 5
        #expect(last < 0.7 * first, "loss \(first) → \(last)")
        // Every step is logged with its loss terms.
        let lines = try String(contentsOf: root.appendingPathComponent("run/log.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 40)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(lines[39].utf8)) as? [String: Any])
        #expect(o["step"] as? Int == 40)
        for key in ["loss", "lr", "grad_norm", "scene.cls", "scene.bce", "scene.dice", "view.cls", "view.center", "semantic"] {
            #expect(o[key] is Double, "log lacks \(key)")
        }
    }

    @Test func killedAndResumedEqualsUninterrupted() throws {
        let root = temporaryFolder("resume")
        try TinyScene.write(to: root.appendingPathComponent("data/scene0"))
        try TinyScene.write(to: root.appendingPathComponent("data/scene1"), seed: 2, shift: 0.3)
        var c = TinyScene.config(steps: 6)
        c.checkpointEvery = 3
        let data = root.appendingPathComponent("data")
        let whole = try Trainer(options(data: data, run: root.appendingPathComponent("whole"), config: c))
        let wholeResult = try whole.run()
        // "Kill" after step 4: the last checkpoint is step 3; step 4's log line must be dropped on resume.
        var killed = options(data: data, run: root.appendingPathComponent("killed"), config: c)
        killed.stopAfter = 4
        _ = try Trainer(killed).run()
        killed.stopAfter = nil
        killed.resume = true
        let resumed = try Trainer(killed)
        #expect(resumed.step == 3)
        let resumedResult = try resumed.run()
        #expect(resumedResult.losses == Array(wholeResult.losses.suffix(3)))
        for ((name, a), (_, b)) in zip(whole.model.namedParameters, resumed.model.namedParameters) {
            #expect(a.value.floats() == b.value.floats(), "\(name) differs after resume")
        }
        let log = try String(contentsOf: root.appendingPathComponent("killed/log.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(log.count == 6)
    }

    @Test func predictWritesBenchmarkFilesThatEvalReads() throws {
        let root = temporaryFolder("predict")
        let data = root.appendingPathComponent("data")
        try TinyScene.write(to: data.appendingPathComponent("scene0"))
        var c = TinyScene.config(steps: 25)
        c.augment.enabled = false
        _ = try Trainer(options(data: data, run: root.appendingPathComponent("run"), config: c)).run()
        let classes = try ClassCatalog(entries: TinyScene.classNames.compactMap { ClassCatalog.scanNet200().entry(named: $0) })
        var o = PredictOptions(checkpoint: root.appendingPathComponent("run"), scenes: [data], out: root.appendingPathComponent("pred"),
                               embeddings: TinyScene.embeddings())
        o.classes = classes
        o.postProcess.minPoints = 10
        let r = try Predictor.run(o)
        let instances = try #require(r.scenes["scene0"])
        #expect(!instances.isEmpty)
        let lines = try String(contentsOf: o.out.appendingPathComponent("scene0.txt"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == instances.count)
        let n = try SceneFolder(data.appendingPathComponent("scene0")).read(SceneArray.coord).shape[0]
        for line in lines {
            let parts = line.split(separator: " ")
            #expect(parts.count == 3)
            #expect(classes.entry(id: Int(parts[1]) ?? -1) != nil)
            let mask = try String(contentsOf: o.out.appendingPathComponent(String(parts[0])), encoding: .utf8).split(separator: "\n")
            #expect(mask.count == n && mask.allSatisfy { $0 == "0" || $0 == "1" })
            #expect(mask.filter { $0 == "1" }.count > 10)
        }
        let result = try FolderEvaluation.evaluate(predictions: o.out, groundTruth: data,
                                                   options: EvaluationOptions(classes: classes, minRegionSize: 10))
        #expect(result.sceneCount == 1)
        #expect(result.classes.reduce(0) { $0 + $1.predictionCount } == instances.count)
        #expect(result.classes.map(\.groundTruthCount) == [1, 1, 1])
    }

    @Test func configFileOverridesOnlyItsKeys() throws {
        let url = temporaryFolder("config").appendingPathComponent("c.json")
        try #"{"steps": 12, "model": {"width": 48}, "supervision": {"vip": false}}"#.write(to: url, atomically: true, encoding: .utf8)
        let c = try TrainConfig.load(from: url)
        var expected = TrainConfig()
        expected.steps = 12; expected.model.width = 48; expected.supervision.vip = false
        #expect(c == expected)
        // Over a run's stored config (resume): keys absent from the file keep the run's values, not the defaults.
        var stored = TrainConfig()
        stored.model.feature2DWidth = 16; stored.steps = 99
        try #"{"learningRate": 0.002, "model": {"width": 48}}"#.write(to: url, atomically: true, encoding: .utf8)
        var resumed = stored
        resumed.learningRate = 0.002; resumed.model.width = 48
        #expect(try TrainConfig.load(from: url, over: stored) == resumed)
        try #"{"model": {"width": 50, "heads": 4}}"#.write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: TrainError.self) { try TrainConfig.load(from: url) }
    }
}
