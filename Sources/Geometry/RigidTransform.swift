/// A rigid transform (rotation then translation) in `Double`: `x ↦ R x + t`, units metres.
///
/// Naming (COLMAP style): a transform named `aFromB` maps a point expressed in frame `b` into frame `a`,
/// e.g. `let pointInWorld = worldFromCamera.apply(to: pointInCamera)`. Then
/// `aFromB * bFromC == aFromC` and `aFromB.inverse == bFromA`. Camera poses on disk
/// (`poses.txt`, TUM format) are `worldFromCamera`; Ceres alignment solves for `targetFromSource`.
///
/// Invariant: `rotation` is a unit quaternion (the initialisers normalise it).
public struct RigidTransform: Sendable, Hashable {
    /// The rotation `R`, a unit quaternion (xyzw, Hamilton).
    public var rotation: Quaternion
    /// The translation `t` in metres.
    public var translation: SIMD3<Double>

    /// `x ↦ R(rotation) x + translation`; `rotation` is normalised.
    public init(rotation: Quaternion = .identity, translation: SIMD3<Double> = .zero) {
        self.rotation = rotation.normalized
        self.translation = translation
    }

    /// A transform from an axis-angle rotation vector (radians) and a translation (metres).
    public init(rotationVector: SIMD3<Double>, translation: SIMD3<Double>) {
        self.init(rotation: Quaternion(rotationVector: rotationVector), translation: translation)
    }

    /// The identity transform.
    public static let identity = RigidTransform()

    // MARK: - Group operations

    /// `self * other`: apply `other` first, then `self`.
    public func composed(with other: RigidTransform) -> RigidTransform {
        RigidTransform(rotation: rotation * other.rotation,
                       translation: rotation.rotate(other.translation) + translation)
    }

    /// `a * b == a.composed(with: b)`; `aFromB * bFromC == aFromC`.
    public static func * (a: RigidTransform, b: RigidTransform) -> RigidTransform {
        a.composed(with: b)
    }

    /// The inverse transform `x ↦ Rᵀ x − Rᵀ t`.
    public var inverse: RigidTransform {
        let inverseRotation = rotation.conjugate
        return RigidTransform(rotation: inverseRotation, translation: -inverseRotation.rotate(translation))
    }

    // MARK: - Acting on points

    /// `R p + t`.
    public func apply(to point: SIMD3<Double>) -> SIMD3<Double> {
        rotation.rotate(point) + translation
    }

    /// `R p + t` for a single-precision point (computed in Double, rounded once).
    public func apply(to point: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3<Float>(apply(to: SIMD3<Double>(point)))
    }

    /// `R p + t` for every point of `[N]` single-precision points (a Float 3×4 matrix, for speed).
    public func apply(to points: [SIMD3<Float>]) -> [SIMD3<Float>] {
        let r = rotation.rotationMatrix
        let r0 = SIMD3<Float>(r.row0), r1 = SIMD3<Float>(r.row1), r2 = SIMD3<Float>(r.row2)
        let t = SIMD3<Float>(translation)
        return points.map { p in
            SIMD3(dot3(r0, p), dot3(r1, p), dot3(r2, p)) + t
        }
    }

    /// Rotates a direction (a normal, a ray) without translating it.
    public func rotate(_ direction: SIMD3<Double>) -> SIMD3<Double> {
        rotation.rotate(direction)
    }

    // MARK: - Matrices

    /// The 4×4 homogeneous matrix `[R t; 0 0 0 1]` as 16 row-major Doubles (numpy / Open3D layout).
    public var matrix4x4: [Double] {
        let r = rotation.rotationMatrix
        return [r.row0.x, r.row0.y, r.row0.z, translation.x,
                r.row1.x, r.row1.y, r.row1.z, translation.y,
                r.row2.x, r.row2.y, r.row2.z, translation.z,
                0, 0, 0, 1]
    }

    /// A transform from a row-major 4×4 homogeneous matrix (16 Doubles, e.g. a ScanNet pose file).
    ///
    /// Throws unless the matrix has 16 finite elements, bottom row `0 0 0 1`, `|RᵀR − I|∞ ≤ tolerance`
    /// and `det R > 0`. A matrix within tolerance is projected to the nearest rotation via the quaternion.
    public init(matrix: [Double], tolerance: Double = 1e-6) throws(GeometryError) {
        guard matrix.count == 16 else {
            throw .sizeMismatch(name: "matrix", expected: 16, actual: matrix.count)
        }
        if let bad = matrix.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(name: "matrix", index: bad)
        }
        let bottomError = max(abs(matrix[12]), abs(matrix[13]), abs(matrix[14]), abs(matrix[15] - 1))
        guard bottomError <= tolerance else {
            throw .notRigid(property: "|bottom row − (0 0 0 1)|∞", actual: bottomError, tolerance: tolerance)
        }
        let r = Matrix3(row0: SIMD3(matrix[0], matrix[1], matrix[2]),
                        row1: SIMD3(matrix[4], matrix[5], matrix[6]),
                        row2: SIMD3(matrix[8], matrix[9], matrix[10]))
        let orthogonalityError = (r.transposed * r - .identity).maxAbsElement
        guard orthogonalityError <= tolerance else {
            throw .notRigid(property: "|RᵀR − I|∞", actual: orthogonalityError, tolerance: tolerance)
        }
        let det = r.determinant
        guard det > 0 else {
            throw .notRigid(property: "det R (a reflection)", actual: det, tolerance: tolerance)
        }
        self.init(rotation: Quaternion(rotationMatrix: r),
                  translation: SIMD3(matrix[3], matrix[7], matrix[11]))
    }

    // MARK: - Distances

    /// `|t_self − t_other|` in metres (the translational part of ATE/RPE-style pose errors).
    public func translationDistance(to other: RigidTransform) -> Double {
        length3(translation - other.translation)
    }

    /// The geodesic angle in radians, in `[0, π]`, between the two rotations.
    public func rotationAngle(to other: RigidTransform) -> Double {
        rotation.angle(to: other.rotation)
    }
}
