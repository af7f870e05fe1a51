/// A deterministic random number generator: SplitMix64 (Steele, Lea & Flood, OOPSLA 2014).
///
/// The one seeded generator of the toolkit (Geometry, SceneSynth, Tensor, Train all draw from it). The stream
/// is a pure function of the seed, the same on every platform and Swift version, so tests, synthetic scenes,
/// weight initialisation and training shuffles reproduce exactly. Stable contract: `next()` returns
/// `mix(seed + k · 0x9E3779B97F4A7C15)` for k = 1, 2, …, with the SplitMix64 finaliser `mix`.
/// (The standard library's `random(in:using:)` may change its algorithm between releases; for fully
/// stable streams use `nextUnitDouble()`, `nextUniform(in:)`, `nextGaussian()` and `nextIndex(below:)`.)
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The golden-ratio increment added to the state before every output.
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The internal state; `SeededGenerator(seed: state)` continues the stream from here.
    public private(set) var state: UInt64

    /// A generator whose whole sequence is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective 64-bit mix, also handy to derive independent stream seeds.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
