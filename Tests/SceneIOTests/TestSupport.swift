import _TestSupport
import Foundation
import Testing

/// Runs Python 3 snippets (numpy is installed by tools/setup.sh).
enum Python {
    static func run(_ script: String, arguments: [String] = []) throws -> ProcessOutput {
        try runProcess("python3", ["-c", script] + arguments)
    }

    /// Runs `script` and records a test issue (with Python's stderr) unless it exits 0.
    @discardableResult
    static func check(_ script: String, arguments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let output = try run(script, arguments: arguments)
        #expect(output.status == 0, "python failed: \(output.stderr)", sourceLocation: sourceLocation)
        return output.stdout
    }
}

