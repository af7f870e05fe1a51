import Geometry

extension PreparedFrame {
    /// The frame at half resolution (`intrinsics.scaled(by: 0.5)`), for keyframes that no longer serve as the
    /// tracking target: loop verification, overlap tests and the refine guard work on it at a quarter of the memory.
    ///
    /// Each 2×2 block becomes one pixel. Depth averages the block's valid depths that lie within 3 cm of its nearest
    /// one, so an object edge keeps the foreground depth instead of a point floating between surfaces; grey levels
    /// and colour average all four pixels.
    func halved() -> PreparedFrame {
        let k = intrinsics
        let half = k.scaled(by: 0.5)
        let w = half.width, h = half.height
        var depth = [Float](repeating: 0, count: w * h)
        var intensity = [Float](repeating: 0, count: w * h)
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        var valid = 0
        for v in 0..<h {
            for u in 0..<w {
                let corners = [(2 * v) * k.width + 2 * u, (2 * v) * k.width + 2 * u + 1,
                               (2 * v + 1) * k.width + 2 * u, (2 * v + 1) * k.width + 2 * u + 1]
                var nearest = Float.infinity
                for c in corners where self.depth[c] > 0 { nearest = min(nearest, self.depth[c]) }
                if nearest.isFinite {
                    var sum: Float = 0, count: Float = 0
                    for c in corners where self.depth[c] > 0 && self.depth[c] - nearest < 0.03 {
                        sum += self.depth[c]
                        count += 1
                    }
                    depth[v * w + u] = sum / count
                    valid += 1
                }
                var grey: Float = 0
                var colour = SIMD3<Int>(0, 0, 0)
                for c in corners {
                    grey += self.intensity[c]
                    colour &+= SIMD3(Int(self.rgb[3 * c]), Int(self.rgb[3 * c + 1]), Int(self.rgb[3 * c + 2]))
                }
                intensity[v * w + u] = grey / 4
                for channel in 0..<3 { rgb[3 * (v * w + u) + channel] = UInt8((colour[channel] + 2) / 4) }
            }
        }
        return PreparedFrame(intrinsics: half, depth: depth, rgb: rgb, intensity: intensity,
                             validDepthFraction: Double(valid) / Double(max(w * h, 1)))
    }

    /// Memberwise construction (the main initialiser converts a raw `RGBDFrame`).
    init(intrinsics: PinholeIntrinsics, depth: [Float], rgb: [UInt8], intensity: [Float], validDepthFraction: Double) {
        self.intrinsics = intrinsics
        self.depth = depth
        self.rgb = rgb
        self.intensity = intensity
        self.validDepthFraction = validDepthFraction
    }

    /// Bytes held by the pixel buffers.
    var byteCount: Int { depth.count * 4 + rgb.count + intensity.count * 4 }
}
