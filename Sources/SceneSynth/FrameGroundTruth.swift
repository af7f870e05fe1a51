/// Per-frame ground-truth measurements shared by the 2D model and the statistics: visible area per
/// instance and per part, and which instances touch in the image.
struct FrameGroundTruth {
    static let maxParts = 8
    let width: Int
    let height: Int
    /// GT instance id per pixel `[H·W]`.
    let instance: [UInt16]
    /// Visible pixels per instance id.
    var area: [Int]
    /// Visible pixels per (instance id, part): `partArea[id * maxParts + part]`.
    var partArea: [Int]
    /// Shared boundary length (4-neighbour pixel pairs) per unordered instance pair, sorted by key.
    var boundaries: [(UInt16, UInt16, Int)] = []

    init(instance: [UInt16], part: [UInt8], width: Int, height: Int, instanceCount: Int) {
        self.width = width
        self.height = height
        self.instance = instance
        area = [Int](repeating: 0, count: instanceCount + 1)
        partArea = [Int](repeating: 0, count: (instanceCount + 1) * FrameGroundTruth.maxParts)
        var shared: [UInt32: Int] = [:]
        for y in 0..<height {
            for x in 0..<width {
                let i = y * width + x
                let id = instance[i]
                area[Int(id)] += 1
                partArea[Int(id) * FrameGroundTruth.maxParts + min(Int(part[i]), FrameGroundTruth.maxParts - 1)] += 1
                if x + 1 < width { FrameGroundTruth.touch(id, instance[i + 1], &shared) }
                if y + 1 < height { FrameGroundTruth.touch(id, instance[i + width], &shared) }
            }
        }
        boundaries = shared.map { (UInt16($0.key >> 16), UInt16($0.key & 0xFFFF), $0.value) }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }

    @inline(__always) static func touch(_ a: UInt16, _ b: UInt16, _ shared: inout [UInt32: Int]) {
        guard a != b, a != 0, b != 0 else { return }
        let key = a < b ? UInt32(a) << 16 | UInt32(b) : UInt32(b) << 16 | UInt32(a)
        shared[key, default: 0] += 1
    }

    /// Non-structural instances with at least `minPixels` visible, by ascending id.
    func eligible(instances: [SynthInstance], minPixels: Int) -> [UInt16] {
        instances.filter { !$0.category.isStructural && area[Int($0.id)] >= minPixels }.map(\.id)
    }

    /// Parts of `id` with at least `minPixels` visible.
    func visibleParts(_ id: UInt16, minPixels: Int) -> [UInt8] {
        (0..<FrameGroundTruth.maxParts).compactMap { p in
            partArea[Int(id) * FrameGroundTruth.maxParts + p] >= minPixels ? UInt8(p) : nil
        }
    }

    /// Adjacent pairs of eligible instances, longest shared boundary first (ties by ids): merge candidates.
    func adjacentPairs(eligible: [UInt16], minShared: Int) -> [(UInt16, UInt16)] {
        var isEligible = [Bool](repeating: false, count: area.count)
        for id in eligible { isEligible[Int(id)] = true }
        return boundaries.filter { isEligible[Int($0.0)] && isEligible[Int($0.1)] && $0.2 >= minShared }
            .sorted { $0.2 != $1.2 ? $0.2 > $1.2 : ($0.0, $0.1) < ($1.0, $1.1) }
            .map { ($0.0, $0.1) }
    }
}

/// Mask-level faults that act on the label image.
enum BoundaryJitter {
    /// Resamples the label image through a smooth random displacement field of `amplitude` pixels
    /// (a coarse grid of Gaussian offsets, bilinearly interpolated): boundaries wobble, interiors stay.
    static func warp(_ labels: [Int32], width: Int, height: Int, amplitude: Double, rng: inout SynthRNG) -> [Int32] {
        guard amplitude > 0 else { return labels }
        let gw = 6, gh = 5
        let dx = (0..<(gw * gh)).map { _ in Float(rng.gaussian() * amplitude) }
        let dy = (0..<(gw * gh)).map { _ in Float(rng.gaussian() * amplitude) }
        var out = labels
        let sx = Float(gw - 1) / Float(max(1, width - 1)), sy = Float(gh - 1) / Float(max(1, height - 1))
        for y in 0..<height {
            let gy = Float(y) * sy
            let y0 = min(Int(gy), gh - 2), ty = gy - Float(y0)
            for x in 0..<width {
                let gx = Float(x) * sx
                let x0 = min(Int(gx), gw - 2), tx = gx - Float(x0)
                let i00 = y0 * gw + x0
                let ox = (dx[i00] * (1 - tx) + dx[i00 + 1] * tx) * (1 - ty) + (dx[i00 + gw] * (1 - tx) + dx[i00 + gw + 1] * tx) * ty
                let oy = (dy[i00] * (1 - tx) + dy[i00 + 1] * tx) * (1 - ty) + (dy[i00 + gw] * (1 - tx) + dy[i00 + gw + 1] * tx) * ty
                let srcX = min(max(Int((Float(x) + ox).rounded()), 0), width - 1)
                let srcY = min(max(Int((Float(y) + oy).rounded()), 0), height - 1)
                out[y * width + x] = labels[srcY * width + srcX]
            }
        }
        return out
    }

    /// Paints an elliptical false detection over pixels that carry no detection; false if too few pixels.
    static func paintBlob(_ labels: inout [Int32], width: Int, height: Int, segment: Int32, minPixels: Int,
                          rng: inout SynthRNG) -> Bool {
        for _ in 0..<6 {
            let cx = rng.uniform(0, Double(width)), cy = rng.uniform(0, Double(height))
            guard labels[min(Int(cy), height - 1) * width + min(Int(cx), width - 1)] < 0 else { continue }
            let rx = rng.uniform(0.04, 0.12) * Double(width), ry = rng.uniform(0.04, 0.12) * Double(width)
            var pixels: [Int] = []
            for y in max(0, Int(cy - ry))...min(height - 1, Int(cy + ry)) {
                for x in max(0, Int(cx - rx))...min(width - 1, Int(cx + rx)) {
                    let u = (Double(x) - cx) / rx, v = (Double(y) - cy) / ry
                    if u * u + v * v <= 1 && labels[y * width + x] < 0 { pixels.append(y * width + x) }
                }
            }
            if pixels.count >= minPixels {
                for p in pixels { labels[p] = segment }
                return true
            }
        }
        return false
    }
}
