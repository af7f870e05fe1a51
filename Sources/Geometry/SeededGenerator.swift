import Foundation

/// A deterministic random number generator: SplitMix64 (Steele, Lea & Flood, OOPSLA 2014).
///
/// The stream is a pure function of the seed, the same on every platform and Swift version, so tests,
/// synthetic scenes and training shuffles reproduce exactly. Stable contract: `next()` returns
/// `mix(seed + k · 0x9E3779B97F4A7C15)` for k = 1, 2, …, with the SplitMix64 finaliser `mix`.
/// (The standard library's `random(in:using:)` may change its algorithm between releases; for fully
/// stable streams use `nextUnitDouble()`, `nextUniform(in:)`, `nextGaussian()` and `nextIndex(below:)`.)
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The internal state; advancing it by the golden-ratio increment gives the next output.
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A Double uniform in `[0, 1)` from the top 53 bits of `next()`.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A Double uniform in `[range.lowerBound, range.upperBound)`.
    public mutating func nextUniform(in range: Range<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * nextUnitDouble()
    }

    /// A standard normal sample (Box–Muller, one of the pair; consumes two outputs).
    public mutating func nextGaussian() -> Double {
        let u1 = 1 - nextUnitDouble()  // (0, 1]: log stays finite
        let u2 = nextUnitDouble()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    /// An integer uniform in `0..<bound` (Lemire's multiply-shift with rejection, so no modulo bias).
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold {
                product = next().multipliedFullWidth(by: b)
            }
        }
        return Int(product.high)
    }

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
