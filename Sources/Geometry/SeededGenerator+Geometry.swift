@_exported import Support

// Support is re-exported so every `import Geometry` keeps seeing `SeededGenerator` and the samplers.

extension SeededGenerator {
    /// A point with coordinates uniform in `[-halfExtent, halfExtent)`.
    public mutating func nextPoint(halfExtent: Double) -> SIMD3<Double> {
        SIMD3(nextUniform(in: -halfExtent..<halfExtent), nextUniform(in: -halfExtent..<halfExtent),
              nextUniform(in: -halfExtent..<halfExtent))
    }

    /// A unit vector uniform on the sphere (normalised Gaussian triple).
    public mutating func nextUnitVector() -> SIMD3<Double> {
        while true {
            let v = SIMD3(nextGaussian(), nextGaussian(), nextGaussian())
            let n = length3(v)
            if n > 1e-9 { return v / n }
        }
    }
}
