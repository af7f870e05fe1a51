import Foundation
import SceneIO
import Testing

/// `train`'s run folder end to end: one run per folder, `--force`, a `--resume` with nothing to resume, and a
/// label that cannot be embedded.
struct TrainRunFolderCommandTests {
    func scratch(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ovseg3r-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func config(in dir: URL, steps: Int) throws -> URL {
        let url = dir.appendingPathComponent("tiny.json")
        let json = TextModelSupport.tinyConfig.replacingOccurrences(of: "\"steps\": 40", with: "\"steps\": \(steps)")
            .replacingOccurrences(of: "\"checkpointEvery\": 1000", with: "\"checkpointEvery\": 1")
        try Data(json.utf8).write(to: url)
        return url
    }

    @Test func aSecondRunIntoTheSameFolderNeedsResumeOrForce() throws {
        let dir = try scratch("run-folder")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("scenes")
        _ = try TextModelSupport.writeTinyScene(in: data)
        let cfg = try config(in: dir, steps: 2), run = dir.appendingPathComponent("run")
        let cli = try CLIRunner()
        let base = ["train", "--data", data.path, "--out", run.path, "--config", cfg.path]
        let first = try cli.run(base)
        try #require(first.status == 0, "\(first.stderr)")
        let again = try cli.run(base)
        #expect(again.status != 0)
        #expect(again.stderr.contains("--resume") && again.stderr.contains("--force") && again.stderr.contains("checkpoint-000002"), "\(again.stderr)")
        let forced = try cli.run(base + ["--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stderr.contains("removed the previous run's"), "\(forced.stderr)")
        // --resume with latest.json gone: continues from the newest complete checkpoint and says so.
        try FileManager.default.removeItem(at: run.appendingPathComponent("latest.json"))
        let resumed = try cli.run(base + ["--resume", "--steps", "3"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("no latest.json") && resumed.stderr.contains("checkpoint-000002"), "\(resumed.stderr)")
        #expect(resumed.stdout.contains("trained to step 3"), "\(resumed.stdout)")
        // --resume where nothing was ever trained stops instead of starting at step 0.
        let empty = try cli.run(["train", "--data", data.path, "--out", dir.appendingPathComponent("fresh").path,
                                 "--config", cfg.path, "--resume"])
        #expect(empty.status != 0)
        #expect(empty.stderr.contains("cannot resume") && empty.stderr.contains("no complete checkpoint"), "\(empty.stderr)")
    }

    /// Two trainers into one folder: the second stops naming the first's process, whether it starts anew or resumes;
    /// once the first is killed its lock is gone with it, and the folder can be trained into again.
    @Test func aSecondTrainerIntoARunningFolderIsRefused() throws {
        let dir = try scratch("run-lock")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("scenes")
        _ = try TextModelSupport.writeTinyScene(in: data)
        let run = dir.appendingPathComponent("run")
        let cli = try CLIRunner()
        let first = Process()
        first.executableURL = cli.executable
        first.arguments = ["train", "--data", data.path, "--out", run.path, "--config", try config(in: dir, steps: 1_000_000).path]
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL); first.waitUntilExit() } }
        // Wait until the first trainer is training (it has logged a step, so it holds the lock).
        let log = run.appendingPathComponent("log.jsonl")
        let deadline = Date().addingTimeInterval(120)
        while first.isRunning, Date() < deadline, ((try? Data(contentsOf: log))?.isEmpty ?? true) { usleep(50_000) }
        try #require(first.isRunning, "the first trainer stopped early (status \(first.terminationStatus))")
        let cfg = try config(in: dir, steps: 2).path
        for extra in [["--force"], ["--resume"]] {
            let second = try cli.run(["train", "--data", data.path, "--out", run.path, "--config", cfg] + extra)
            #expect(second.status != 0, "a second trainer (\(extra[0])) ran beside the first")
            #expect(second.stderr.contains("another process is training into \(run.path)")
                    && second.stderr.contains("pid \(first.processIdentifier) "), "\(second.stderr)")
        }
        #expect(first.isRunning, "the refused trainer stopped the first one")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let after = try cli.run(["train", "--data", data.path, "--out", run.path, "--config", cfg, "--force"])
        #expect(after.status == 0, "a killed trainer left its folder locked: \(after.stderr)")
    }

    @Test func aLabelThatCannotBeEmbeddedIsNamed() throws {
        let dir = try scratch("label-no-model")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("scenes")
        _ = try TextModelSupport.writeTinyScene(in: data, viewLabels: ["chair", "zorblax gizmo", "table", "lamp"])
        let r = try CLIRunner().run(["train", "--data", data.path, "--out", dir.appendingPathComponent("run").path,
                                     "--config", try config(in: dir, steps: 1).path,
                                     "--text-model", dir.appendingPathComponent("absent").path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("\"zorblax gizmo\"") && r.stderr.contains("scene_0000"), "\(r.stderr)")
    }
}
