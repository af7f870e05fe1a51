/// Errors raised by tensor operations on user-supplied shapes and files.
public enum TensorError: Error, Equatable {
    /// An operation got a tensor of the wrong shape.
    case shapeMismatch(op: String, expected: [Int], actual: [Int])
    /// A tensor was built from a value array whose length is not the product of the shape.
    case elementCountMismatch(op: String, shape: [Int], count: Int)
    /// A file could not be read or written.
    case fileUnreadable(path: String, reason: String)
    case fileUnwritable(path: String, reason: String)
    /// A safetensors file is malformed.
    case invalidSafetensors(path: String, reason: String)
    /// A tensor the caller asked for is not in the file.
    case missingTensor(name: String, path: String)
    /// A safetensors dtype this library does not read (it reads F32, F16, BF16, F64).
    case unsupportedDType(name: String, dtype: String, path: String)
}
