/// Errors raised by the geometry layer and by the CBridge solvers it wraps.
public enum GeometryError: Error, Equatable, CustomStringConvertible {
    /// A C bridge call failed; `status` is the C status code and `message` is `cb_last_error()`.
    case bridgeFailure(function: String, status: Int32, message: String)
    /// An argument is outside its valid range, e.g. a non-positive focal length.
    case invalidArgument(name: String, value: String, expected: String)
    /// An array has the wrong number of elements.
    case sizeMismatch(name: String, expected: Int, actual: Int)
    /// An input array holds a NaN or an infinity at `index` (the element index into the flat array).
    case nonFinite(name: String, index: Int)
    /// A 4×4 matrix is not a rigid transform: `property` measured `actual`, allowed `tolerance`.
    case notRigid(property: String, actual: Double, tolerance: Double)

    public var description: String {
        switch self {
        case let .bridgeFailure(function, status, message):
            return "\(function) failed with status \(status): \(message)"
        case let .invalidArgument(name, value, expected):
            return "invalid \(name) = \(value); expected \(expected)"
        case let .sizeMismatch(name, expected, actual):
            return "\(name) has \(actual) elements; expected \(expected)"
        case let .nonFinite(name, index):
            return "\(name) holds a non-finite value at index \(index)"
        case let .notRigid(property, actual, tolerance):
            return "matrix is not rigid: \(property) = \(actual), tolerance \(tolerance)"
        }
    }
}
