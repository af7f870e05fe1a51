import Foundation

/// A rotation quaternion in `Double`, Hamilton convention, stored in the order **x, y, z, w**.
///
/// Conventions (the same as Eigen's `Quaterniond` and Ceres' rotation functions):
/// - Hamilton product: `i² = j² = k² = ijk = −1`. `q = w + x i + y j + z k`.
/// - Active rotation: a unit quaternion rotates a vector by `v' = q v q*`.
/// - Composition: `(a * b).rotate(v) == a.rotate(b.rotate(v))`, so `b` applies first,
///   matching matrix products and `aFromB * bFromC == aFromC`.
/// - Element order: this type and `Eigen::Quaterniond::coeffs()` use **xyzw**; Ceres' `QuaternionManifold`
///   and `ceres/rotation.h` use **wxyz**. The C bridge (`cb_pose.q_xyzw`) uses xyzw with
///   `ceres::EigenQuaternionManifold`.
///
/// `q` and `−q` represent the same rotation. Functions that build rotations (`init(axis:angle:)`,
/// `init(rotationVector:)`, `init(rotationMatrix:)`) return unit quaternions; `rotate(_:)` and
/// `rotationMatrix` assume a unit quaternion.
public struct Quaternion: Sendable, Hashable {
    public var x: Double
    public var y: Double
    public var z: Double
    public var w: Double

    /// The raw quaternion `w + x i + y j + z k` (not normalised).
    public init(x: Double, y: Double, z: Double, w: Double) {
        self.x = x
        self.y = y
        self.z = z
        self.w = w
    }

    /// The raw quaternion from its elements in xyzw order (Eigen's `coeffs()` order).
    public init(xyzw: SIMD4<Double>) {
        self.init(x: xyzw.x, y: xyzw.y, z: xyzw.z, w: xyzw.w)
    }

    /// The identity rotation `(0, 0, 0, 1)`.
    public static let identity = Quaternion(x: 0, y: 0, z: 0, w: 1)

    /// The rotation by `angle` radians about `axis` (right-hand rule). `axis` need not be unit length;
    /// a zero axis gives the identity.
    public init(axis: SIMD3<Double>, angle: Double) {
        let n = length3(axis)
        guard n > 0 else {
            self = .identity
            return
        }
        let s = sin(angle / 2) / n
        self.init(x: axis.x * s, y: axis.y * s, z: axis.z * s, w: cos(angle / 2))
    }

    /// The exponential map of so(3): the rotation by `|v|` radians about `v / |v|`.
    /// Accurate down to `v = 0` (a series replaces `sin(θ/2)/θ` for tiny angles).
    public init(rotationVector v: SIMD3<Double>) {
        let theta = length3(v)
        let halfSincOverTwo: Double  // sin(θ/2) / θ
        if theta < 1e-4 {
            halfSincOverTwo = 0.5 - theta * theta / 48
        } else {
            halfSincOverTwo = sin(theta / 2) / theta
        }
        self.init(x: v.x * halfSincOverTwo, y: v.y * halfSincOverTwo, z: v.z * halfSincOverTwo,
                  w: cos(theta / 2))
    }

    /// The unit quaternion of a rotation matrix (Shepperd's method: pivot on the largest of
    /// `trace`, `R00`, `R11`, `R22`, so the square root never sees a small argument).
    /// `m` should be orthonormal with determinant +1; the result is normalised regardless.
    public init(rotationMatrix m: Matrix3) {
        let trace = m.trace
        var q: Quaternion
        if trace > 0 {
            let s = (trace + 1).squareRoot() * 2  // s = 4w
            q = Quaternion(x: (m[2, 1] - m[1, 2]) / s, y: (m[0, 2] - m[2, 0]) / s,
                           z: (m[1, 0] - m[0, 1]) / s, w: s / 4)
        } else if m[0, 0] > m[1, 1] && m[0, 0] > m[2, 2] {
            let s = (1 + m[0, 0] - m[1, 1] - m[2, 2]).squareRoot() * 2  // s = 4x
            q = Quaternion(x: s / 4, y: (m[0, 1] + m[1, 0]) / s,
                           z: (m[0, 2] + m[2, 0]) / s, w: (m[2, 1] - m[1, 2]) / s)
        } else if m[1, 1] > m[2, 2] {
            let s = (1 + m[1, 1] - m[0, 0] - m[2, 2]).squareRoot() * 2  // s = 4y
            q = Quaternion(x: (m[0, 1] + m[1, 0]) / s, y: s / 4,
                           z: (m[1, 2] + m[2, 1]) / s, w: (m[0, 2] - m[2, 0]) / s)
        } else {
            let s = (1 + m[2, 2] - m[0, 0] - m[1, 1]).squareRoot() * 2  // s = 4z
            q = Quaternion(x: (m[0, 2] + m[2, 0]) / s, y: (m[1, 2] + m[2, 1]) / s,
                           z: s / 4, w: (m[1, 0] - m[0, 1]) / s)
        }
        self = q.normalized
    }

    // MARK: - Parts and norms

    /// The vector part `(x, y, z)`.
    public var vector: SIMD3<Double> { SIMD3(x, y, z) }

    /// The elements in xyzw order.
    public var xyzw: SIMD4<Double> { SIMD4(x, y, z, w) }

    public var norm: Double { (x * x + y * y + z * z + w * w).squareRoot() }

    /// `self / |self|`; the identity if `self` is zero.
    public var normalized: Quaternion {
        let n = norm
        guard n > 0 else { return .identity }
        return Quaternion(x: x / n, y: y / n, z: z / n, w: w / n)
    }

    /// `(−x, −y, −z, w)`; the inverse rotation for a unit quaternion.
    public var conjugate: Quaternion { Quaternion(x: -x, y: -y, z: -z, w: w) }

    /// `conjugate / |q|²`, the multiplicative inverse (equal to `conjugate` for unit quaternions).
    public var inverse: Quaternion {
        let n2 = x * x + y * y + z * z + w * w
        return Quaternion(x: -x / n2, y: -y / n2, z: -z / n2, w: w / n2)
    }

    /// The four-dimensional dot product; `|dot|` is `cos(angle/2)` between two unit quaternions.
    public func dot(_ other: Quaternion) -> Double {
        x * other.x + y * other.y + z * other.z + w * other.w
    }

    // MARK: - Algebra

    /// The Hamilton product: `(a * b).rotate(v) == a.rotate(b.rotate(v))`.
    public static func * (a: Quaternion, b: Quaternion) -> Quaternion {
        Quaternion(x: a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
                   y: a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
                   z: a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w,
                   w: a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z)
    }

    /// `self * other`, the rotation `other` followed by `self`.
    public func composed(with other: Quaternion) -> Quaternion { self * other }

    /// Rotates `v` by this unit quaternion: `q v q*`, computed as
    /// `v + 2w (u × v) + 2 u × (u × v)` with `u` the vector part.
    public func rotate(_ v: SIMD3<Double>) -> SIMD3<Double> {
        let u = vector
        let uv = cross3(u, v)
        return v + 2 * w * uv + 2 * cross3(u, uv)
    }

    /// The 3×3 rotation matrix of this unit quaternion (`R v == rotate(v)`).
    public var rotationMatrix: Matrix3 {
        let xx = x * x, yy = y * y, zz = z * z
        let xy = x * y, xz = x * z, yz = y * z
        let wx = w * x, wy = w * y, wz = w * z
        return Matrix3(row0: SIMD3(1 - 2 * (yy + zz), 2 * (xy - wz), 2 * (xz + wy)),
                       row1: SIMD3(2 * (xy + wz), 1 - 2 * (xx + zz), 2 * (yz - wx)),
                       row2: SIMD3(2 * (xz - wy), 2 * (yz + wx), 1 - 2 * (xx + yy)))
    }

    // MARK: - Angles and interpolation

    /// The rotation angle in radians, in `[0, π]`.
    public var angle: Double {
        2 * atan2(length3(vector), abs(w))
    }

    /// The logarithm map of SO(3): axis × angle with angle in `[0, π]` (the inverse of
    /// `init(rotationVector:)` up to the sign ambiguity at exactly π).
    public var rotationVector: SIMD3<Double> {
        let q = w < 0 ? Quaternion(x: -x, y: -y, z: -z, w: -w).normalized : normalized
        let n = length3(q.vector)
        if n < 1e-8 {
            // θ ≈ 2n and n/sin(θ/2) ≈ 1: rotation vector ≈ 2 v / w to second order.
            return 2 * q.vector / q.w
        }
        let theta = 2 * atan2(n, q.w)
        return q.vector * (theta / n)
    }

    /// The angle in radians, in `[0, π]`, of the rotation that takes `self` to `other`
    /// (the geodesic distance on SO(3)).
    public func angle(to other: Quaternion) -> Double {
        (conjugate * other).angle
    }

    /// Spherical linear interpolation along the shorter arc: `t = 0` gives `self`, `t = 1` gives `other`
    /// (or `−other`, the same rotation). The result is a unit quaternion.
    public func slerp(to other: Quaternion, t: Double) -> Quaternion {
        let a = normalized
        var b = other.normalized
        var d = a.dot(b)
        if d < 0 {
            b = Quaternion(x: -b.x, y: -b.y, z: -b.z, w: -b.w)
            d = -d
        }
        let wa: Double, wb: Double
        if d > 0.9999 {
            // Nearly parallel: sin θ → 0, linear interpolation is exact to O(θ²) and stable.
            wa = 1 - t
            wb = t
        } else {
            let theta = acos(d)
            let s = sin(theta)
            wa = sin((1 - t) * theta) / s
            wb = sin(t * theta) / s
        }
        return Quaternion(x: wa * a.x + wb * b.x, y: wa * a.y + wb * b.y,
                          z: wa * a.z + wb * b.z, w: wa * a.w + wb * b.w).normalized
    }
}
