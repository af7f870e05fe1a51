import Dispatch
import Foundation
import Synchronization

/// How many threads the tensor kernels may use outside BLAS (which stays at one thread, see `setBLASThreads`).
///
/// Only loops that are independent and large use it: the per-head loop of `Var.attention`. Measured on the
/// 2-vCPU machine (see BENCHMARKS.md, `## Tensor`), so the default is set from that measurement.
public enum TensorThreads {
    private static let storedWorkers = Atomic<Int>(1)

    /// Worker threads for parallel kernels (≥ 1).
    public static var workers: Int {
        get { storedWorkers.load(ordering: .relaxed) }
        set { storedWorkers.store(Swift.max(1, newValue), ordering: .relaxed) }
    }

    private static let storedSparseWorkers = Atomic<Int>(Swift.min(2, Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)))

    /// Worker threads of the sparse convolutions (≥ 1; default both cores of the 2-vCPU machine). Each worker
    /// owns a range of output rows, so the result does not depend on this number (see `Var.sparseConvolution`).
    public static var sparseWorkers: Int {
        get { storedSparseWorkers.load(ordering: .relaxed) }
        set { storedSparseWorkers.store(Swift.max(1, newValue), ordering: .relaxed) }
    }
}

/// Runs `body(worker)` for `worker` in `0..<workers`, in parallel when `workers > 1`.
/// Pointers cross into the closure as `Int(bitPattern:)`, which keeps the closure `Sendable`.
func parallelWorkers(_ workers: Int, _ body: @Sendable (Int) -> Void) {
    if workers <= 1 { body(0); return }
    DispatchQueue.concurrentPerform(iterations: workers, execute: body)
}
