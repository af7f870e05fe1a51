import Foundation
import Geometry

/// Elastic distortion (method §4.6): a smooth random displacement field added to every position.
///
/// The field is Gaussian noise on a regular grid of spacing `granularity` covering the scene (one cell of margin),
/// smoothed by a 3-tap box filter along x, y and z (twice), trilinearly interpolated at each position and
/// scaled by `magnitude`. Smoothing makes nearby points move together, so objects bend rather than scatter.
/// Positions outside the grid are left where they are.
public struct ElasticDistortion: Sendable {
    /// Grid spacing, metres.
    public let granularity: Double
    /// Displacement per unit of smoothed noise, metres.
    public let magnitude: Double
    /// Grid origin (the corner cell's position), metres `[3]`.
    let origin: [Double]
    /// Grid size per axis `[3]`.
    let dims: [Int]
    /// Smoothed noise `[dims[0], dims[1], dims[2], 3]`, x slowest.
    let noise: [Double]

    /// A field over the box `lower...upper` (metres) with noise drawn from `rng`.
    public init(lower: [Float], upper: [Float], granularity: Double, magnitude: Double, using rng: inout SeededGenerator) {
        self.granularity = granularity
        self.magnitude = magnitude
        origin = (0..<3).map { Double(lower[$0]) - granularity }
        dims = (0..<3).map { Int((Double(upper[$0] - lower[$0]) / granularity).rounded(.down)) + 3 }
        var field = (0..<(dims[0] * dims[1] * dims[2] * 3)).map { _ in rng.nextGaussian() }
        for _ in 0..<2 { for axis in 0..<3 { Self.boxBlur(&field, dims: dims, axis: axis) } }
        noise = field
    }

    /// The same 3-tap mean along one axis, ends clamped (the edge value repeats).
    static func boxBlur(_ field: inout [Double], dims: [Int], axis: Int) {
        let strides = [dims[1] * dims[2] * 3, dims[2] * 3, 3]
        let n = dims[axis], stride = strides[axis]
        let source = field
        for start in 0..<field.count where (start / stride) % n == 0 {
            for i in 0..<n {
                let a = source[start + max(i - 1, 0) * stride], b = source[start + i * stride]
                let c = source[start + min(i + 1, n - 1) * stride]
                field[start + i * stride] = (a + b + c) / 3
            }
        }
    }

    /// The displacement (metres) at a position (metres), zero outside the grid.
    public func displacement(at p: SIMD3<Double>) -> SIMD3<Double> {
        var base = SIMD3<Int>(0, 0, 0), frac = SIMD3<Double>(0, 0, 0)
        for a in 0..<3 {
            let u = (p[a] - origin[a]) / granularity
            guard u >= 0, u <= Double(dims[a] - 1) else { return .zero }
            base[a] = min(Int(u), dims[a] - 2)
            frac[a] = u - Double(base[a])
        }
        var out = SIMD3<Double>.zero
        for corner in 0..<8 {
            let o = SIMD3<Int>((corner >> 2) & 1, (corner >> 1) & 1, corner & 1)
            var w = 1.0
            for a in 0..<3 { w *= o[a] == 1 ? frac[a] : 1 - frac[a] }
            let cell = (((base.x + o.x) * dims[1] + base.y + o.y) * dims[2] + base.z + o.z) * 3
            out += w * SIMD3(noise[cell], noise[cell + 1], noise[cell + 2])
        }
        return out * magnitude
    }

    /// `rows [R, 3]` (metres) moved by the field.
    public func apply(_ rows: [Float]) -> [Float] {
        var out = rows
        for i in 0..<(rows.count / 3) {
            let p = SIMD3(Double(rows[i * 3]), Double(rows[i * 3 + 1]), Double(rows[i * 3 + 2]))
            let q = p + displacement(at: p)
            for a in 0..<3 { out[i * 3 + a] = Float(q[a]) }
        }
        return out
    }
}
