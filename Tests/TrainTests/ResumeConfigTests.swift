import Foundation
import _TestSupport
import Testing
@testable import Train

@Suite(.serialized) struct ResumeConfigTests {
    func trainedRun(_ name: String) throws -> (data: URL, run: URL, options: TrainOptions) {
        let root = temporaryFolder(name)
        let data = root.appendingPathComponent("data")
        try TinyScene.write(to: data.appendingPathComponent("scene0"))
        var c = TinyScene.config(steps: 4)
        c.checkpointEvery = 2
        var o = TrainOptions(data: data, run: root.appendingPathComponent("run"), config: c, embeddings: TinyScene.embeddings())
        o.showProgress = false
        o.stopAfter = 2
        _ = try Trainer(o).run()
        o.stopAfter = nil
        o.resume = true
        return (data, o.run, o)
    }

    /// Resuming with other training settings continues under them and names each changed field.
    @Test func resumeWithAChangedConfigNamesTheFields() throws {
        var (_, _, o) = try trainedRun("resume-warn")
        #expect(try Trainer(o).configChanges.isEmpty)
        o.config.steps = 6
        o.config.learningRate = 5e-3
        o.config.supervision.vip = false
        let trainer = try Trainer(o)
        #expect(trainer.step == 2)
        #expect(trainer.configChanges.map(\.field) == ["learningRate", "steps", "supervision.vip"])
        #expect(trainer.configChanges[1] == ConfigChange(field: "steps", stored: "4", given: "6"))
        #expect(try trainer.run().steps == 6)
    }

    /// A different model cannot take the stored weights: a typed error naming the field, not a tensor mismatch.
    @Test func resumeWithAnotherModelIsRefused() throws {
        var (_, run, o) = try trainedRun("resume-model")
        o.config.model.width = 48
        o.config.model.heads = 2
        let error = #expect(throws: TrainError.self) { try Trainer(o) }
        guard case let .resumeModelMismatch(r, field, stored, given)? = error else {
            Issue.record("expected resumeModelMismatch, got \(String(describing: error))")
            return
        }
        #expect(r == run.path && field == "model.width" && stored == "32" && given == "48")
    }

    /// A checkpoint from before format 2 (no learned logit scale, no semantic head) is refused by name.
    @Test func oldCheckpointsAreDeclaredIncompatible() throws {
        let (_, run, _) = try trainedRun("old-format")
        let folder = try Checkpoint.resolve(run)
        let stateURL = folder.appendingPathComponent("state.json")
        var state = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: stateURL)) as? [String: Any])
        #expect(state["formatVersion"] as? Int == Checkpoint.formatVersion)
        state["formatVersion"] = nil
        try JSONSerialization.data(withJSONObject: state).write(to: stateURL)
        #expect(throws: TrainError.self) { try Checkpoint.loadModel(from: folder) }
        let error = #expect(throws: TrainError.self) { try Checkpoint.state(at: folder) }
        guard case let .incompatibleCheckpoint(path, version, expected)? = error else {
            Issue.record("expected incompatibleCheckpoint, got \(String(describing: error))")
            return
        }
        #expect(path == folder.path && version == nil && expected == Checkpoint.formatVersion)
    }
}
