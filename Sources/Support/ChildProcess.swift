import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starting a child process (a training job, a demo stage, a room build) from any thread.
public enum ChildProcess {
    /// Starts `process` with no signal blocked in it. A child inherits the signal mask of the thread that starts
    /// it, and Dispatch's worker threads (`DispatchQueue.concurrentPerform` runs jobs on them) block SIGTERM, SIGINT
    /// and SIGHUP: a child started there ignored `kill`, `timeout` and Ctrl-C, and kept writing into its run folder
    /// after its parent was stopped. The mask is emptied for the start only and then restored.
    public static func start(_ process: Process) throws {
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
    }
}
