/// Element types of the `.npy` arrays the toolkit reads and writes. Always little-endian.
public enum NpyDType: String, Sendable, Equatable, CaseIterable, Codable {
    /// numpy `bool` (`|b1`), one byte per element, 0 or 1.
    case bool
    case uint8
    case uint16
    case int32
    case int64
    /// IEEE 754 half precision; read as `Float`.
    case float16
    case float32
    case float64

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .bool, .uint8: return 1
        case .uint16, .float16: return 2
        case .int32, .float32: return 4
        case .int64, .float64: return 8
        }
    }

    /// The numpy `descr` string written to headers, e.g. `<f4`.
    public var descr: String {
        switch self {
        case .bool: return "|b1"
        case .uint8: return "|u1"
        case .uint16: return "<u2"
        case .int32: return "<i4"
        case .int64: return "<i8"
        case .float16: return "<f2"
        case .float32: return "<f4"
        case .float64: return "<f8"
        }
    }

    /// Parses a numpy `descr`. Byte order `<`, `|` and `=` (native, little-endian on every platform
    /// the toolkit runs on) are accepted; returns nil for anything else, including big-endian `>`.
    public init?(descr: String) {
        guard let order = descr.first, "<|=".contains(order) else { return nil }
        let code = descr.dropFirst()
        guard let match = NpyDType.allCases.first(where: { $0.descr.dropFirst() == code }) else { return nil }
        self = match
    }
}

/// The typed elements of an `.npy` array. Float16 is kept as raw IEEE bit patterns so that the
/// value round-trips bit-exactly and the type compiles on every platform.
public enum NpyStorage: Sendable, Equatable {
    case bool([UInt8])
    case uint8([UInt8])
    case uint16([UInt16])
    case int32([Int32])
    case int64([Int64])
    case float16(bits: [UInt16])
    case float32([Float])
    case float64([Double])

    public var dtype: NpyDType {
        switch self {
        case .bool: return .bool
        case .uint8: return .uint8
        case .uint16: return .uint16
        case .int32: return .int32
        case .int64: return .int64
        case .float16: return .float16
        case .float32: return .float32
        case .float64: return .float64
        }
    }

    /// Number of elements.
    public var count: Int {
        switch self {
        case let .bool(v), let .uint8(v): return v.count
        case let .uint16(v), let .float16(v): return v.count
        case let .int32(v): return v.count
        case let .int64(v): return v.count
        case let .float32(v): return v.count
        case let .float64(v): return v.count
        }
    }

    /// Calls `body` with the little-endian bytes of the elements, without copying.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        // The storage arrays are native-endian; every supported platform is little-endian.
        switch self {
        case let .bool(v), let .uint8(v): return v.withUnsafeBytes(body)
        case let .uint16(v), let .float16(v): return v.withUnsafeBytes(body)
        case let .int32(v): return v.withUnsafeBytes(body)
        case let .int64(v): return v.withUnsafeBytes(body)
        case let .float32(v): return v.withUnsafeBytes(body)
        case let .float64(v): return v.withUnsafeBytes(body)
        }
    }

    /// Builds storage of `count` elements of `dtype`, letting `fill` write the raw little-endian
    /// bytes straight into the new array. `fill` returns how many bytes it wrote; fewer than
    /// `count * itemSize` leaves the tail zeroed and is reported back to the caller.
    static func make(
        dtype: NpyDType, count: Int, fill: (UnsafeMutableRawBufferPointer) -> Int
    ) -> (storage: NpyStorage, bytesFilled: Int) {
        var filled = 0
        func build<T: BitwiseCopyable>(_: T.Type) -> [T] {
            [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                let raw = UnsafeMutableRawBufferPointer(buffer)
                adviseHugePages(raw)
                filled = fill(raw)
                if filled < raw.count, let base = raw.baseAddress {
                    (base + filled).initializeMemory(as: UInt8.self, repeating: 0, count: raw.count - filled)
                }
                initialized = count
            }
        }
        let storage: NpyStorage
        switch dtype {
        case .bool: storage = .bool(build(UInt8.self))
        case .uint8: storage = .uint8(build(UInt8.self))
        case .uint16: storage = .uint16(build(UInt16.self))
        case .int32: storage = .int32(build(Int32.self))
        case .int64: storage = .int64(build(Int64.self))
        case .float16: storage = .float16(bits: build(UInt16.self))
        case .float32: storage = .float32(build(Float.self))
        case .float64: storage = .float64(build(Double.self))
        }
        return (storage, filled)
    }
}
