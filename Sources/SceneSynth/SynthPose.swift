import Foundation
import Geometry

/// A 3×3 rotation stored by columns (Double): the renderer's inner loops apply it to every vertex and
/// pixel, so it is kept as plain columns; conversions go through `Geometry.Matrix3` / `Quaternion`.
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

    /// Rotation by the rotation vector `omega` (axis × angle in radians), via `Geometry.Quaternion`.
    static func rotation(vector omega: SIMD3<Double>) -> Mat3 {
        Mat3(Quaternion(rotationVector: omega).rotationMatrix)
    }

    init(_ m: Matrix3) { self.init(c0: m.column(0), c1: m.column(1), c2: m.column(2)) }

    var matrix3: Matrix3 { Matrix3(column0: c0, column1: c1, column2: c2) }

    /// The rotation angle in radians.
    var angle: Double {
        let trace = c0.x + c1.y + c2.z
        return acos(min(1, max(-1, (trace - 1) / 2)))
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
        RigidTransform(rotation: Quaternion(rotationMatrix: rotation.matrix3), translation: translation)
    }

    init(_ rigid: RigidTransform) {
        self.init(rotation: Mat3(rigid.rotation.normalized.rotationMatrix), translation: rigid.translation)
    }
}
