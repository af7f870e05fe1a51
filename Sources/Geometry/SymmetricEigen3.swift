/// The eigen decomposition `A = V diag(λ) Vᵀ` of a symmetric 3×3 matrix, by cyclic Jacobi rotations.
///
/// Invariants: `eigenvalues` ascending (λ₀ ≤ λ₁ ≤ λ₂); `eigenvectors` holds the matching unit eigenvectors
/// as columns and is orthonormal with determinant +1. Jacobi is slower than the closed-form cubic but stays
/// accurate for nearly repeated eigenvalues, which planar neighbourhoods (λ₁ ≈ λ₂ ≫ λ₀) produce all the time.
public struct SymmetricEigen3: Sendable, Equatable {
    public var eigenvalues: SIMD3<Double>
    public var eigenvectors: Matrix3

    /// Decomposes the symmetric part of `a` (only the upper triangle is read).
    public init(_ a: Matrix3) {
        // Working copy of the upper triangle; v accumulates the rotations (columns are eigenvectors).
        var m = a
        m[1, 0] = m[0, 1]
        m[2, 0] = m[0, 2]
        m[2, 1] = m[1, 2]
        var v = Matrix3.identity
        let scale = max(m.maxAbsElement, .leastNormalMagnitude)
        for _ in 0..<32 {
            let offDiagonal = abs(m[0, 1]) + abs(m[0, 2]) + abs(m[1, 2])
            if offDiagonal <= 1e-15 * scale { break }
            for (p, q) in [(0, 1), (0, 2), (1, 2)] {
                let apq = m[p, q]
                if apq == 0 { continue }
                // Choose the rotation angle θ that zeroes m[p,q]: cot 2θ = (a_qq − a_pp) / (2 a_pq);
                // take the smaller root t = tan θ for stability (Numerical Recipes §11.1 form).
                let theta = (m[q, q] - m[p, p]) / (2 * apq)
                let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot()
                let s = t * c
                // m ← Jᵀ m J with J the Givens rotation in the (p, q) plane.
                for k in 0..<3 {
                    let mkp = m[k, p], mkq = m[k, q]
                    m[k, p] = c * mkp - s * mkq
                    m[k, q] = s * mkp + c * mkq
                }
                for k in 0..<3 {
                    let mpk = m[p, k], mqk = m[q, k]
                    m[p, k] = c * mpk - s * mqk
                    m[q, k] = s * mpk + c * mqk
                }
                for k in 0..<3 {
                    let vkp = v[k, p], vkq = v[k, q]
                    v[k, p] = c * vkp - s * vkq
                    v[k, q] = s * vkp + c * vkq
                }
            }
        }
        // Sort ascending, carrying the columns along.
        var pairs = [(m[0, 0], v.column(0)), (m[1, 1], v.column(1)), (m[2, 2], v.column(2))]
        pairs.sort { $0.0 < $1.0 }
        var vectors = Matrix3(column0: pairs[0].1, column1: pairs[1].1, column2: pairs[2].1)
        if vectors.determinant < 0 {
            vectors = Matrix3(column0: -pairs[0].1, column1: pairs[1].1, column2: pairs[2].1)
        }
        eigenvalues = SIMD3(pairs[0].0, pairs[1].0, pairs[2].0)
        eigenvectors = vectors
    }
}
