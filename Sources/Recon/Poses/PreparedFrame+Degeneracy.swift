import Geometry

/// Which camera translations a view's geometry pins down. Point-to-plane alignment constrains a translation `d` only
/// through `nᵀd` at each surface normal `n`, so the mean of `n nᵀ` over the view says how well each direction is
/// observed: a wall alone gives one eigenvalue near 1 (along its normal) and two near 0 (sliding along it), a corridor
/// one near 0 (along it). `displacement(of:from:)` measures how far a pose moved along the unobserved directions.
struct TranslationObservability: Sendable {
    /// Unit directions in the camera frame whose eigenvalue of mean `n nᵀ` is below the threshold.
    var unobserved: [SIMD3<Double>]
    /// The eigenvalues of mean `n nᵀ`, ascending (they sum to 1 when any normal was found).
    var eigenvalues: SIMD3<Double>
    /// Normals that entered the mean.
    var normals: Int

    /// Normals from the frame's depth on a lattice of `stride` pixels (the cross product of the vertex differences to
    /// the right and below neighbours, skipped across depth jumps over 5 %); directions with eigenvalue < `threshold`
    /// are unobserved. Fewer than 32 normals: nothing is said (no direction counts as unobserved).
    init(_ frame: PreparedFrame, threshold: Double, stride: Int = 8) {
        let k = frame.intrinsics, w = k.width, h = k.height, s = max(1, stride)
        var sum = Matrix3.zero, count = 0
        func vertex(_ u: Int, _ v: Int) -> SIMD3<Double>? {
            let d = frame.depth[v * w + u]
            return d > 0 ? k.unproject(pixel: SIMD2(Double(u), Double(v)), depth: Double(d)) : nil
        }
        for v in Swift.stride(from: s / 2, to: h - s, by: s) {
            for u in Swift.stride(from: s / 2, to: w - s, by: s) {
                guard let p = vertex(u, v), let right = vertex(u + s, v), let below = vertex(u, v + s),
                      abs(right.z - p.z) < 0.05 * p.z, abs(below.z - p.z) < 0.05 * p.z else { continue }
                let n = cross3(right - p, below - p)
                let length = (n * n).sum().squareRoot()
                guard length > 0, length.isFinite else { continue }
                sum = sum + Matrix3.outer(n / length, n / length)
                count += 1
            }
        }
        normals = count
        guard count >= 32 else {
            unobserved = []
            eigenvalues = SIMD3(repeating: 1.0 / 3)
            return
        }
        let eigen = SymmetricEigen3((1 / Double(count)) * sum)
        eigenvalues = eigen.eigenvalues
        unobserved = (0..<3).filter { eigen.eigenvalues[$0] < threshold }.map { eigen.eigenvectors.column($0) }
    }

    /// The length of the camera displacement from `reference` to `pose` (both world-from-camera) along the unobserved
    /// directions, measured in `reference`'s camera axes; metres.
    func displacement(of pose: RigidTransform, from reference: RigidTransform) -> Double {
        guard !unobserved.isEmpty else { return 0 }
        let d = reference.rotation.conjugate.rotate(pose.translation - reference.translation)
        return unobserved.reduce(0) { sum, u in let c = (u * d).sum(); return sum + c * c }.squareRoot()
    }
}
