import Foundation

/// Runs a body on `count` threads at once and waits for all of them. For work that waits on child processes
/// (`experiment run --jobs N`, `experiment rooms --jobs N`): `DispatchQueue.concurrentPerform` runs at most one
/// iteration per core at a time, so on two cores `--jobs 3` ran two jobs at a time while saying three.
public enum Workers {
    /// Calls `body(i)` for every `i` in `0..<count`, each on its own thread, all at the same time; returns when every
    /// call has returned. A `count` below 1 runs nothing. As with `concurrentPerform`, `body` runs concurrently with
    /// itself and must guard what it shares.
    public static func run(count: Int, _ body: @escaping (Int) -> Void) {
        guard count > 0 else { return }
        let box = CallBox(call: body)
        let group = DispatchGroup()
        for i in 0..<count {
            group.enter()
            Thread {
                box.call(i)
                group.leave()
            }.start()
        }
        group.wait()
    }
}

/// The body, handed to the threads; every call has returned before `run` does.
private struct CallBox: @unchecked Sendable {
    let call: (Int) -> Void
}
