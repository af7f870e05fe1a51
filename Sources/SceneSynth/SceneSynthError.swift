import Foundation

/// Everything that can go wrong while synthesising or writing a synthetic RGB-D video.
public enum SceneSynthError: Error, Equatable, CustomStringConvertible {
    /// An option is outside its valid range.
    case invalidOption(name: String, value: String, expected: String)
    /// A preset name that is not one of the known presets.
    case unknownPreset(name: String, known: [String])
    /// The room is too small for the requested furniture or for a camera path.
    case layoutFailed(seed: UInt64, reason: String)
    /// A category name is not in the ScanNet200 table used by the synthesiser.
    case unknownCategory(name: String)
    /// Writing an output file failed.
    case writeFailed(path: String, reason: String)
    /// A JSON override file could not be read or decoded.
    case unreadableOptions(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidOption(name, value, expected):
            return "invalid option \(name) = \(value); expected \(expected)"
        case let .unknownPreset(name, known):
            return "unknown preset '\(name)'; known presets: \(known.joined(separator: ", "))"
        case let .layoutFailed(seed, reason):
            return "room layout failed for seed \(seed): \(reason)"
        case let .unknownCategory(name):
            return "unknown category '\(name)'"
        case let .writeFailed(path, reason):
            return "could not write \(path): \(reason)"
        case let .unreadableOptions(path, reason):
            return "could not read options from \(path): \(reason)"
        }
    }
}
