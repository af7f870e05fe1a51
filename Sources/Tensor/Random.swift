/// A small, fast, seedable generator (SplitMix64) so that initialisation and dropout repeat exactly.
///
/// Every API here that draws random numbers takes `inout some RandomNumberGenerator`, so any seeded generator
/// works (for instance Geometry's); this one exists so that the Tensor module needs no other module.
public struct SplitMix64: RandomNumberGenerator, Sendable {
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
    public mutating func nextUnit() -> Double { unitDouble() }

    /// Standard normal (Box–Muller).
    public mutating func nextNormal() -> Double { standardNormal() }
}

extension RandomNumberGenerator {
    /// Uniform in [0, 1) from the top 53 bits.
    mutating func unitDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal (Box–Muller; uses two uniforms per sample so sequences stay simple to reproduce).
    mutating func standardNormal() -> Double {
        let u1 = Swift.max(unitDouble(), 1e-300), u2 = unitDouble()
        return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * Double.pi * u2)
    }
}

extension Tensor {
    /// Uniform samples in [low, high).
    public static func uniform(_ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = .float32,
                               using rng: inout some RandomNumberGenerator) -> Tensor {
        let t = Tensor(uninitialized: shape, dtype: dtype)
        t.fill { low + (high - low) * rng.unitDouble() }
        return t
    }

    /// Normal samples with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = .float32,
                              using rng: inout some RandomNumberGenerator) -> Tensor {
        let t = Tensor(uninitialized: shape, dtype: dtype)
        t.fill { mean + std * rng.standardNormal() }
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
