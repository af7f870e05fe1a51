import Foundation

/// Deterministic instance colours: index i gets hue i · golden angle, with saturation and value
/// cycling over three levels, so neighbouring indices differ strongly and index 0 is never grey.
public enum Palette {
    /// Colour of unannotated points and of points no prediction covers.
    public static let background = SIMD3<UInt8>(205, 205, 205)

    /// The colour of instance `index` (≥ 0); the same index always gives the same colour.
    public static func color(_ index: Int) -> SIMD3<UInt8> {
        let hue = (Double(index) * 0.618_033_988_749_895).truncatingRemainder(dividingBy: 1)
        let saturation = [0.85, 0.65, 0.95][index % 3]
        let value = [0.92, 0.75, 0.60][(index / 3) % 3]
        return hsv(hue: hue, saturation: saturation, value: value)
    }

    static func hsv(hue: Double, saturation: Double, value: Double) -> SIMD3<UInt8> {
        let h = hue * 6
        let sector = Int(h) % 6
        let f = h - Double(Int(h))
        let p = value * (1 - saturation), q = value * (1 - saturation * f), t = value * (1 - saturation * (1 - f))
        let (r, g, b): (Double, Double, Double)
        switch sector {
        case 0: (r, g, b) = (value, t, p)
        case 1: (r, g, b) = (q, value, p)
        case 2: (r, g, b) = (p, value, t)
        case 3: (r, g, b) = (p, q, value)
        case 4: (r, g, b) = (t, p, value)
        default: (r, g, b) = (value, p, q)
        }
        return SIMD3(UInt8(r * 255), UInt8(g * 255), UInt8(b * 255))
    }
}
