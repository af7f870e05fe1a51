import Foundation

/// A dense, contiguous, row-major array of `float32` or `float64` values.
///
/// A `Tensor` is a value: operations return new tensors, and the mutating methods copy the buffer first unless it
/// is uniquely referenced. Views are free where they need no strides: `reshaped(_:)` and `rows(_:)` (a range of
/// the first axis) share the buffer. Everything else that rearranges elements copies.
///
/// Differentiable computation goes through a ``Tape`` and ``Var``; `Tensor` itself knows nothing about gradients.
///
/// `Sendable` is sound because a buffer is only ever written while uniquely referenced (copy-on-write through
/// `makeUnique()`) or while being filled right after allocation, before any other reference exists.
public struct Tensor: @unchecked Sendable {
    /// Extent of each axis; `[]` is a scalar.
    public let shape: [Int]
    /// Number of elements, the product of `shape`.
    public let count: Int
    var storage: Storage
    /// First element's index into `storage`, in elements.
    let offset: Int

    /// Element type.
    public var dtype: DType { storage.dtype }
    /// Number of axes.
    public var rank: Int { shape.count }
    /// Row-major strides in elements; the last axis has stride 1.
    public var strides: [Int] { Tensor.contiguousStrides(shape) }

    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc *= shape[i]
        }
        return s
    }

    /// A tensor with unspecified contents (internal: every caller overwrites all elements).
    init(uninitialized shape: [Int], dtype: DType) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        self.shape = shape
        count = shape.reduce(1, *)
        storage = Storage(count: count, dtype: dtype)
        offset = 0
    }

    init(shape: [Int], storage: Storage, offset: Int) {
        self.shape = shape
        count = shape.reduce(1, *)
        self.storage = storage
        self.offset = offset
    }

    /// A tensor of `shape` filled with `value`.
    public init(repeating value: Double, shape: [Int], dtype: DType = .float32) {
        self.init(uninitialized: shape, dtype: dtype)
        let n = count
        switch dtype {
        case .float32: pointer(Float.self).update(repeating: Float(value), count: n)
        case .float64: pointer(Double.self).update(repeating: value, count: n)
        }
    }

    /// Zeros of `shape`.
    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        Tensor(repeating: 0, shape: shape, dtype: dtype)
    }

    /// A tensor from row-major `values`; throws if `values.count` is not the product of `shape`.
    public init(_ values: [Float], shape: [Int], dtype: DType = .float32) throws(TensorError) {
        try self.init(converting: values, shape: shape, dtype: dtype)
    }

    /// A tensor from row-major `values`; throws if `values.count` is not the product of `shape`.
    public init(_ values: [Double], shape: [Int], dtype: DType = .float32) throws(TensorError) {
        try self.init(converting: values, shape: shape, dtype: dtype)
    }

    /// The body of both public array initialisers: a plain copy when `Element` is the storage type, else an
    /// element-wise conversion.
    private init<Element: TensorScalar>(converting values: [Element], shape: [Int], dtype: DType) throws(TensorError) {
        let n = shape.reduce(1, *)
        guard n == values.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw .elementCountMismatch(op: "Tensor.init", shape: shape, count: values.count)
        }
        self.init(uninitialized: shape, dtype: dtype)
        func fill<Stored: TensorScalar>(_ p: UnsafeMutablePointer<Stored>) {
            values.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress else { return }
                if Element.self == Stored.self {
                    base.withMemoryRebound(to: Stored.self, capacity: n) { p.update(from: $0, count: n) }
                } else {
                    for i in 0..<n { p[i] = Stored(base[i]) }
                }
            }
        }
        switch dtype {
        case .float32: fill(pointer(Float.self))
        case .float64: fill(pointer(Double.self))
        }
    }

    /// A rank-0 tensor.
    public init(scalar: Double, dtype: DType = .float32) {
        self.init(repeating: scalar, shape: [], dtype: dtype)
    }

    /// Typed pointer to the first element. `T` must match `dtype`.
    @inline(__always) func pointer<T: TensorScalar>(_: T.Type) -> UnsafeMutablePointer<T> {
        precondition(T.dtype == storage.dtype, "Tensor: accessed \(storage.dtype) storage as \(T.dtype)")
        return storage.raw.assumingMemoryBound(to: T.self) + offset
    }

    /// The elements as `Float`, row-major.
    public func floats() -> [Float] {
        switch dtype {
        case .float32: return Array(UnsafeBufferPointer(start: pointer(Float.self), count: count))
        case .float64: return UnsafeBufferPointer(start: pointer(Double.self), count: count).map { Float($0) }
        }
    }

    /// The elements as `Double`, row-major.
    public func doubles() -> [Double] {
        switch dtype {
        case .float32: return UnsafeBufferPointer(start: pointer(Float.self), count: count).map { Double($0) }
        case .float64: return Array(UnsafeBufferPointer(start: pointer(Double.self), count: count))
        }
    }

    /// Element `i` of the row-major flattening.
    public subscript(flat i: Int) -> Double {
        get {
            precondition(i >= 0 && i < count, "Tensor[flat:]: index \(i) out of range 0..<\(count)")
            switch dtype {
            case .float32: return Double(pointer(Float.self)[i])
            case .float64: return pointer(Double.self)[i]
            }
        }
        set {
            precondition(i >= 0 && i < count, "Tensor[flat:]: index \(i) out of range 0..<\(count)")
            makeUnique()
            switch dtype {
            case .float32: pointer(Float.self)[i] = Float(newValue)
            case .float64: pointer(Double.self)[i] = newValue
            }
        }
    }

    /// The single element of a one-element tensor.
    public var scalar: Double { self[flat: 0] }

    /// Copies the buffer if another tensor shares it, so that in-place writes stay local.
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) || storage.capacity != count || offset != 0 { self = copy() }
    }

    /// A copy in a fresh buffer.
    public func copy() -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: dtype)
        out.storage.raw.copyMemory(from: storage.raw + offset * dtype.byteSize, byteCount: count * dtype.byteSize)
        return out
    }

    /// The same elements converted to `dtype`.
    public func converted(to target: DType) -> Tensor {
        if target == dtype { return self }
        let out = Tensor(uninitialized: shape, dtype: target)
        switch (dtype, target) {
        case (.float32, .float64):
            let s = pointer(Float.self), d = out.pointer(Double.self)
            for i in 0..<count { d[i] = Double(s[i]) }
        default:
            let s = pointer(Double.self), d = out.pointer(Float.self)
            for i in 0..<count { d[i] = Float(s[i]) }
        }
        return out
    }

    /// The same buffer under another shape with the same element count (free). Throws on a count mismatch.
    public func reshaped(_ newShape: [Int]) throws(TensorError) -> Tensor {
        guard newShape.reduce(1, *) == count, newShape.allSatisfy({ $0 >= 0 }) else {
            throw .shapeMismatch(op: "reshape", expected: shape, actual: newShape)
        }
        return Tensor(shape: newShape, storage: storage, offset: offset)
    }

    /// Rows `range` of the first axis, sharing the buffer (free).
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "Tensor.rows: range \(range) outside first axis of \(shape)")
        let inner = count / max(shape[0], 1)
        return Tensor(shape: [range.count] + shape.dropFirst(), storage: storage, offset: offset + range.lowerBound * inner)
    }

    /// Adds `other` (same shape) in place: used to accumulate gradients.
    public mutating func add(_ other: Tensor) {
        precondition(other.shape == shape, "Tensor.add: shapes \(shape) and \(other.shape) differ")
        makeUnique()
        let n = count
        switch dtype {
        case .float32:
            let d = pointer(Float.self), s = other.converted(to: .float32).pointer(Float.self)
            for i in 0..<n { d[i] += s[i] }
        case .float64:
            let d = pointer(Double.self), s = other.converted(to: .float64).pointer(Double.self)
            for i in 0..<n { d[i] += s[i] }
        }
    }

    /// Multiplies every element by `factor` in place.
    public mutating func scale(by factor: Double) {
        makeUnique()
        let n = count
        switch dtype {
        case .float32:
            let d = pointer(Float.self), f = Float(factor)
            for i in 0..<n { d[i] *= f }
        case .float64:
            let d = pointer(Double.self)
            for i in 0..<n { d[i] *= factor }
        }
    }

    /// Sum of squares of all elements, accumulated in Double.
    public func squaredNorm() -> Double {
        var acc = 0.0
        switch dtype {
        case .float32:
            let p = pointer(Float.self)
            var partial: Float = 0
            for i in 0..<count {
                partial += p[i] * p[i]
                if i & 4095 == 4095 { acc += Double(partial); partial = 0 }
            }
            acc += Double(partial)
        case .float64:
            let p = pointer(Double.self)
            for i in 0..<count { acc += p[i] * p[i] }
        }
        return acc
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let head = doubles().prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor(\(dtype), shape: \(shape), [\(head)\(count > 8 ? ", …" : "")])"
    }
}
