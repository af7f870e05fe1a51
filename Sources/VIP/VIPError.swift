import Foundation
import Support

/// Errors of the lifting and view-partition stage. Every case names the file or field and states what was
/// found against what was expected.
public enum VIPError: Error, Equatable, CustomStringConvertible {
    /// An input array has the wrong length.
    case sizeMismatch(field: String, expected: Int, actual: Int)
    /// An index (query seed, superpoint, view) is out of range.
    case indexOutOfRange(field: String, index: Int, count: Int)
    /// A scene or video file is missing or unreadable; `reason` carries the reader's message.
    case unreadableInput(url: URL, reason: String)
    /// The output could not be written.
    case unwritableOutput(url: URL, reason: String)
    /// A stage that must run first has not (e.g. `superpoints.npy` missing before `lift`).
    case missingStage(url: URL, file: String, run: String)
    /// The scene has no views (`sp_view_offsets.npy` has no rows), so there is nothing to fuse.
    case noViews(url: URL)
    /// An option is outside its allowed range.
    case invalidOption(name: String, value: Double, allowed: String)

    public var description: String {
        switch self {
        case let .sizeMismatch(field, expected, actual):
            return "\(field) has \(actual) entries, expected \(expected)"
        case let .indexOutOfRange(field, index, count):
            return "\(field) refers to index \(index), valid 0..<\(count)"
        case let .unreadableInput(url, reason):
            return ErrorText.located(url.path, reason)
        case let .unwritableOutput(url, reason):
            return "\(url.path): cannot write: \(reason)"
        case let .missingStage(url, file, run):
            return "\(url.path): \(file) is missing; run `\(run)` first"
        case let .invalidOption(name, value, allowed):
            return "\(name) is \(value), allowed \(allowed)"
        case let .noViews(url):
            return "\(url.path): sp_view_offsets.npy lists no views; the scene has nothing to fuse"
        }
    }
}
