import Foundation
import Testing

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

    struct NotFound: Error, CustomStringConvertible {
        let searched: [String]
        var description: String {
            "ovseg3r executable not found (run `swift build --build-tests`); searched: \(searched.joined(separator: ", "))"
        }
    }

    let executable: URL

    init() throws {
        executable = try Self.locate()
    }

    static func locate() throws -> URL {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["OVSEG3R_BIN"] {
            candidates.append(URL(fileURLWithPath: path))
        }
        var productDirectories: [URL] = []
        if let executable = Bundle.main.executableURL { productDirectories.append(executable.deletingLastPathComponent()) }
        productDirectories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        productDirectories.append(Bundle.main.bundleURL)
        if let first = CommandLine.arguments.first {
            productDirectories.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        candidates += productDirectories.map { $0.appendingPathComponent("ovseg3r") }
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<6 {
            candidates.append(directory.appendingPathComponent(".build/debug/ovseg3r"))
            candidates.append(directory.appendingPathComponent(".build/release/ovseg3r"))
            directory.deleteLastPathComponent()
        }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
        }
        throw NotFound(searched: candidates.map(\.path))
    }

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

/// A temporary directory removed when the value goes away.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("cli-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
}
