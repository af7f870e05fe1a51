import Foundation

/// A procedural surface texture, evaluated in metres on the plane of each triangle.
///
/// Every pattern has gradients at a few centimetres so that photometric alignment has something to
/// lock on to; `scale` is the size of one pattern feature in metres.
public struct Material: Equatable, Sendable {
    public enum Pattern: UInt8, Sendable {
        case plain, wood, tiles, fabric, stripes, painting, screen, speckle, glass
    }

    public var pattern: Pattern
    /// Main albedo, linear RGB in [0, 1].
    public var colourA: SIMD3<Float>
    /// Secondary albedo (grain, grout, stripe).
    public var colourB: SIMD3<Float>
    /// Feature size in metres.
    public var scale: Float
    public var seed: UInt32

    public init(_ pattern: Pattern, _ a: SIMD3<Float>, _ b: SIMD3<Float>? = nil, scale: Float = 0.1, seed: UInt32 = 0) {
        self.pattern = pattern
        self.colourA = a
        self.colourB = b ?? a * 0.7
        self.scale = scale
        self.seed = seed
    }

    /// Albedo at plane coordinates (u, v) in metres.
    @inline(__always)
    func albedo(u: Float, v: Float) -> SIMD3<Float> {
        let s = 1 / scale
        switch pattern {
        case .plain:
            let n = valueNoise(u * s * 4, v * s * 4, seed)
            return colourA * (0.92 + 0.16 * n)
        case .wood:
            let n = valueNoise(u * s * 0.7, v * s * 8, seed)
            let ring = 0.5 + 0.5 * sinApprox((u * s * 6 + n * 5))
            return mix(colourA, colourB, ring * 0.8)
        case .tiles:
            let fu = fract(u * s), fv = fract(v * s)
            let grout: Float = (fu < 0.05 || fv < 0.05) ? 1 : 0
            let tile = valueNoise(floorF(u * s) * 7.3, floorF(v * s) * 3.1, seed)
            let base = colourA * (0.85 + 0.3 * tile) * (0.95 + 0.1 * valueNoise(u * s * 9, v * s * 9, seed &+ 1))
            return mix(base, colourB, grout)
        case .fabric:
            let weave = 0.5 + 0.25 * (sinApprox(u * s * 40) + sinApprox(v * s * 40))
            let n = valueNoise(u * s * 3, v * s * 3, seed)
            return mix(colourA, colourB, 0.25 * weave + 0.3 * n)
        case .stripes:
            let stripe: Float = fract(u * s) < 0.5 ? 0 : 1
            let n = valueNoise(u * s * 6, v * s * 6, seed)
            return mix(colourA, colourB, stripe * 0.6) * (0.9 + 0.2 * n)
        case .painting:
            let n1 = valueNoise(u * s, v * s, seed)
            let n2 = valueNoise(u * s * 2.3, v * s * 2.3, seed &+ 7)
            let n3 = valueNoise(u * s * 5, v * s * 5, seed &+ 13)
            let c3 = SIMD3<Float>(colourB.z, colourA.x, colourB.y)
            return mix(mix(colourA, colourB, n1), c3, n2 * 0.6) * (0.8 + 0.3 * n3)
        case .screen:
            let n = valueNoise(u * s, v * s, seed)
            return mix(colourA, colourB, 0.3 * n + 0.2 * fract(v * s * 0.5))
        case .speckle:
            let n = valueNoise(u * s * 10, v * s * 10, seed)
            let spot: Float = n > 0.75 ? 1 : 0
            return mix(colourA * (0.9 + 0.2 * valueNoise(u * s, v * s, seed &+ 3)), colourB, spot)
        case .glass:
            let n = valueNoise(u * s * 0.5, v * s * 0.5, seed)
            return mix(colourA, colourB, n)
        }
    }
}

@inline(__always) func mix(_ a: SIMD3<Float>, _ b: SIMD3<Float>, _ t: Float) -> SIMD3<Float> { a + (b - a) * t }
@inline(__always) func floorF(_ x: Float) -> Float { x.rounded(.down) }
@inline(__always) func fract(_ x: Float) -> Float { x - x.rounded(.down) }

/// A cheap periodic approximation of sin (period 2π), good to ~1 % — textures need speed, not accuracy.
@inline(__always) func sinApprox(_ x: Float) -> Float {
    let t = fract(x * 0.159_154_94 + 0.25) * 2 - 1   // triangle wave in [-1, 1]
    let a = 2 * abs(t) - 1
    return a * (1.5 - 0.5 * a * a)
}

@inline(__always) func latticeHash(_ x: Int32, _ y: Int32, _ seed: UInt32) -> Float {
    var h = UInt32(bitPattern: x) &* 0x27D4_EB2D ^ UInt32(bitPattern: y) &* 0x1656_67B1 ^ seed &* 0x9E37_79B9
    h ^= h >> 15
    h = h &* 0x85EB_CA6B
    h ^= h >> 13
    return Float(h & 0xFFFF) * (1 / 65535)
}

/// Smooth value noise in [0, 1] with unit lattice spacing.
@inline(__always) func valueNoise(_ x: Float, _ y: Float, _ seed: UInt32) -> Float {
    let fx = floorF(x), fy = floorF(y)
    let ix = Int32(truncatingIfNeeded: Int(fx)), iy = Int32(truncatingIfNeeded: Int(fy))
    var tx = x - fx, ty = y - fy
    tx = tx * tx * (3 - 2 * tx)
    ty = ty * ty * (3 - 2 * ty)
    let a = latticeHash(ix, iy, seed), b = latticeHash(ix &+ 1, iy, seed)
    let c = latticeHash(ix, iy &+ 1, seed), d = latticeHash(ix &+ 1, iy &+ 1, seed)
    return (a + (b - a) * tx) + ((c + (d - c) * tx) - (a + (b - a) * tx)) * ty
}

@inline(__always) func cosF(_ x: Float) -> Float { cos(x) }
@inline(__always) func sinF(_ x: Float) -> Float { sin(x) }
