import Foundation
import Support

/// Errors raised while reading predictions, ground truth or class lists for evaluation, and while
/// writing results. Every case names the file (and line or field) and says what was expected.
public enum EvalError: Error, Equatable, CustomStringConvertible {
    /// A text file whose `line` (1-based) does not follow the expected format.
    case malformedFile(url: URL, line: Int, reason: String)
    /// A file that could not be read at all (missing, unreadable, wrong array type).
    case unreadable(url: URL, reason: String)
    /// A per-point file whose point count differs from the scene's ground truth.
    case pointCountMismatch(url: URL, expected: Int, actual: Int)
    /// A prediction file without a ground-truth scene of the same name.
    case missingGroundTruth(scene: String, expectedAt: URL)
    /// A prediction folder without any `<scene>.txt` file.
    case noPredictions(folder: URL)
    /// Ground-truth scenes without a prediction file, under `MissingPredictions.error`.
    case scenesWithoutPredictions(folder: URL, scenes: [String])
    /// A class list or class group that cannot be used, e.g. an id below 1.
    case invalidClasses(source: String, reason: String)
    /// A command-line or options value out of range.
    case invalidOption(name: String, value: String, expected: String)
    /// A result or report file that could not be written.
    case unwritable(url: URL, reason: String)

    public var description: String {
        switch self {
        case let .malformedFile(url, line, reason):
            return "\(url.path):\(line): \(reason)"
        case let .unreadable(url, reason):
            return ErrorText.located(url.path, reason)
        case let .pointCountMismatch(url, expected, actual):
            return "\(url.path): has \(actual) points (lines), but the scene's ground truth has \(expected)"
        case let .missingGroundTruth(scene, expectedAt):
            return "scene \(scene): no ground truth at \(expectedAt.path) (expected <scene>.txt or <scene>/instance.npy + semantic.npy)"
        case let .noPredictions(folder):
            return "\(folder.path): no prediction files <scene>.txt found"
        case let .scenesWithoutPredictions(folder, scenes):
            let shown = scenes.prefix(5).joined(separator: ", ") + (scenes.count > 5 ? ", …" : "")
            return "\(folder.path): no predictions for \(scenes.count) ground-truth scene(s) (\(shown)); "
                + "predict them, or evaluate them as scenes without predictions (--missing count)"
        case let .invalidClasses(source, reason):
            return "\(source): \(reason)"
        case let .invalidOption(name, value, expected):
            return "option \(name) = \(value): expected \(expected)"
        case let .unwritable(url, reason):
            return "\(url.path): cannot write: \(reason)"
        }
    }
}
