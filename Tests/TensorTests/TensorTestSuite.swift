import _TestSupport
import Foundation
import Testing
@testable import Tensor

/// Every tensor test runs inside this serialized suite: the tests share `BufferPool.shared`, and the memory
/// test reads its counters, so no other test may allocate at the same time.
@Suite(.serialized) struct TensorTestSuite {}

/// Runs `python3` on `script` with `input` on stdin and returns stdout; records an issue on failure.
func runPython(_ script: String, input: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let output = try runProcess("python3", ["-c", script], input: input)
    #expect(output.status == 0, "python3 failed: \(output.stderr)", sourceLocation: sourceLocation)
    return output.stdout
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
