/// Errors raised by tensor operations on user-supplied shapes and files.
public enum TensorError: Error, Equatable {
    case shapeMismatch(op: String, expected: [Int], actual: [Int])
}
