import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Starting a child process (a training job, a demo stage, a room build) from any thread, and stopping it with its
/// parent.
public enum ChildProcess {
    /// Starts `process` with no signal blocked in it, and remembers it until `waitUntilExit(_:)`, so that a SIGTERM,
    /// SIGINT or SIGHUP to this process passes SIGTERM on to it before this process ends.
    ///
    /// A child inherits the signal mask of the thread that starts it, and Dispatch's worker threads (on which the
    /// job runners once ran, through `DispatchQueue.concurrentPerform`) block SIGTERM, SIGINT and SIGHUP: a child started there
    /// ignored `kill`, `timeout` and Ctrl-C, and kept writing into its run folder after its parent was stopped. The
    /// mask is emptied for the start only and then restored.
    ///
    /// A child also outlives a parent that `kill` stops: only Ctrl-C reaches the whole process group. Such an orphan
    /// went on training into its run folder, and the resumed experiment found the folder locked by it. (A stop that
    /// arrives between the child's creation inside `process.run()` and its entry in the table, microseconds, misses
    /// it.)
    public static func start(_ process: Process) throws {
        LiveChildren.installHandlers
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
        LiveChildren.add(process.processIdentifier)
    }

    /// Waits for a child that `start(_:)` started, and forgets it. Every such child is waited for here, so that the
    /// table never holds the id of a process that has ended (the id could be given to an unrelated process).
    public static func waitUntilExit(_ process: Process) {
        process.waitUntilExit()
        LiveChildren.remove(process.processIdentifier)
    }
}

/// The process ids of the running children, in a fixed table that a signal handler may read (it takes no lock and
/// allocates nothing). Children beyond `capacity` at once are not passed the signal.
private enum LiveChildren {
    static let capacity = 64
    nonisolated(unsafe) static let pids: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        p.initialize(repeating: 0, count: capacity)
        return p
    }()
    static let writers = Mutex(())

    static func add(_ pid: Int32) {
        writers.withLock { _ in
            if let slot = (0..<capacity).first(where: { pids[$0] == 0 }) { pids[slot] = pid }
        }
    }

    static func remove(_ pid: Int32) {
        writers.withLock { _ in
            for slot in 0..<capacity where pids[slot] == pid { pids[slot] = 0 }
        }
    }

    /// Installed once, before the first child starts: SIGTERM to every child in the table, then this process ends
    /// by the same signal (the default action, re-raised).
    static let installHandlers: Void = {
        _ = pids
        for signal in [SIGTERM, SIGINT, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { received in
                for slot in 0..<LiveChildren.capacity where LiveChildren.pids[slot] > 0 { kill(LiveChildren.pids[slot], SIGTERM) }
                Glibc.signal(received, SIG_DFL)
                raise(received)
            }
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }()
}
