import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `write(2)` under a name that does not collide with methods called `write`.
func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// A file opened read-only with its size, closed when the value goes away. Reads go straight into
/// the caller's buffer (one copy from the page cache), which is what makes bulk array reads fast.
struct PosixFile: ~Copyable {
    let fd: Int32
    let url: URL
    /// File size in bytes at open time.
    let size: Int

    init(reading url: URL) throws(SceneIOError) {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(url: url, reason: AtomicFile.systemMessage()) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = AtomicFile.systemMessage()
            close(fd)
            throw .unreadable(url: url, reason: reason)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw .unreadable(url: url, reason: "is a directory")
        }
        self.fd = fd
        self.url = url
        self.size = Int(info.st_size)
    }

    deinit { close(fd) }

    /// Reads up to `count` bytes at `offset` into `buffer`; returns how many were read (fewer only at end of file).
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws(SceneIOError) -> Int {
        var done = 0
        while done < count {
            let n = pread(fd, buffer + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(url: url, reason: AtomicFile.systemMessage())
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads up to `count` bytes at `offset` into a new byte array (shorter only at end of file).
    func readBytes(count: Int, at offset: Int) throws(SceneIOError) -> [UInt8] {
        var failure: SceneIOError?
        let bytes = [UInt8](unsafeUninitializedCapacity: max(count, 0)) { buffer, initialized in
            guard let base = buffer.baseAddress else { initialized = 0; return }
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            switch Result(catching: { () throws(SceneIOError) in try read(into: base, count: count, at: offset) }) {
            case let .success(n): initialized = n
            case let .failure(error): failure = error; initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Reads the whole file into memory.
    func readAll() throws(SceneIOError) -> [UInt8] {
        try readBytes(count: size, at: 0)
    }
}

/// Asks the kernel to back the 2 MiB-aligned interior of a large fresh buffer with huge pages, so
/// filling it costs a few hundred page faults instead of hundreds of thousands (numpy does the same
/// for large arrays). Only a hint: harmless where transparent huge pages are off.
func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
    let hugePage = 2 << 20
    guard buffer.count >= 2 * hugePage, let base = buffer.baseAddress else { return }
    let start = (Int(bitPattern: base) + hugePage - 1) & ~(hugePage - 1)
    let end = (Int(bitPattern: base) + buffer.count) & ~(hugePage - 1)
    if end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) {
        _ = madvise(pointer, end - start, Int32(MADV_HUGEPAGE))
    }
    #endif
}
