import Foundation

/// A tangent vector of SE(3): `rotation` ω (axis × angle, radians) and `translation` ρ (metres).
///
/// `RigidTransform.exp(Twist)` maps it to a transform with `R = exp([ω]ₓ)` and `t = V(ω) ρ`;
/// `RigidTransform.log()` is its inverse for rotation angles below π.
public struct Twist: Sendable, Hashable {
    public var rotation: SIMD3<Double>
    public var translation: SIMD3<Double>

    public init(rotation: SIMD3<Double>, translation: SIMD3<Double>) {
        self.rotation = rotation
        self.translation = translation
    }

    public static let zero = Twist(rotation: .zero, translation: .zero)
}

extension RigidTransform {
    /// The SE(3) exponential map.
    ///
    /// With `θ = |ω|` and `K = [ω]ₓ`, `V = I + B K + C K²`, `B = (1 − cos θ)/θ²`, `C = (θ − sin θ)/θ³`;
    /// Taylor series replace `B` and `C` below θ = 1e-4 so the map is smooth through zero.
    public static func exp(_ twist: Twist) -> RigidTransform {
        let (b, c) = vCoefficients(theta: length3(twist.rotation))
        let k = Matrix3.skew(twist.rotation)
        let v = Matrix3.identity + b * k + c * (k * k)
        return RigidTransform(rotation: Quaternion(rotationVector: twist.rotation), translation: v * twist.translation)
    }

    /// The SE(3) logarithm map, the inverse of `exp` for rotation angles in `[0, π)`.
    ///
    /// `V⁻¹ = I − K/2 + D K²` with `D = (1 − θ sin θ / (2(1 − cos θ)))/θ²` (series `1/12 + θ²/720` near 0).
    public func log() -> Twist {
        let omega = rotation.rotationVector
        let theta = length3(omega)
        let d: Double
        if theta < 1e-4 {
            d = 1.0 / 12 + theta * theta / 720
        } else {
            d = (1 - theta * sin(theta) / (2 * (1 - cos(theta)))) / (theta * theta)
        }
        let k = Matrix3.skew(omega)
        let vInverse = Matrix3.identity - 0.5 * k + d * (k * k)
        return Twist(rotation: omega, translation: vInverse * translation)
    }

    private static func vCoefficients(theta: Double) -> (b: Double, c: Double) {
        if theta < 1e-4 {
            let t2 = theta * theta
            return (0.5 - t2 / 24, 1.0 / 6 - t2 / 120)
        }
        let t2 = theta * theta
        return ((1 - cos(theta)) / t2, (theta - sin(theta)) / (t2 * theta))
    }
}
