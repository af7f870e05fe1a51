import Foundation
import Testing

/// A fresh temporary directory per test, removed when the value is deinitialised.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("sceneio-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
}

/// Runs a Python 3 snippet (numpy is installed by tools/setup.sh) and returns its output.
enum Python {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ script: String, arguments: [String] = []) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs `script` and records a test issue (with Python's stderr) unless it exits 0.
    @discardableResult
    static func check(_ script: String, arguments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let output = try run(script, arguments: arguments)
        #expect(output.status == 0, "python failed: \(output.stderr)", sourceLocation: sourceLocation)
        return output.stdout
    }
}

