import Foundation

/// The value checks every contract type runs on read. They are plain `if … throw`, so they hold in release
/// builds (which compile SceneIO with `-Ounchecked`, where `precondition` and overflow checks vanish).
enum ContractCheck {
    /// The array's shape matched against `pattern` (nil = any extent) and its dtype against `dtypes`.
    @discardableResult
    static func shape(_ array: NpyArray, _ pattern: [Int?], dtypes: [NpyDType], file: URL) throws(SceneContractError) -> [Int] {
        let matches = array.shape.count == pattern.count && zip(array.shape, pattern).allSatisfy { $1 == nil || $0 == $1 }
        guard matches, dtypes.contains(array.dtype) else {
            let dims = pattern.map { $0.map(String.init) ?? "_" }.joined(separator: ", ")
            throw .shape(file: file, expected: dtypes.map(\.rawValue).joined(separator: " or ") + " [\(dims)]",
                         actual: "\(array.dtype.rawValue) \(array.shape)")
        }
        return array.shape
    }

    /// Throws at the first NaN or infinity.
    static func finite(_ values: [Float], file: URL) throws(SceneContractError) {
        var bad = -1
        values.withUnsafeBufferPointer { buffer in
            for i in buffer.indices where !buffer[i].isFinite { bad = i; break }
        }
        if bad >= 0 { throw .nonFinite(file: file, index: bad, value: values[bad]) }
    }

    /// Largest coordinate magnitude in metres: a room is metres wide; 1e30 would overflow voxel and grid indices.
    static let coordinateLimit: Float = 1e4
    /// Largest pixel coordinate magnitude (images are at most 65536 wide).
    static let pixelLimit: Float = 1e6

    /// Throws at the first NaN, infinity or value beyond ±`limit`.
    static func bounded(_ values: [Float], limit: Float, file: URL) throws(SceneContractError) {
        try finite(values, file: file)
        var bad = -1
        values.withUnsafeBufferPointer { buffer in
            for i in buffer.indices where abs(buffer[i]) > limit { bad = i; break }
        }
        if bad >= 0 { throw .tooLarge(file: file, index: bad, value: values[bad], limit: limit) }
    }

    /// Throws at the first value outside `lower..<upper`.
    static func range(_ values: [Int32], _ lower: Int64, _ upper: Int64, file: URL) throws(SceneContractError) {
        var bad = -1
        values.withUnsafeBufferPointer { buffer in
            for i in buffer.indices where Int64(buffer[i]) < lower || Int64(buffer[i]) >= upper { bad = i; break }
        }
        if bad >= 0 { throw .outOfRange(file: file, index: bad, value: Int64(values[bad]), valid: "\(lower)..<\(upper)") }
    }

    /// CSR offsets: at least one entry, first 0, never decreasing, last `total`.
    static func offsets(_ offsets: [Int64], total: Int, file: URL) throws(SceneContractError) {
        guard let first = offsets.first else { throw .length(file: file, expected: 1, actual: 0, against: "offsets hold rows + 1 entries") }
        guard first == 0 else { throw .notMonotone(file: file, index: 0, value: first, previous: 0) }
        for i in 1..<offsets.count where offsets[i] < offsets[i - 1] {
            throw .notMonotone(file: file, index: i, value: offsets[i], previous: offsets[i - 1])
        }
        if let last = offsets.last, last != Int64(total) {
            throw .notMonotone(file: file, index: offsets.count - 1, value: last, previous: Int64(total))
        }
    }

    /// A CSR pair (`offsets` of `offsetsFile`, `values` of `valuesFile`): the offsets run from 0 to the value count
    /// without decreasing, and every value lies in `lower..<upper`.
    static func csr(_ offsets: [Int64], _ values: [Int32], in lower: Int64, _ upper: Int64, files offsetsFile: URL, _ valuesFile: URL) throws(SceneContractError) {
        try Self.offsets(offsets, total: values.count, file: offsetsFile)
        try range(values, lower, upper, file: valuesFile)
    }

    /// `count` must equal `expected`.
    static func length(_ count: Int, _ expected: Int, file: URL, against: String) throws(SceneContractError) {
        if count != expected { throw .length(file: file, expected: expected, actual: count, against: against) }
    }

    /// The elements of an int32 or int64 `array` as `Int32`; an int64 value outside the int32 range is refused
    /// with its index (numpy writes int64 by default, so a user's label arrays often arrive that way).
    static func narrowedInt32s(_ array: NpyArray, file: URL) throws(SceneContractError) -> [Int32] {
        guard array.dtype == .int64 else { return try values { () throws(SceneIOError) in try array.int32s() } }
        let wide = try values { () throws(SceneIOError) in try array.int64s() }
        var bad = -1
        wide.withUnsafeBufferPointer { buffer in
            for i in buffer.indices where buffer[i] < Int64(Int32.min) || buffer[i] > Int64(Int32.max) { bad = i; break }
        }
        if bad >= 0 { throw .outOfRange(file: file, index: bad, value: wide[bad], valid: "\(Int32.min)...\(Int32.max)") }
        return wide.map { Int32($0) }
    }

    /// Converts typed-accessor failures (wrong dtype) into contract errors.
    static func values<T>(_ body: () throws(SceneIOError) -> T) throws(SceneContractError) -> T {
        do { return try body() } catch { throw .io(error) }
    }
}
