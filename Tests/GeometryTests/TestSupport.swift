import Geometry

/// Seeds shared by the property tests; each seed is an independent random case.
let propertySeeds: [UInt64] = [1, 2, 3, 42, 2026]

extension SeededGenerator {
    /// A uniformly random rotation (normalised 4-D Gaussian).
    mutating func nextRotation() -> Quaternion {
        Quaternion(x: nextGaussian(), y: nextGaussian(), z: nextGaussian(), w: nextGaussian()).normalized
    }

    /// A random rigid transform with translation in `[-2, 2)³` metres.
    mutating func nextTransform() -> RigidTransform {
        RigidTransform(rotation: nextRotation(), translation: nextPoint(halfExtent: 2))
    }
}

/// `|a − b|∞` of two 3-vectors.
func maxAbsDifference(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
    let d = a - b
    return max(abs(d.x), abs(d.y), abs(d.z))
}

/// `|a − b|∞` of two equally long arrays.
func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// The rotation distance between quaternions up to sign, `min(|a − b|, |a + b|)` over the four elements.
func quaternionDistance(_ a: Quaternion, _ b: Quaternion) -> Double {
    let minus = a.xyzw - b.xyzw, plus = a.xyzw + b.xyzw
    return min((minus * minus).sum(), (plus * plus).sum()).squareRoot()
}
