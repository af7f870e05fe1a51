import Foundation
import Synchronization
import Testing
import Support
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ChildProcessTests {
    /// The `SigBlk` mask (hex) of a child started on a Dispatch worker thread, which blocks most signals (SIGTERM,
    /// SIGINT, SIGHUP among them); `clean` starts it through `ChildProcess.start`, otherwise through `Process.run`.
    static func childMask(clean: Bool) throws -> String {
        let pipe = Pipe()
        let process = Process()
        // grep itself, not through a shell: a shell resets its signal mask when it starts.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["grep", "SigBlk", "/proc/self/status"]
        process.standardOutput = pipe
        let failure = Mutex<String?>(nil)
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            do { if clean { try ChildProcess.start(process) } else { try process.run() } } catch { failure.withLock { $0 = "\(error)" } }
        }
        group.wait()
        if let message = failure.withLock({ $0 }) { Issue.record("cannot start grep: \(message)") }
        if clean { ChildProcess.waitUntilExit(process) } else { process.waitUntilExit() }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? text
    }

    @Test func aChildStartedFromADispatchWorkerBlocksNoSignal() throws {
        let inherited = try Self.childMask(clean: false)
        // Without the helper the child inherits the worker's blocked signals: the check below can fail.
        #expect(inherited != String(repeating: "0", count: inherited.count), "\(inherited)")
        let clean = try Self.childMask(clean: true)
        #expect(!clean.isEmpty && clean == String(repeating: "0", count: clean.count), "\(clean)")
    }

    @Test func theStartingThreadKeepsItsMask() throws {
        let kept = Mutex(false)
        let thread = Thread {
            var blocked = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGUSR2)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/true")
            try? ChildProcess.start(process)
            ChildProcess.waitUntilExit(process)
            var now = sigset_t()
            pthread_sigmask(SIG_SETMASK, nil, &now)
            kept.withLock { $0 = sigismember(&now, SIGUSR2) == 1 }
        }
        thread.start()
        while !thread.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        #expect(kept.withLock { $0 })
    }
}
