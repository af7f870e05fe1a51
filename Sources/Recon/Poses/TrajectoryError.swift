import Geometry

/// Absolute trajectory error (TUM benchmark definition): the RMSE of camera-centre differences after the rigid
/// transform that best aligns the estimate to the ground truth (Horn 1987, closed form via quaternions).
public enum TrajectoryError {
    /// The RMSE in metres (lower is better) over pairs where both poses exist; nil with fewer than 3 pairs.
    public static func ateRMSE(estimate: [RigidTransform?], groundTruth: [RigidTransform?]) -> Double? {
        var a: [SIMD3<Double>] = [], b: [SIMD3<Double>] = []
        for (e, g) in zip(estimate, groundTruth) {
            if let e, let g { a.append(e.translation); b.append(g.translation) }
        }
        guard a.count >= 3 else { return nil }
        let alignment = align(a, to: b)
        let squared = zip(a, b).map { pair -> Double in
            let d = alignment.apply(to: pair.0) - pair.1
            return dot3(d, d)
        }
        return (squared.reduce(0, +) / Double(squared.count)).squareRoot()
    }

    /// The rigid transform `T` minimising Σ |T a_i − b_i|².
    ///
    /// Horn: with centred point sets and M = Σ a_i b_iᵀ, the optimal rotation is the eigenvector of the largest
    /// eigenvalue of the symmetric 4×4 matrix N(M) (quaternion w, x, y, z); then t = b̄ − R ā.
    public static func align(_ a: [SIMD3<Double>], to b: [SIMD3<Double>]) -> RigidTransform {
        let n = Double(a.count)
        let ca = a.reduce(SIMD3<Double>.zero, +) / n, cb = b.reduce(SIMD3<Double>.zero, +) / n
        var m = [[Double]](repeating: [0, 0, 0], count: 3)
        for (p, q) in zip(a, b) {
            let x = p - ca, y = q - cb
            for i in 0..<3 { for j in 0..<3 { m[i][j] += x[i] * y[j] } }
        }
        let (sxx, sxy, sxz) = (m[0][0], m[0][1], m[0][2])
        let (syx, syy, syz) = (m[1][0], m[1][1], m[1][2])
        let (szx, szy, szz) = (m[2][0], m[2][1], m[2][2])
        let nMatrix: [[Double]] = [
            [sxx + syy + szz, syz - szy, szx - sxz, sxy - syx],
            [syz - szy, sxx - syy - szz, sxy + syx, szx + sxz],
            [szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy],
            [sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz],
        ]
        let v = largestEigenvector(nMatrix)
        let rotation = Quaternion(x: v[1], y: v[2], z: v[3], w: v[0]).normalized
        return RigidTransform(rotation: rotation, translation: cb - rotation.rotate(ca))
    }

    /// Cyclic Jacobi on a symmetric 4×4 matrix; the eigenvector of the largest eigenvalue.
    static func largestEigenvector(_ input: [[Double]]) -> [Double] {
        var a = input
        var v: [[Double]] = (0..<4).map { i in (0..<4).map { $0 == i ? 1 : 0 } }
        for _ in 0..<50 {
            var off = 0.0
            for i in 0..<4 { for j in (i + 1)..<4 { off += a[i][j] * a[i][j] } }
            if off < 1e-30 { break }
            for p in 0..<4 {
                for q in (p + 1)..<4 where abs(a[p][q]) > 1e-300 {
                    let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<4 {
                        let akp = a[k][p], akq = a[k][q]
                        a[k][p] = c * akp - s * akq
                        a[k][q] = s * akp + c * akq
                    }
                    for k in 0..<4 {
                        let apk = a[p][k], aqk = a[q][k]
                        a[p][k] = c * apk - s * aqk
                        a[q][k] = s * apk + c * aqk
                    }
                    for k in 0..<4 {
                        let vkp = v[k][p], vkq = v[k][q]
                        v[k][p] = c * vkp - s * vkq
                        v[k][q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let best = (0..<4).max { a[$0][$0] < a[$1][$1] } ?? 0
        return (0..<4).map { v[$0][best] }
    }
}
