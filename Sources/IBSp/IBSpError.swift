import Foundation
import Support

/// Errors of the superpoint stage. Every case names the file or field and states what was found
/// against what was expected.
public enum IBSpError: Error, Equatable, CustomStringConvertible {
    /// An option is out of range.
    case invalidOption(name: String, value: String, expected: String)
    /// An input array has the wrong length (e.g. `normals` with 9 rows for 10 points).
    case sizeMismatch(field: String, expected: Int, actual: Int)
    /// A face or edge refers to a vertex that does not exist.
    case indexOutOfRange(field: String, index: Int, count: Int)
    /// A scene or video file is missing or unreadable; `reason` carries the reader's message.
    case unreadableInput(url: URL, reason: String)
    /// The output could not be written.
    case unwritableOutput(url: URL, reason: String)
    /// The scene holds no `pred2d` masks for IBSp (mode ibsp needs a video folder with `pred2d/masks`).
    case missing2DMasks(url: URL)

    public var description: String {
        switch self {
        case let .invalidOption(name, value, expected):
            return "option \(name) is \(value), expected \(expected)"
        case let .sizeMismatch(field, expected, actual):
            return "\(field) has \(actual) entries, expected \(expected)"
        case let .indexOutOfRange(field, index, count):
            return "\(field) refers to index \(index), valid 0..<\(count)"
        case let .unreadableInput(url, reason):
            return ErrorText.located(url.path, reason)
        case let .unwritableOutput(url, reason):
            return "\(url.path): cannot write: \(reason)"
        case let .missing2DMasks(url):
            return "\(url.path): no pred2d/masks found; IBSp needs the 2D model output (or use --mode geometric)"
        }
    }
}
