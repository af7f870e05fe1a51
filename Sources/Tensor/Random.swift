@_exported import Support

// Support is re-exported so every `import Tensor` sees `SeededGenerator` and the portable samplers
// (`nextUnitDouble()`, `nextNormal()`, `nextIndex(below:)`, …).

extension Tensor {
    /// Uniform samples in [low, high).
    public static func uniform(_ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = .float32,
                               using rng: inout some RandomNumberGenerator) -> Tensor {
        let t = Tensor(uninitialized: shape, dtype: dtype)
        t.fill { low + (high - low) * rng.nextUnitDouble() }
        return t
    }

    /// Normal samples with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = .float32,
                              using rng: inout some RandomNumberGenerator) -> Tensor {
        let t = Tensor(uninitialized: shape, dtype: dtype)
        t.fill { mean + std * rng.nextNormal() }
        return t
    }

    /// Writes `next()` into every element in order (only for freshly allocated, unshared tensors).
    func fill(_ next: () -> Double) {
        switch dtype {
        case .float32:
            let p = pointer(Float.self)
            for i in 0..<count { p[i] = Float(next()) }
        case .float64:
            let p = pointer(Double.self)
            for i in 0..<count { p[i] = next() }
        }
    }
}
