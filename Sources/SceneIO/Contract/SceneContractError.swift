import Foundation

/// Why a scene artefact failed the scene contract (docs/SCENE_FORMAT.md). Every case names the file and, where
/// one value is at fault, its flat index and the value, so a user can find it with numpy.
public enum SceneContractError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read or written at all (bad `.npy`, manifest mismatch, disk full...).
    case io(SceneIOError)
    /// A file the artefact needs is absent; `producedBy` is the command that writes it.
    case missing(folder: URL, file: String, producedBy: String)
    /// The array's dtype or shape is not the contract's.
    case shape(file: URL, expected: String, actual: String)
    /// The array's length disagrees with another count (`against` names it: "points in coord.npy", ...).
    case length(file: URL, expected: Int, actual: Int, against: String)
    /// The value at flat index `index` lies outside `valid` (e.g. "0..<1200").
    case outOfRange(file: URL, index: Int, value: Int64, valid: String)
    /// A float at flat index `index` is NaN or infinite.
    case nonFinite(file: URL, index: Int, value: Float)
    /// A finite float at flat index `index` exceeds the contract's magnitude `limit` (coordinates: 1e4 m, pixels: 1e6).
    case tooLarge(file: URL, index: Int, value: Float, limit: Float)
    /// An offsets array decreases at `index` (or does not start at 0 / end at the row total).
    case notMonotone(file: URL, index: Int, value: Int64, previous: Int64)
    /// Superpoint ids must be 0..<S with every id used; `missingID` has no point.
    case notDense(file: URL, missingID: Int, count: Int)
    /// A JSON file's field holds a value the contract does not allow.
    case invalidField(file: URL, field: String, value: String, expected: String)
    /// A stage's recorded options differ from the requested ones.
    case stageOptionsChanged(folder: URL, stage: String, option: String, recorded: String, requested: String)

    public var description: String {
        switch self {
        case let .io(error):
            return "\(error)"
        case let .missing(folder, file, producedBy):
            return "\(folder.path): \(file) is missing (written by `ovseg3r \(producedBy)`)"
        case let .shape(file, expected, actual):
            return "\(file.path): expected \(expected), found \(actual)"
        case let .length(file, expected, actual, against):
            return "\(file.path): length \(actual), expected \(expected) (\(against))"
        case let .outOfRange(file, index, value, valid):
            return "\(file.path)[\(index)] = \(value) is outside \(valid)"
        case let .nonFinite(file, index, value):
            return "\(file.path)[\(index)] = \(value) is not finite"
        case let .tooLarge(file, index, value, limit):
            return "\(file.path)[\(index)] = \(value) exceeds ±\(limit)"
        case let .notMonotone(file, index, value, previous):
            return "\(file.path)[\(index)] = \(value) breaks the offsets (previous \(previous); offsets start at 0, never decrease and end at the row total)"
        case let .notDense(file, missingID, count):
            return "\(file.path): superpoint id \(missingID) has no point (ids must be dense 0..<\(count))"
        case let .invalidField(file, field, value, expected):
            return "\(file.path): \(field) = \(value), expected \(expected)"
        case let .stageOptionsChanged(folder, stage, option, recorded, requested):
            return "\(folder.path): stage \(stage) was made with \(option) \(recorded), now \(requested) was asked for"
        }
    }
}
