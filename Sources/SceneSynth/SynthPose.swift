import Foundation
import Geometry

/// A 3×3 matrix stored by columns (Double).
struct Mat3: Equatable, Sendable {
    var c0: SIMD3<Double>
    var c1: SIMD3<Double>
    var c2: SIMD3<Double>

    init(c0: SIMD3<Double>, c1: SIMD3<Double>, c2: SIMD3<Double>) { (self.c0, self.c1, self.c2) = (c0, c1, c2) }

    static let identity = Mat3(c0: [1, 0, 0], c1: [0, 1, 0], c2: [0, 0, 1])

    @inline(__always) func apply(_ v: SIMD3<Double>) -> SIMD3<Double> { c0 * v.x + c1 * v.y + c2 * v.z }

    var transposed: Mat3 {
        Mat3(c0: [c0.x, c1.x, c2.x], c1: [c0.y, c1.y, c2.y], c2: [c0.z, c1.z, c2.z])
    }

    static func * (a: Mat3, b: Mat3) -> Mat3 { Mat3(c0: a.apply(b.c0), c1: a.apply(b.c1), c2: a.apply(b.c2)) }

    /// Rotation by the rotation vector `omega` (axis × angle in radians), Rodrigues' formula.
    static func rotation(vector omega: SIMD3<Double>) -> Mat3 {
        let angle = (omega * omega).sum().squareRoot()
        guard angle > 1e-12 else { return .identity }
        let k = omega / angle
        let c = cos(angle), s = sin(angle), t = 1 - c
        return Mat3(
            c0: [t * k.x * k.x + c, t * k.x * k.y + s * k.z, t * k.x * k.z - s * k.y],
            c1: [t * k.x * k.y - s * k.z, t * k.y * k.y + c, t * k.y * k.z + s * k.x],
            c2: [t * k.x * k.z + s * k.y, t * k.y * k.z - s * k.x, t * k.z * k.z + c])
    }

    /// The rotation angle in radians.
    var angle: Double {
        let trace = c0.x + c1.y + c2.z
        return acos(min(1, max(-1, (trace - 1) / 2)))
    }

    /// Unit quaternion (x, y, z, w) with w ≥ 0 (Shepperd's method).
    var quaternionXYZW: SIMD4<Double> {
        let m00 = c0.x, m11 = c1.y, m22 = c2.z
        let m01 = c1.x, m10 = c0.y, m02 = c2.x, m20 = c0.z, m12 = c2.y, m21 = c1.z
        let trace = m00 + m11 + m22
        var q: SIMD4<Double>
        if trace > 0 {
            let s = (trace + 1).squareRoot() * 2
            q = [(m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s, s / 4]
        } else if m00 > m11 && m00 > m22 {
            let s = (1 + m00 - m11 - m22).squareRoot() * 2
            q = [s / 4, (m01 + m10) / s, (m02 + m20) / s, (m21 - m12) / s]
        } else if m11 > m22 {
            let s = (1 + m11 - m00 - m22).squareRoot() * 2
            q = [(m01 + m10) / s, s / 4, (m12 + m21) / s, (m02 - m20) / s]
        } else {
            let s = (1 + m22 - m00 - m11).squareRoot() * 2
            q = [(m02 + m20) / s, (m12 + m21) / s, s / 4, (m10 - m01) / s]
        }
        if q.w < 0 { q = -q }
        return q / (q * q).sum().squareRoot()
    }
}

/// A rigid transform `target_from_source`: `p_target = rotation · p_source + translation` (metres).
///
/// Used for camera poses as `worldFromCamera`; the camera frame is OpenCV's (x right, y down, z forward).
struct SynthPose: Equatable, Sendable {
    var rotation: Mat3
    var translation: SIMD3<Double>

    init(rotation: Mat3, translation: SIMD3<Double>) { (self.rotation, self.translation) = (rotation, translation) }

    static let identity = SynthPose(rotation: .identity, translation: .zero)

    @inline(__always) func apply(_ p: SIMD3<Double>) -> SIMD3<Double> { rotation.apply(p) + translation }

    var inverse: SynthPose {
        let rt = rotation.transposed
        return SynthPose(rotation: rt, translation: -rt.apply(translation))
    }

    /// `self ∘ other`: first `other`, then `self`.
    static func * (a: SynthPose, b: SynthPose) -> SynthPose {
        SynthPose(rotation: a.rotation * b.rotation, translation: a.apply(b.translation))
    }

    /// A camera at `eye` looking at `target`, world +z up, rolled by `roll` radians about the view axis.
    static func lookAt(eye: SIMD3<Double>, target: SIMD3<Double>, roll: Double = 0) -> SynthPose {
        var forward = target - eye
        let length = (forward * forward).sum().squareRoot()
        forward = length > 1e-9 ? forward / length : [1, 0, 0]
        var right = cross(forward, [0, 0, 1])
        let rightLength = (right * right).sum().squareRoot()
        right = rightLength > 1e-6 ? right / rightLength : [0, -1, 0]
        var down = cross(forward, right)
        if roll != 0 {
            let c = cos(roll), s = sin(roll)
            let r2 = right * c + down * s
            down = down * c - right * s
            right = r2
        }
        return SynthPose(rotation: Mat3(c0: right, c1: down, c2: forward), translation: eye)
    }
}

@inline(__always) func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    [a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x]
}

@inline(__always) func length(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }

@inline(__always) func crossF(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    [a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x]
}

@inline(__always) func normalizedF(_ v: SIMD3<Float>) -> SIMD3<Float> {
    let l = (v * v).sum().squareRoot()
    return l > 0 ? v / l : v
}

extension SynthPose {
    /// The same transform as a `Geometry.RigidTransform`.
    var rigid: RigidTransform {
        RigidTransform(rotation: Quaternion(xyzw: rotation.quaternionXYZW), translation: translation)
    }

    init(_ rigid: RigidTransform) {
        let m = rigid.rotation.normalized.rotationMatrix
        self.init(rotation: Mat3(c0: m.column(0), c1: m.column(1), c2: m.column(2)), translation: rigid.translation)
    }
}
