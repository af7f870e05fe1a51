import Synchronization

/// Floating-point operations done in BLAS matrix products (2·m·n·k per GEMM) by this process since it started,
/// for efficiency figures (a training step's achieved GFLOP/s against raw `cblas_sgemm`). Counting is one relaxed
/// atomic add per GEMM call; kernels outside BLAS (fused attention, element-wise ops) are not counted.
public enum MatmulFlops {
    private static let counter = Atomic<Int>(0)

    /// Operations counted so far.
    public static var total: Int { counter.load(ordering: .relaxed) }

    @inline(__always) static func add(m: Int, n: Int, k: Int) {
        counter.add(2 * m * n * k, ordering: .relaxed)
    }
}
