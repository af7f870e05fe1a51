import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one `.npy` array whose length is not known in advance, a batch of rows at a time, so the array never has
/// to be held in memory (e.g. `recon`'s correspondence table on a long video).
///
/// The rows go into a temporary sibling (`.NAME.tmp-XXXXXX`, as `AtomicFile` names it) behind room reserved for
/// the header of the largest possible shape. `finish()` writes numpy's header for the final shape (padded to a
/// multiple of 64 bytes, `NpyHeader.encode`) in front of the rows and renames the file into place, so the file is
/// byte for byte what `Npy.write` makes of the whole array. When the final header is shorter than the room
/// reserved (only for shapes of many dimensions), the rows are copied behind it into a second temporary file.
/// A writer that is not finished (an error, `cancel()`, or the value released) removes its temporary file; a
/// killed process leaves at most that hidden temporary file, never a half file under the final name.
public final class NpyStreamWriter {
    /// The final path.
    public let url: URL
    public let dtype: NpyDType
    /// The shape of one row: `[]` for a 1-D array, `[2]` for an `[M, 2]` array.
    public let rowShape: [Int]
    /// Rows appended so far.
    public private(set) var rows = 0

    private var fd: Int32
    private var temporaryPath: String
    private let reservedHeader: Int
    private let rowElements: Int

    /// Creates the temporary file next to `url`.
    public init(url: URL, dtype: NpyDType, rowShape: [Int] = []) throws(SceneIOError) {
        guard rowShape.allSatisfy({ $0 >= 0 }), let rowElements = NpyArray.elementCount(rowShape) else {
            throw .npyInvalidShape(url: url, shape: [-1] + rowShape)
        }
        self.url = url
        self.dtype = dtype
        self.rowShape = rowShape
        self.rowElements = rowElements
        reservedHeader = NpyHeader.encode(dtype: dtype, shape: [Int.max] + rowShape).count
        let made = try Self.makeTemporary(beside: url)
        fd = made.fd
        temporaryPath = made.path
        let placeholder = [UInt8](repeating: UInt8(ascii: " "), count: reservedHeader)
        let written = placeholder.withUnsafeBytes { raw in Result { () throws(SceneIOError) in try writeAll(raw) } }
        do throws(SceneIOError) { try written.get() } catch {
            cancel()
            throw error
        }
    }

    deinit { cancel() }

    /// Appends whole rows (C order): `values.count` must be a multiple of the row size and `T` of the writer's dtype.
    public func append<T: NpyElement>(_ values: [T]) throws(SceneIOError) {
        guard fd >= 0 else { throw .unwritable(url: url, reason: "the stream writer was already finished or cancelled") }
        guard T.npyDType == dtype else {
            throw .unwritable(url: url, reason: "appending \(T.npyDType.rawValue) values to a \(dtype.rawValue) array")
        }
        let rowCount = rowElements == 0 ? 0 : values.count / rowElements
        guard rowElements == 0 ? values.isEmpty : values.count % rowElements == 0 else {
            throw .npyShapeMismatch(array: url.path, shape: [rowCount] + rowShape, expectedCount: rowCount * rowElements,
                                    actualCount: values.count)
        }
        let result = values.withUnsafeBytes { raw in Result { () throws(SceneIOError) in try writeAll(raw) } }
        do throws(SceneIOError) { try result.get() } catch {
            cancel()
            throw error
        }
        rows += rowCount
    }

    /// Writes the header for `[rows] + rowShape`, closes the file and renames it into place; returns the shape.
    @discardableResult
    public func finish() throws(SceneIOError) -> [Int] {
        guard fd >= 0 else { throw .unwritable(url: url, reason: "the stream writer was already finished or cancelled") }
        let shape = [rows] + rowShape
        let header = NpyHeader.encode(dtype: dtype, shape: shape)
        do throws(SceneIOError) {
            if header.count == reservedHeader {
                let written = header.withUnsafeBytes { raw in Result { () throws(SceneIOError) in try writeAll(raw, at: 0) } }
                try written.get()
            } else {
                try moveRows(behind: header)
            }
        } catch {
            cancel()
            throw error
        }
        let closed = close(fd)
        fd = -1
        guard closed == 0 else {
            let reason = AtomicFile.systemMessage()
            unlink(temporaryPath)
            throw .unwritable(url: url, reason: reason)
        }
        guard rename(temporaryPath, url.path) == 0 else {
            let reason = AtomicFile.systemMessage()
            unlink(temporaryPath)
            throw .unwritable(url: url, reason: reason)
        }
        return shape
    }

    /// Abandons the array: closes and removes the temporary file (nothing is left under `url`).
    public func cancel() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(temporaryPath)
    }

    /// The final header is shorter than the room reserved: a second temporary file gets the header, then the rows.
    private func moveRows(behind header: [UInt8]) throws(SceneIOError) {
        let (target, targetPath) = try Self.makeTemporary(beside: url)
        var sink = FileSink(fd: target, url: url)
        let chunk = 1 << 22
        var buffer = [UInt8](repeating: 0, count: chunk)
        var offset = reservedHeader
        let end = reservedHeader + rows * rowElements * dtype.itemSize
        do throws(SceneIOError) {
            try sink.write(contentsOf: header)
            while offset < end {
                let want = min(chunk, end - offset)
                let got = buffer.withUnsafeMutableBytes { raw in pread(fd, raw.baseAddress, want, off_t(offset)) }
                guard got > 0 else {
                    if got < 0, errno == EINTR { continue }
                    throw SceneIOError.unwritable(url: url, reason: "re-reading the rows: \(AtomicFile.systemMessage())")
                }
                let result = buffer.withUnsafeBytes { raw in
                    Result { () throws(SceneIOError) in try sink.write(UnsafeRawBufferPointer(rebasing: raw[0..<got])) }
                }
                try result.get()
                offset += got
            }
        } catch {
            close(target)
            unlink(targetPath)
            throw error
        }
        close(fd)
        unlink(temporaryPath)
        fd = target
        temporaryPath = targetPath
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(SceneIOError) {
        var sink = FileSink(fd: fd, url: url)
        try sink.write(bytes)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(SceneIOError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .unwritable(url: url, reason: AtomicFile.systemMessage())
            }
            done += n
        }
    }

    private static func makeTemporary(beside url: URL) throws(SceneIOError) -> (fd: Int32, path: String) {
        let directory = url.deletingLastPathComponent().path
        var template = Array("\(directory)/.\(url.lastPathComponent).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { throw .unwritable(url: url, reason: AtomicFile.systemMessage()) }
        _ = fchmod(fd, 0o644)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return (fd, String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}
