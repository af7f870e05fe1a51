import COpenBLAS
import Foundation

/// Element type of a tensor at run time. Training uses `float32`; `float64` exists so that every backward rule
/// can be checked against central finite differences without float32 round-off swamping the comparison.
public enum DType: String, Sendable, Equatable {
    case float32, float64

    /// Bytes per element.
    public var byteSize: Int { self == .float32 ? 4 : 8 }
}

/// The floating-point types a tensor can hold, with the BLAS routine and the libm functions for each.
///
/// Kernels are written once as generic functions over `TensorScalar` and called from a switch on `DType`
/// inside this module, so whole-module optimisation specialises them for `Float` and `Double`.
protocol TensorScalar: BinaryFloatingPoint, Sendable {
    static var dtype: DType { get }
    static func exp(_ x: Self) -> Self
    /// eˣ for softmax-style loops: a branch-free polynomial that vectorises for `Float` (relative error below
    /// 2e-7, exactly 0 below −87.3, saturating above 88.3), plain `exp` for `Double` so that gradient checks keep
    /// full precision.
    static func fastExp(_ x: Self) -> Self
    /// erf(x) for GELU: a vectorisable rational approximation for `Float` (absolute error below 5e-7), plain `erf`
    /// for `Double`.
    static func fastErf(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func erf(_ x: Self) -> Self
    static func sin(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
    /// Row-major C = alpha·op(A)·op(B) + beta·C.
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

/// OpenBLAS runs one thread unless told otherwise: measured, two threads are slower below 2048² on this machine
/// (swift-platform-notes §3). Evaluated once, lazily and thread-safely, on the first matmul.
let blasConfigured: Bool = {
    openblas_set_num_threads(1)
    return true
}()

/// Sets the number of OpenBLAS threads (default 1).
public func setBLASThreads(_ n: Int) {
    _ = blasConfigured
    openblas_set_num_threads(Int32(n))
}

@inline(__always) private func cblasTrans(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Float: TensorScalar {
    static var dtype: DType { .float32 }
    @inline(__always) static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    /// eˣ = 2ⁿ·eʳ with n = round(x/ln 2), r = x − n·ln 2 ∈ [−ln2/2, ln2/2] (ln 2 split in two parts so that r is
    /// exact), eʳ by its degree-7 Taylor polynomial (truncation error < 1e-8 relative on that interval), and 2ⁿ
    /// assembled in the exponent bits.
    @inline(__always) static func fastExp(_ x: Float) -> Float {
        let xc = Swift.min(Swift.max(x, -87.3), 88.3)
        // Adding and subtracting 1.5·2²³ rounds to the nearest integer in plain float arithmetic, which
        // vectorises (`rounded()` becomes a libm call per element).
        let n = (xc * 1.442_695_04 + 12_582_912) - 12_582_912
        let r = (xc - n * 0.693_359_375) + n * 2.121_944_4e-4
        var p: Float = 1.0 / 5040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let scale = Float(bitPattern: UInt32(bitPattern: Int32(n) + 127) << 23)
        return x < -87.3 ? 0 : p * scale
    }
    /// Abramowitz & Stegun 7.1.26: erf|x| = 1 − t·(a₁ + t(a₂ + t(a₃ + t(a₄ + t·a₅))))·e^{−x²}, t = 1/(1 + p|x|),
    /// absolute error ≤ 1.5e-7 before float32 rounding; odd symmetry restores the sign.
    @inline(__always) static func fastErf(_ x: Float) -> Float {
        let ax = Swift.abs(x)
        let t = 1 / (1 + 0.327_591_1 * ax)
        var p: Float = 1.061_405_429
        p = p * t - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        let r = 1 - p * t * fastExp(-ax * ax)
        return x < 0 ? -r : r
    }
    @inline(__always) static func log(_ x: Float) -> Float { Foundation.log(x) }
    @inline(__always) static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }
    @inline(__always) static func erf(_ x: Float) -> Float { Foundation.erf(x) }
    @inline(__always) static func sin(_ x: Float) -> Float { Foundation.sin(x) }
    @inline(__always) static func cos(_ x: Float) -> Float { Foundation.cos(x) }
    @inline(__always) static func pow(_ x: Float, _ y: Float) -> Float { Foundation.pow(x, y) }
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = blasConfigured
        MatmulFlops.add(m: m, n: n, k: k)
        cblas_sgemm(CblasRowMajor, cblasTrans(transA), cblasTrans(transB), Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

extension Double: TensorScalar {
    static var dtype: DType { .float64 }
    @inline(__always) static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) static func fastExp(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) static func fastErf(_ x: Double) -> Double { Foundation.erf(x) }
    @inline(__always) static func log(_ x: Double) -> Double { Foundation.log(x) }
    @inline(__always) static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
    @inline(__always) static func erf(_ x: Double) -> Double { Foundation.erf(x) }
    @inline(__always) static func sin(_ x: Double) -> Double { Foundation.sin(x) }
    @inline(__always) static func cos(_ x: Double) -> Double { Foundation.cos(x) }
    @inline(__always) static func pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                     a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                     beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        _ = blasConfigured
        MatmulFlops.add(m: m, n: n, k: k)
        cblas_dgemm(CblasRowMajor, cblasTrans(transA), cblasTrans(transB), Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
