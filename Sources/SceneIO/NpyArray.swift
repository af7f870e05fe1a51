import Foundation

/// A dense, little-endian, C-order n-dimensional array as stored in a NumPy `.npy` file.
///
/// Invariant: `storage.count == shape.reduce(1, *)` (a 0-d array has shape `[]` and one element;
/// an array with a zero dimension has no elements).
public struct NpyArray: Sendable, Equatable {
    /// Dimensions, outermost first (C order), e.g. `[N, 3]` for points.
    public let shape: [Int]
    /// The elements in C order.
    public let storage: NpyStorage
    /// The file the array was read from, used only to name it in errors; ignored by `==`.
    public var source: URL?

    /// Wraps `storage` with `shape`; throws if the counts disagree or a dimension is negative.
    public init(shape: [Int], storage: NpyStorage, source: URL? = nil) throws(SceneIOError) {
        let name = source?.path ?? "array"
        guard let expected = NpyArray.elementCount(shape) else {
            throw .npyShapeMismatch(array: name, shape: shape, expectedCount: -1, actualCount: storage.count)
        }
        guard expected == storage.count else {
            throw .npyShapeMismatch(array: name, shape: shape, expectedCount: expected, actualCount: storage.count)
        }
        self.shape = shape
        self.storage = storage
        self.source = source
    }

    /// Wraps typed values, e.g. `NpyArray([Float](...), shape: [n, 3])`.
    public init<T: NpyElement>(_ values: [T], shape: [Int]) throws(SceneIOError) {
        try self.init(shape: shape, storage: T.storage(values))
    }

    /// A float16 array of `values` rounded to half precision (ties to even).
    public init(float16 values: [Float], shape: [Int]) throws(SceneIOError) {
        try self.init(shape: shape, storage: .float16(bits: values.map(HalfFloat.bits(from:))))
    }

    /// A 1-d array of `values`.
    public init<T: NpyElement>(_ values: [T]) {
        self.shape = [values.count]
        self.storage = T.storage(values)
        self.source = nil
    }

    public static func == (lhs: NpyArray, rhs: NpyArray) -> Bool {
        lhs.shape == rhs.shape && lhs.storage == rhs.storage
    }

    public var dtype: NpyDType { storage.dtype }
    /// Number of elements (product of `shape`).
    public var count: Int { storage.count }
    /// Number of dimensions.
    public var rank: Int { shape.count }

    /// Product of `shape`, or nil for a negative dimension or overflow.
    static func elementCount(_ shape: [Int]) -> Int? {
        var total = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            total = product
        }
        return total
    }

    private var name: String { source?.path ?? "array" }

    /// Checks the shape against a pattern where nil matches any size, e.g. `[nil, 3]` for [N, 3]
    /// points; returns the shape so callers can bind N. Throws `.npyUnexpectedShape` naming the file.
    @discardableResult
    public func requireShape(_ pattern: [Int?]) throws(SceneIOError) -> [Int] {
        let fits = pattern.count == shape.count && zip(pattern, shape).allSatisfy { $0.0 == nil || $0.0 == $0.1 }
        guard fits else {
            let expected = "[" + pattern.map { $0.map(String.init) ?? "_" }.joined(separator: ", ") + "]"
            throw .npyUnexpectedShape(array: name, expected: expected, actual: shape)
        }
        return shape
    }

    private func wrongType(_ requested: String) -> SceneIOError {
        .npyWrongDType(array: name, requested: requested, stored: dtype.rawValue)
    }
}

// MARK: - Typed accessors (lossless conversions only)

extension NpyArray {
    /// The elements as `Float`: float32 as stored, float16 widened exactly.
    public func floats() throws(SceneIOError) -> [Float] {
        switch storage {
        case let .float32(values): return values
        case let .float16(bits): return bits.map(HalfFloat.float(fromBits:))
        default: throw wrongType("float32")
        }
    }

    /// The elements as `Double`: float64 as stored, float32/float16 widened exactly.
    public func doubles() throws(SceneIOError) -> [Double] {
        switch storage {
        case let .float64(values): return values
        case let .float32(values): return values.map(Double.init)
        case let .float16(bits): return bits.map { Double(HalfFloat.float(fromBits: $0)) }
        default: throw wrongType("float64")
        }
    }

    /// The elements as `Int32`: int32 as stored; uint16, uint8 and bool widened.
    public func int32s() throws(SceneIOError) -> [Int32] {
        switch storage {
        case let .int32(values): return values
        case let .uint16(values): return values.map(Int32.init)
        case let .uint8(values), let .bool(values): return values.map(Int32.init)
        default: throw wrongType("int32")
        }
    }

    /// The elements as `Int64`: int64 as stored; int32, uint16, uint8 and bool widened.
    public func int64s() throws(SceneIOError) -> [Int64] {
        switch storage {
        case let .int64(values): return values
        case let .int32(values): return values.map(Int64.init)
        case let .uint16(values): return values.map(Int64.init)
        case let .uint8(values), let .bool(values): return values.map(Int64.init)
        default: throw wrongType("int64")
        }
    }

    /// The elements as `UInt16`: uint16 as stored; uint8 and bool widened.
    public func uint16s() throws(SceneIOError) -> [UInt16] {
        switch storage {
        case let .uint16(values): return values
        case let .uint8(values), let .bool(values): return values.map(UInt16.init)
        default: throw wrongType("uint16")
        }
    }

    /// The elements as `UInt8`: uint8 as stored, bool as 0/1.
    public func uint8s() throws(SceneIOError) -> [UInt8] {
        switch storage {
        case let .uint8(values), let .bool(values): return values
        default: throw wrongType("uint8")
        }
    }

    /// Raw IEEE half-precision bit patterns of a float16 array.
    public func float16Bits() throws(SceneIOError) -> [UInt16] {
        guard case let .float16(bits) = storage else { throw wrongType("float16") }
        return bits
    }
}

// MARK: - Element types

/// Swift element types that map one-to-one onto an `.npy` dtype.
public protocol NpyElement: Sendable {
    static var npyDType: NpyDType { get }
    static func storage(_ values: [Self]) -> NpyStorage
}

extension UInt8: NpyElement {
    public static var npyDType: NpyDType { .uint8 }
    public static func storage(_ values: [UInt8]) -> NpyStorage { .uint8(values) }
}

extension UInt16: NpyElement {
    public static var npyDType: NpyDType { .uint16 }
    public static func storage(_ values: [UInt16]) -> NpyStorage { .uint16(values) }
}

extension Int32: NpyElement {
    public static var npyDType: NpyDType { .int32 }
    public static func storage(_ values: [Int32]) -> NpyStorage { .int32(values) }
}

extension Int64: NpyElement {
    public static var npyDType: NpyDType { .int64 }
    public static func storage(_ values: [Int64]) -> NpyStorage { .int64(values) }
}

extension Float: NpyElement {
    public static var npyDType: NpyDType { .float32 }
    public static func storage(_ values: [Float]) -> NpyStorage { .float32(values) }
}

extension Double: NpyElement {
    public static var npyDType: NpyDType { .float64 }
    public static func storage(_ values: [Double]) -> NpyStorage { .float64(values) }
}
