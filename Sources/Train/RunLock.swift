import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a run folder, held by the one process that writes it (`train`'s lead rank) for as long as
/// the value lives. It is an advisory `flock` on `RUN/.lock`, so the kernel releases it when the process ends, however
/// it ends: a killed run never leaves a stale lock behind, and the next `--resume` takes it at once. The file records
/// the holder (process id and host) for the message a second writer gets.
public final class RunLock {
    /// The locked folder.
    public let run: URL
    private let fd: Int32

    /// Name of the lock file inside the run folder (hidden, so it never makes the folder another run's).
    public static let fileName = ".lock"

    /// Creates `run` if needed and takes its lock without waiting; `runFolderLocked` when another process holds it.
    public init(_ run: URL) throws(TrainError) {
        do {
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        } catch {
            throw .unwritable(path: run.path, reason: "cannot create the run folder: \(error.localizedDescription)")
        }
        let path = run.appendingPathComponent(Self.fileName).path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .unwritable(path: path, reason: Self.systemMessage()) }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let busy = errno == EWOULDBLOCK
            let reason = Self.systemMessage()
            let holder = Self.holder(fd)
            close(fd)
            if busy { throw .runFolderLocked(path: run.path, holder: holder) }
            throw .unwritable(path: path, reason: "cannot lock: \(reason)")
        }
        self.fd = fd
        self.run = run
        // gethostname, not ProcessInfo.hostName, which may wait on a name lookup.
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count - 1) == 0
            ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "this host"
        let text = Array("pid \(getpid()) on \(host)\n".utf8)
        // The record is only for messages: the lock is the flock, so a failed write does not matter.
        if ftruncate(fd, 0) == 0 { _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } }
    }

    deinit {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }

    /// Who holds the lock, as its record says (nil when the record is empty or unreadable).
    private static func holder(_ fd: Int32) -> String? {
        var bytes = [UInt8](repeating: 0, count: 256)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        let text = String(decoding: bytes[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    private static func systemMessage() -> String { String(cString: strerror(errno)) }
}
