import Foundation
import _TestSupport
import Testing

/// Shared pieces of the prepare, adapter and batch-runner tests: the repository's `tools/`, a `python3` runner,
/// and tiny synthetic videos.
enum PrepareTestSupport {
    /// `tools/` of this checkout (the tests run the scripts in place).
    static let tools = Repository.tools

    /// Runs `python3 arguments...` to completion, output through files (no pipe dead-lock).
    static func python(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIRunner.Result {
        let scratch = try TemporaryDirectory("cli-tests")
        let outURL = scratch.file("stdout"), errURL = scratch.file("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return CLIRunner.Result(status: process.terminationStatus,
                                stdout: try String(contentsOf: outURL, encoding: .utf8),
                                stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// Whether `python3 -c 'import MODULE'` works.
    static func canImport(_ module: String) -> Bool {
        (try? python(["-c", "import \(module)"]).status) == 0
    }

    /// `count` tiny SceneSynth videos (64×48, `frames` frames, with pred2d) in `folder/scene_NNNN`.
    /// One tiny synthesised room prepared by `ovseg3r prepare` into `scratch/scenes/room_a`; returns `scratch/scenes`.
    static func preparedRoom(_ cli: CLIRunner, in scratch: TemporaryDirectory) throws -> URL {
        let video = try synthVideos(cli, in: scratch.file("videos"), count: 1, frames: 8)[0]
        let scenes = scratch.file("scenes")
        let prepared = try cli.run(["prepare", video.path, "--out", scenes.appendingPathComponent("room_a").path])
        try #require(prepared.status == 0, "prepare failed: \(prepared.stderr.suffix(3000))")
        return scenes
    }

    static func synthVideos(_ cli: CLIRunner, in folder: URL, count: Int, frames: Int = 8, seed: Int = 5) throws -> [URL] {
        try cli.succeed(["synth", "--out", folder.path, "--scenes", "\(count)", "--frames", "\(frames)",
                         "--preset", "tiny", "--seed", "\(seed)"])
        return (0..<count).map { folder.appendingPathComponent(String(format: "scene_%04d", $0)) }
    }

    /// The JSON object printed on the last non-empty line of `text`.
    static func lastJSONObject(_ text: String) throws -> [String: Any] {
        let line = try #require(text.split(separator: "\n").last { !$0.isEmpty }, "no output")
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(line)")
    }
}
