import Foundation

/// Sine/cosine encoding of 3D coordinates, the DETR recipe applied per axis and concatenated x ‖ y ‖ z.
///
/// For an axis with `n` channels and coordinate `p`, channel `i` uses frequency `temperature^(2⌊i/2⌋/n)` on
/// `p·scale`: even channels take the sine, odd channels the cosine (interleaved, as
/// `stack(sin(pos[0::2]), cos(pos[1::2])).flatten()`). `channels` is split over the three axes with the first
/// two getting ⌈channels/3⌉ rounded up to even and the last the rest: 256 → 86/86/84, as SegDINO3D.
/// Coordinates should already be normalised (e.g. by the scene range); the encoding is a constant (no gradient).
public struct SinePositionalEncoding3D: Sendable {
    /// Output width.
    public let channels: Int
    /// Base of the frequency ladder (SegDINO3D: 20; DETR: 10000).
    public let temperature: Double
    /// Factor on the coordinates before the frequencies (2π for coordinates normalised to [0, 1]).
    public let scale: Double
    /// Channels per axis (x, y, z).
    public let axisChannels: [Int]

    public init(channels: Int = 256, temperature: Double = 20, scale: Double = 2 * Double.pi) {
        var first = (channels + 2) / 3
        if first % 2 == 1 { first += 1 }
        self.channels = channels
        self.temperature = temperature
        self.scale = scale
        axisChannels = [first, first, channels - 2 * first]
    }

    /// `coords [N, 3]` → `[N, channels]`, in the dtype of `coords`.
    public func callAsFunction(_ coords: Tensor) -> Tensor {
        precondition(coords.rank == 2 && coords.shape[1] == 3, "SinePositionalEncoding3D: coords \(coords.shape) must be [N, 3]")
        let n = coords.shape[0]
        let c = coords.doubles()
        var out = [Double](repeating: 0, count: n * channels)
        var base = 0
        for (axis, nf) in axisChannels.enumerated() {
            let freq = (0..<nf).map { Foundation.pow(temperature, Double(2 * ($0 / 2)) / Double(nf)) }
            for r in 0..<n {
                let p = c[r * 3 + axis] * scale
                for i in 0..<nf {
                    let a = p / freq[i]
                    out[r * channels + base + i] = i % 2 == 0 ? Foundation.sin(a) : Foundation.cos(a)
                }
            }
            base += nf
        }
        return (try? Tensor(out, shape: [n, channels], dtype: coords.dtype)) ?? Tensor.zeros([n, channels], dtype: coords.dtype)
    }
}
