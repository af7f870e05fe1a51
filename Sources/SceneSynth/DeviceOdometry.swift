import Foundation
import Geometry

/// Options of the device-odometry drift model.
public struct OdometryOptions: Codable, Sendable, Equatable {
    /// Translation drift per metre travelled (metres per metre): half as a scale bias, half as a random walk.
    public var translationDriftPerMetre: Double = 0.02
    /// Rotation drift per metre travelled (radians per metre): half as a constant bias rate, half as a random walk.
    public var rotationDriftPerMetre: Double = 0.75 * Double.pi / 180
    public init() {}
}

/// Device-like odometry: integrates the true frame-to-frame motion with a scale error, a rotation
/// bias and random-walk noise whose variance grows with the distance travelled.
public struct DeviceOdometry: Sendable {
    public let options: OdometryOptions

    public init(options: OdometryOptions) { self.options = options }

    /// Drifting `worldFromCamera` poses; the first equals the truth.
    public func drift(_ truth: [RigidTransform], seed: UInt64) -> [RigidTransform] {
        drift(truth.map { SynthPose($0) }, seed: seed).map(\.rigid)
    }

    func drift(_ truth: [SynthPose], seed: UInt64) -> [SynthPose] {
        guard let first = truth.first else { return [] }
        var rng = SynthRNG(seed: seed, stream: SynthStream.odometry.rawValue)
        let o = options
        let scaleError = 0.5 * o.translationDriftPerMetre * rng.gaussian()
        var biasAxis = SIMD3<Double>(rng.gaussian(), rng.gaussian(), rng.gaussian())
        biasAxis /= max(length(biasAxis), 1e-9)
        let biasRate = 0.5 * o.rotationDriftPerMetre * (rng.chance(0.5) ? 1 : -1)
        let walkT = 0.5 * o.translationDriftPerMetre / 3.0.squareRoot()
        let walkR = 0.5 * o.rotationDriftPerMetre / 3.0.squareRoot()
        var estimate = first
        var out = [first]
        for k in 1..<truth.count {
            var delta = truth[k - 1].inverse * truth[k]
            let d = length(delta.translation)
            let sd = d.squareRoot()
            delta.translation *= 1 + scaleError
            delta.translation += walkT * sd * SIMD3(rng.gaussian(), rng.gaussian(), rng.gaussian())
            let omega = biasAxis * (biasRate * d) + walkR * sd * SIMD3(rng.gaussian(), rng.gaussian(), rng.gaussian())
            delta.rotation = delta.rotation * Mat3.rotation(vector: omega)
            estimate = estimate * delta
            out.append(estimate)
        }
        return out
    }
}
