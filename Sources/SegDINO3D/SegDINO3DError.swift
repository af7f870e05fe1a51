/// Errors of the SegDINO3D model: bad inputs or configurations, each naming what was given and what was expected.
public enum SegDINO3DError: Error, Equatable, CustomStringConvertible {
    /// An input array has the wrong shape.
    case shapeMismatch(input: String, expected: [Int], actual: [Int])
    /// A configuration value is out of range.
    case invalidConfiguration(field: String, value: String, reason: String)
    /// A superpoint id outside `0..<superpointCount`.
    case superpointOutOfRange(index: Int, id: Int32, count: Int)
    /// The scene has nothing to predict from.
    case emptyScene(reason: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(input, expected, actual):
            return "SegDINO3D: \(input) has shape \(actual), expected \(expected) (-1 = any)"
        case let .invalidConfiguration(field, value, reason):
            return "SegDINO3D: configuration \(field) = \(value) is invalid: \(reason)"
        case let .superpointOutOfRange(index, id, count):
            return "SegDINO3D: point \(index) has superpoint id \(id), outside 0..<\(count)"
        case let .emptyScene(reason):
            return "SegDINO3D: empty scene: \(reason)"
        }
    }
}
