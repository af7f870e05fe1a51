import Foundation
import _TestSupport
import SceneIO
import Testing
@testable import Train

/// Training state that cannot be lost: a run folder belongs to one run, pruning keeps this run's newest
/// checkpoints, `--resume` never restarts silently, and a log that cannot be written is an error, not a trap.
@Suite(.serialized) struct RunStateTests {
    func options(_ root: URL, steps: Int, checkpointEvery: Int) throws -> TrainOptions {
        let data = root.appendingPathComponent("data")
        if !FileManager.default.fileExists(atPath: data.path) { try TinyScene.write(to: data.appendingPathComponent("scene0")) }
        var c = TinyScene.config(steps: steps)
        c.checkpointEvery = checkpointEvery
        var o = TrainOptions(data: data, run: root.appendingPathComponent("run"), config: c, embeddings: TinyScene.embeddings())
        o.seed = 3
        o.showProgress = false
        return o
    }

    func names(_ run: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? []).sorted()
    }

    @Test func aNonEmptyFolderIsRefusedUnlessForced() throws {
        let run = temporaryFolder("claim").appendingPathComponent("run")
        #expect(try RunFolder.claim(run, force: false).isEmpty)           // missing folder: fine
        try FileManager.default.createDirectory(at: run.appendingPathComponent("checkpoint-000010"), withIntermediateDirectories: true)
        for name in ["latest.json", "log.jsonl", "config.json", "notes.txt", "label_embeddings.json"] {
            try Data("{}".utf8).write(to: run.appendingPathComponent(name))
        }
        let error = #expect(throws: TrainError.self, "a folder with another run's files was accepted") { try RunFolder.claim(run, force: false) }
        guard case let .runFolderInUse(path, entries)? = error else { return }
        #expect(path == run.path)
        #expect(entries == ["checkpoint-000010", "config.json", "latest.json", "log.jsonl", "notes.txt"])
        let removed = try RunFolder.claim(run, force: true)
        #expect(removed == ["checkpoint-000010", "config.json", "latest.json", "log.jsonl"])
        #expect(names(run) == ["label_embeddings.json", "notes.txt"])
        // Only the label cache left: a new run may start without --force.
        try FileManager.default.removeItem(at: run.appendingPathComponent("notes.txt"))
        #expect(try RunFolder.claim(run, force: false).isEmpty)
    }

    @Test func aLockedFolderIsRefusedUntilItsHolderLetsGo() throws {
        let run = temporaryFolder("lock").appendingPathComponent("run")
        var first: RunLock? = try RunLock(run)                                 // creates the missing folder
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(RunLock.fileName).path))
        #expect(try RunFolder.claim(run, force: false).isEmpty, "the lock file made the folder another run's")
        // flock conflicts between two open descriptions even within one process, as it does between two trainers.
        let error = #expect(throws: TrainError.self, "a second writer took a held lock") { try RunLock(run) }
        guard case let .runFolderLocked(path, holder)? = error else { return }
        #expect(path == run.path)
        #expect(holder?.hasPrefix("pid \(ProcessInfo.processInfo.processIdentifier) on ") == true, "\(String(describing: holder))")
        #expect(error?.description.contains(run.path) == true)
        withExtendedLifetime(first) {}
        first = nil
        let second = try RunLock(run)                                          // released: free again
        #expect(second.run == run)
    }

    @Test func higherNumberedOldCheckpointsDoNotMakeNewOnesVanish() throws {
        let root = temporaryFolder("prune")
        let o = try options(root, steps: 4, checkpointEvery: 1)
        let old = o.run.appendingPathComponent("checkpoint-000900")
        try FileManager.default.createDirectory(at: old, withIntermediateDirectories: true)
        let stale = o.run.appendingPathComponent(".tmp-checkpoint-000002")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        _ = try Trainer(o).run()
        #expect(names(o.run).filter { $0.hasPrefix("checkpoint-") || $0.hasPrefix(".tmp") }
                == ["checkpoint-000003", "checkpoint-000004", "checkpoint-000900"])
        let latest = try #require(Checkpoint.latest(in: o.run))
        #expect(latest.lastPathComponent == "checkpoint-000004" && Checkpoint.isComplete(latest))
    }

    @Test func resumeWithoutLatestFallsBackToTheNewestCompleteCheckpoint() throws {
        let root = temporaryFolder("fallback")
        var o = try options(root, steps: 6, checkpointEvery: 2)
        o.stopAfter = 4
        _ = try Trainer(o).run()
        // A half-written newer folder must not be chosen.
        try FileManager.default.createDirectory(at: o.run.appendingPathComponent("checkpoint-000005"), withIntermediateDirectories: true)
        o.resume = true
        o.stopAfter = nil
        for damage in ["missing", "corrupt", "dangling"] {
            let latest = o.run.appendingPathComponent("latest.json")
            try? FileManager.default.removeItem(at: latest)
            if damage == "corrupt" { try Data("{\"checkpoint\": ".utf8).write(to: latest) }
            if damage == "dangling" { try Data("{\"checkpoint\": \"checkpoint-000005\", \"step\": 5}".utf8).write(to: latest) }
            let t = try Trainer(o)
            #expect(t.step == 4, "\(damage)")
            let note = try #require(t.resumeNote, "\(damage): no note")
            #expect(note.contains("checkpoint-000004"), "\(note)")
            #expect(note.contains(["missing": "no latest.json", "corrupt": "unreadable", "dangling": "checkpoint-000005"][damage] ?? "?"), "\(note)")
        }
        // With no complete checkpoint at all, resume stops and says why.
        for c in Checkpoint.completeCheckpoints(in: o.run) { try FileManager.default.removeItem(at: c.folder) }
        let error = #expect(throws: TrainError.self, "resume without any checkpoint restarted") { try Trainer(o) }
        guard case let .nothingToResume(run, reason)? = error else {
            Issue.record("expected nothingToResume, got \(String(describing: error))")
            return
        }
        #expect(run == o.run.path && reason.contains("no complete checkpoint"))
    }

    @Test func aLogThatCannotBeWrittenIsATypedError() throws {
        let root = temporaryFolder("log")
        let inTheWay = root.appendingPathComponent("log.jsonl")
        try FileManager.default.createDirectory(at: inTheWay, withIntermediateDirectories: true)
        #expect(throws: TrainError.self) { _ = try TrainLog(url: inTheWay, keepThrough: nil) }
        let full = URL(fileURLWithPath: "/dev/full")
        if FileManager.default.fileExists(atPath: full.path) {
            let log = try TrainLog(url: full, keepThrough: nil)
            let error = #expect(throws: TrainError.self, "a write to /dev/full succeeded") { try log.append(step: 1, values: ["loss": 1]) }
            if case let .unwritable(path, reason)? = error {
                #expect(path == full.path && reason.contains("step 1"))
            } else {
                Issue.record("expected unwritable, got \(String(describing: error))")
            }
        }
        // A trainer whose log path is a directory stops with the same error before its first step.
        var o = try options(root, steps: 2, checkpointEvery: 1)
        try FileManager.default.createDirectory(at: o.run.appendingPathComponent("log.jsonl"), withIntermediateDirectories: true)
        o.showProgress = false
        #expect(throws: TrainError.self) { _ = try Trainer(o).run() }
        #expect(!FileManager.default.fileExists(atPath: o.run.appendingPathComponent("checkpoint-000001").path))
    }

    @Test func aResumedLogWithCRLFLinesKeepsItsSteps() throws {
        let root = temporaryFolder("crlf-log")
        let url = root.appendingPathComponent("log.jsonl")
        try Data("{\"step\":1,\"loss\":2}\r\n{\"step\":2,\"loss\":1}\r\n{\"step\":3,\"loss\":0.5}\r\n".utf8).write(to: url)
        let log = try TrainLog(url: url, keepThrough: 2)
        try log.append(step: 3, values: ["loss": 0.25])
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines == ["{\"step\":1,\"loss\":2}", "{\"step\":2,\"loss\":1}", "{\"step\":3,\"loss\":0.25}"])
    }

    @Test func aLabelWithoutAnEmbeddingStopsTrainingWithItsName() throws {
        let root = temporaryFolder("no-embedding")
        var o = try options(root, steps: 1, checkpointEvery: 1)
        let table = TinyScene.embeddings()
        let kept = table.names.enumerated().filter { $0.element != "lamp" }
        o.embeddings = TextEmbeddings(names: kept.map(\.element), vectors: kept.flatMap { Array(table.vectors[($0.offset * table.dims)..<(($0.offset + 1) * table.dims)]) },
                                      dims: table.dims, source: "test-table")
        let error = #expect(throws: TrainError.self, "a label without an embedding was accepted") { try Trainer(o) }
        if case let .labelWithoutEmbedding(label, scene, embeddings, _)? = error {
            #expect(label == "lamp" && scene == "scene0" && embeddings == "test-table")
        } else {
            Issue.record("expected labelWithoutEmbedding, got \(String(describing: error))")
        }
        // Without view labels nothing needs "lamp" (the tiny scene's 3D classes are all in the table).
        o.config.supervision.viewLabels = false
        _ = try Trainer(o)
    }
}
