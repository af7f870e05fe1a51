import Foundation
import Testing
import _TestSupport

/// Runs the built `ovseg3r` executable for end-to-end tests. Reusable by every module's CLI tests:
///
///     let cli = try CLIRunner()
///     let result = try cli.run(["info", path])
///     #expect(result.status == 0)
///
/// The executable is found, in order, from `$OVSEG3R_BIN`, next to the test bundle (SwiftPM puts
/// both in the same products folder), or in `.build/{debug,release}/` above the working directory.
/// `swift build --build-tests` (what `make test` runs) builds it.
struct CLIRunner {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    let executable: URL

    init() throws {
        executable = try Self.locate()
    }

    /// The built binary (`_TestSupport.builtExecutable`).
    static func locate() throws -> URL { try builtExecutable() }

    /// Runs `ovseg3r arguments...` to completion. Output goes through temporary files, so a command
    /// printing megabytes cannot dead-lock on a full pipe.
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Result(status: process.terminationStatus,
                      stdout: try String(contentsOf: outURL, encoding: .utf8),
                      stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// Runs and records an issue (with stderr) unless the command exits 0; returns stdout.
    @discardableResult
    func succeed(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments)
        #expect(result.status == 0, "ovseg3r \(arguments.joined(separator: " ")) failed: \(result.stderr)",
                sourceLocation: sourceLocation)
        return result.stdout
    }
}

