import Foundation

/// Portable samplers on any generator. Each consumes a fixed number of `next()` outputs (except the
/// rejection in `nextIndex(below:)`), so a seeded stream gives the same samples on every platform.
/// `@inlinable` so hot loops specialise them for the concrete generator instead of calling through the protocol.
extension RandomNumberGenerator {
    /// A Double uniform in `[0, 1)` from the top 53 bits of `next()`.
    @inlinable
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A Double uniform in `[range.lowerBound, range.upperBound)`.
    @inlinable
    public mutating func nextUniform(in range: Range<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * nextUnitDouble()
    }

    /// A standard normal sample (Box–Muller, one of the pair; consumes two outputs).
    @inlinable
    public mutating func nextGaussian() -> Double {
        let u1 = 1 - nextUnitDouble()  // (0, 1]: log stays finite
        let u2 = nextUnitDouble()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    /// A standard normal sample, Box–Muller with the first uniform clamped to 1e-300 (consumes two outputs).
    ///
    /// The same distribution as `nextGaussian()` but a different stream (`u` instead of `1 − u` in the log).
    /// Both stay: Tensor's weight initialisers and SceneSynth's noise draw from this one, so every saved
    /// checkpoint and synthetic scene depends on it; Geometry and Train draw from `nextGaussian()`.
    @inlinable
    public mutating func nextNormal() -> Double {
        let u1 = Swift.max(nextUnitDouble(), 1e-300), u2 = nextUnitDouble()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    /// An integer uniform in `0..<bound` (Lemire's multiply-shift with rejection, so no modulo bias).
    /// `bound` must be positive.
    @inlinable
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
}
