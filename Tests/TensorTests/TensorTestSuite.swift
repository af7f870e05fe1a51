import Foundation
import Testing
@testable import Tensor

/// Every tensor test runs inside this serialized suite: the tests share `BufferPool.shared`, and the memory
/// test reads its counters, so no other test may allocate at the same time.
@Suite(.serialized) struct TensorTestSuite {}

/// Runs `python3` on `script` with `input` on stdin and returns stdout; records an issue on failure.
func runPython(_ script: String, input: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    let err = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "python3 failed: \(String(decoding: err, as: UTF8.self))", sourceLocation: sourceLocation)
    return String(decoding: out, as: UTF8.self)
}

/// Largest absolute difference between two equally long arrays (∞ if the lengths differ).
func maxAbsDiff(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
}

/// A unique path in the temporary directory.
func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "tensor-test-\(UUID().uuidString)-\(name)"
}
