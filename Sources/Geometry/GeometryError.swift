/// Errors raised by the geometry layer and by the CBridge solvers it wraps.
public enum GeometryError: Error, Equatable, CustomStringConvertible {
    /// A C bridge call failed; `status` is the C status code and `message` is `cb_last_error()`.
    case bridgeFailure(function: String, status: Int32, message: String)

    public var description: String {
        switch self {
        case let .bridgeFailure(function, status, message):
            return "\(function) failed with status \(status): \(message)"
        }
    }
}
