import Foundation

/// Loads the items of one pass over the frames (read, decode, prepare) on a background thread, ahead of the
/// thread that consumes them, so decoding frame i + 1 overlaps with tracking or fusing frame i. At most
/// `depth` loaded items wait at any time, so memory does not grow with the frame count. Items come back in order,
/// and a load's error is thrown by the `take` of that item, as a sequential loop would have thrown it.
final class FramePrefetch<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Int: Result<Item, ReconError>] = [:]
    private var scheduled = 0
    private var taken = 0
    private let count: Int
    private let depth: Int
    private let load: @Sendable (Int) throws(ReconError) -> Item
    private let queue = DispatchQueue(label: "ovseg3r.recon.prefetch")

    /// Prefetches `load(0)`, `load(1)`, … `load(count - 1)`, at most `depth` (≥ 1) ahead of `take`.
    init(count: Int, depth: Int = 2, load: @escaping @Sendable (Int) throws(ReconError) -> Item) {
        self.count = count
        self.depth = max(1, depth)
        self.load = load
        condition.lock()
        scheduleLocked()
        condition.unlock()
    }

    /// Item `position`; positions must be taken in order 0, 1, 2, …
    func take(_ position: Int) throws(ReconError) -> Item {
        condition.lock()
        while true {
            if let result = ready.removeValue(forKey: position) {
                taken = max(taken, position + 1)
                scheduleLocked()
                condition.unlock()
                return try result.get()
            }
            condition.wait()
        }
    }

    private func scheduleLocked() {
        while scheduled < count, scheduled < taken + depth {
            let position = scheduled
            scheduled += 1
            queue.async { [self] in
                let result: Result<Item, ReconError>
                do throws(ReconError) { result = .success(try load(position)) } catch { result = .failure(error) }
                condition.lock()
                ready[position] = result
                condition.broadcast()
                condition.unlock()
            }
        }
    }
}
