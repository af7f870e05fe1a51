import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that readers never see a half-written file: the bytes go to a temporary sibling
/// (`.NAME.tmp-XXXXXX` in the same folder, hence the same file system) which is then renamed over
/// the destination. A crash leaves at most a stray temporary file, never a truncated destination.
///
/// No `fsync`: the guarantee is atomic visibility, not durability across power loss, which keeps
/// writes as fast as `numpy.save`.
public enum AtomicFile {
    /// Writes `data` to `url` atomically.
    public static func write(_ data: Data, to url: URL) throws(SceneIOError) {
        try write(to: url) { (sink: inout FileSink) throws(SceneIOError) in
            let result = data.withUnsafeBytes { raw in
                Result { () throws(SceneIOError) in try sink.write(raw) }
            }
            try result.get()
        }
    }

    /// Writes the bytes that `body` pushes into the sink to `url` atomically. If `body` throws,
    /// the temporary file is removed and the destination is left untouched.
    public static func write(
        to url: URL, _ body: (inout FileSink) throws(SceneIOError) -> Void
    ) throws(SceneIOError) {
        let directory = url.deletingLastPathComponent().path
        var template = Array("\(directory)/.\(url.lastPathComponent).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { throw .unwritable(url: url, reason: systemMessage()) }
        let tempPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // mkstemp creates the file 0600; data files are meant to be shared like any other output.
        _ = fchmod(fd, 0o644)
        // Keep the descriptor out of child processes started while the write is in progress.
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var sink = FileSink(fd: fd, url: url)
        do {
            try body(&sink)
        } catch {
            close(fd)
            unlink(tempPath)
            throw error
        }
        if close(fd) != 0 {
            let reason = systemMessage()
            unlink(tempPath)
            throw .unwritable(url: url, reason: reason)
        }
        if rename(tempPath, url.path) != 0 {
            let reason = systemMessage()
            unlink(tempPath)
            throw .unwritable(url: url, reason: reason)
        }
    }

    static func systemMessage() -> String {
        String(cString: strerror(errno))
    }
}

/// An open, write-only file descriptor handed to an `AtomicFile.write` body.
public struct FileSink {
    let fd: Int32
    /// The destination the bytes are meant for (used in error messages).
    public let url: URL
    /// Bytes written so far.
    public private(set) var bytesWritten = 0

    init(fd: Int32, url: URL) {
        self.fd = fd
        self.url = url
    }

    /// Appends `bytes` to the file; retries short writes.
    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws(SceneIOError) {
        guard var cursor = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let n = posixWrite(fd, cursor, remaining)
            if n < 0 {
                if errno == EINTR { continue }
                throw .unwritable(url: url, reason: AtomicFile.systemMessage())
            }
            cursor += n
            remaining -= n
            bytesWritten += n
        }
    }

    /// Appends the bytes of `storage`'s elements.
    public mutating func write(_ storage: NpyStorage) throws(SceneIOError) {
        let result = storage.withUnsafeBytes { raw in
            Result { () throws(SceneIOError) in try write(raw) }
        }
        try result.get()
    }

    /// Appends the bytes of `array` in memory order.
    public mutating func write<T>(contentsOf array: [T]) throws(SceneIOError) {
        let result = array.withUnsafeBytes { raw in
            Result { () throws(SceneIOError) in try write(raw) }
        }
        try result.get()
    }
}
