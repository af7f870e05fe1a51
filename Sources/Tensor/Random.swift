/// A small, fast, seedable generator (SplitMix64) so that initialisation and dropout repeat exactly.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose whole sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal (Box–Muller).
    public mutating func nextNormal() -> Double {
        let u1 = Swift.max(nextUnit(), 1e-300), u2 = nextUnit()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }
}

@inline(__always) private func _log(_ x: Double) -> Double { Double.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Double.cos(x) }

extension Tensor {
    /// Uniform samples in [low, high).
    public static func uniform(_ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = .float32,
                               using rng: inout SeededGenerator) -> Tensor {
        let t = Tensor(uninitialized: shape, dtype: dtype)
        t.fill { low + (high - low) * rng.nextUnit() }
        return t
    }

    /// Normal samples with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = .float32,
                              using rng: inout SeededGenerator) -> Tensor {
        let t = Tensor(uninitialized: shape, dtype: dtype)
        t.fill { mean + std * rng.nextNormal() }
        return t
    }
}

extension Tensor {
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
