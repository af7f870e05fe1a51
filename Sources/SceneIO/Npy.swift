import Foundation

/// Reading and writing NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
///
/// Reads go straight from the file into the typed element array (one copy, no per-element parsing);
/// writes stream the header and the element bytes into a temporary file renamed into place.
/// Only little-endian, C-order arrays of the `NpyDType` element types are accepted.
public enum Npy {
    // MARK: - Reading

    /// Reads the whole array at `url`.
    public static func read(_ url: URL) throws(SceneIOError) -> NpyArray {
        let file = try PosixFile(reading: url)
        let header = try readHeader(of: file)
        var failure: SceneIOError?
        let (storage, filled) = NpyStorage.make(dtype: header.dtype, count: header.count) { raw in
            guard let base = raw.baseAddress else { return 0 }
            switch Result(catching: { () throws(SceneIOError) in
                try file.read(into: base, count: raw.count, at: header.dataOffset)
            }) {
            case let .success(count): return count
            case let .failure(error): failure = error; return 0
            }
        }
        if let failure { throw failure }
        guard filled == header.dataByteCount else {
            throw .npyDataSizeMismatch(url: url, expectedBytes: header.dataByteCount, actualBytes: filled)
        }
        return try NpyArray(shape: header.shape, storage: storage, source: url)
    }

    /// Reads rows `rows` of the array at `url` (slices along the first axis, C order), touching only
    /// those bytes: e.g. a batch of points from a large `coord.npy` [N, 3]. The result has shape
    /// `[rows.count] + shape[1...]`.
    public static func read(_ url: URL, rows: Range<Int>) throws(SceneIOError) -> NpyArray {
        let file = try PosixFile(reading: url)
        let header = try readHeader(of: file)
        guard let first = header.shape.first, rows.lowerBound >= 0, rows.upperBound <= first else {
            throw .npyUnexpectedShape(array: url.path, expected: "at least \(rows.upperBound) rows for rows \(rows)",
                                      actual: header.shape)
        }
        let rowCount = NpyArray.elementCount(Array(header.shape.dropFirst())) ?? 0
        let count = rows.count * rowCount
        let start = header.dataOffset + rows.lowerBound * rowCount * header.dtype.itemSize
        var failure: SceneIOError?
        let (storage, filled) = NpyStorage.make(dtype: header.dtype, count: count) { raw in
            guard let base = raw.baseAddress else { return 0 }
            switch Result(catching: { () throws(SceneIOError) in try file.read(into: base, count: raw.count, at: start) }) {
            case let .success(n): return n
            case let .failure(error): failure = error; return 0
            }
        }
        if let failure { throw failure }
        guard filled == count * header.dtype.itemSize else {
            throw .npyDataSizeMismatch(url: url, expectedBytes: count * header.dtype.itemSize, actualBytes: filled)
        }
        return try NpyArray(shape: [rows.count] + header.shape.dropFirst(), storage: storage, source: url)
    }

    /// Reads only the header at `url` (dtype, shape) and checks that the data size matches it.
    public static func readHeader(_ url: URL) throws(SceneIOError) -> NpyHeader {
        try readHeader(of: PosixFile(reading: url))
    }

    private static func readHeader(of file: borrowing PosixFile) throws(SceneIOError) -> NpyHeader {
        var prefix = try file.readBytes(count: min(file.size, 256), at: 0)
        if let length = NpyHeader.declaredLength(prefix), length > prefix.count, length <= file.size {
            prefix = try file.readBytes(count: length, at: 0)
        }
        let header = try NpyHeader.parse(prefix, url: file.url)
        let actual = file.size - header.dataOffset
        guard actual == header.dataByteCount else {
            throw .npyDataSizeMismatch(url: file.url, expectedBytes: header.dataByteCount, actualBytes: actual)
        }
        return header
    }

    /// Decodes an in-memory `.npy` image; `url` only names the source in errors.
    public static func decode(_ bytes: [UInt8], url: URL) throws(SceneIOError) -> NpyArray {
        let header = try NpyHeader.parse(bytes, url: url)
        let actual = bytes.count - header.dataOffset
        guard actual == header.dataByteCount else {
            throw .npyDataSizeMismatch(url: url, expectedBytes: header.dataByteCount, actualBytes: actual)
        }
        let (storage, _) = NpyStorage.make(dtype: header.dtype, count: header.count) { raw in
            bytes.withUnsafeBytes { source in
                raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[header.dataOffset...]))
            }
            return raw.count
        }
        return try NpyArray(shape: header.shape, storage: storage, source: url)
    }

    // MARK: - Writing

    /// The complete `.npy` file image of `array` (header + data).
    public static func encode(_ array: NpyArray) -> [UInt8] {
        var bytes = NpyHeader.encode(dtype: array.dtype, shape: array.shape)
        array.storage.withUnsafeBytes { raw in bytes.append(contentsOf: raw) }
        return bytes
    }

    /// Writes `array` to `url` atomically (temporary sibling + rename).
    public static func write(_ array: NpyArray, to url: URL) throws(SceneIOError) {
        let header = NpyHeader.encode(dtype: array.dtype, shape: array.shape)
        try AtomicFile.write(to: url) { (sink: inout FileSink) throws(SceneIOError) in
            try sink.write(contentsOf: header)
            try sink.write(array.storage)
        }
    }

    /// Writes `values` with `shape` (C order) to `url`; the dtype follows the element type
    /// (`Float` → float32, `Double` → float64, `Int32` → int32, `Int64` → int64, `UInt8`, `UInt16`).
    public static func write<T: NpyElement>(_ values: [T], shape: [Int], to url: URL) throws(SceneIOError) {
        let array: NpyArray
        do { array = try NpyArray(values, shape: shape) } catch {
            throw .npyShapeMismatch(
                array: url.path, shape: shape,
                expectedCount: NpyArray.elementCount(shape) ?? -1, actualCount: values.count)
        }
        try write(array, to: url)
    }

    /// Writes raw little-endian element bytes (e.g. a tensor's buffer) without first copying them into
    /// an array; `bytes.count` must equal `product(shape) * dtype.itemSize`.
    public static func write(bytes: UnsafeRawBufferPointer, dtype: NpyDType, shape: [Int], to url: URL) throws(SceneIOError) {
        let count = NpyArray.elementCount(shape) ?? -1
        guard count >= 0, bytes.count == count * dtype.itemSize else {
            throw .npyShapeMismatch(array: url.path, shape: shape, expectedCount: count,
                                    actualCount: bytes.count / max(dtype.itemSize, 1))
        }
        let header = NpyHeader.encode(dtype: dtype, shape: shape)
        try AtomicFile.write(to: url) { (sink: inout FileSink) throws(SceneIOError) in
            try sink.write(contentsOf: header)
            try sink.write(bytes)
        }
    }

    /// Writes `values` rounded to half precision (float16, ties to even) with `shape` to `url`.
    public static func writeFloat16(_ values: [Float], shape: [Int], to url: URL) throws(SceneIOError) {
        let bits = values.map(HalfFloat.bits(from:))
        let array: NpyArray
        do { array = try NpyArray(shape: shape, storage: .float16(bits: bits)) } catch {
            throw .npyShapeMismatch(
                array: url.path, shape: shape,
                expectedCount: NpyArray.elementCount(shape) ?? -1, actualCount: values.count)
        }
        try write(array, to: url)
    }
}
