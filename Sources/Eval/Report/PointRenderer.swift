import Foundation
import SceneIO

/// A small software renderer for coloured point clouds: orthographic projection, square splats and a
/// z-buffer, so nearer points hide farther ones.
///
/// World convention: metres, +z up. `elevation` is the camera's angle above the horizontal plane
/// (90° = straight down), `azimuth` turns the scene about +z before viewing. The cloud is fitted into
/// the image with a margin; background is white.
public struct PointRenderer: Sendable {
    public var width: Int
    public var height: Int
    /// Degrees; 90 = top-down.
    public var elevation: Double
    /// Degrees about +z.
    public var azimuth: Double

    public init(width: Int, height: Int, elevation: Double, azimuth: Double) {
        self.width = width
        self.height = height
        self.elevation = elevation
        self.azimuth = azimuth
    }

    /// Top-down view.
    public static func topDown(size: Int) -> PointRenderer { PointRenderer(width: size, height: size, elevation: 90, azimuth: 0) }
    /// An oblique view from 35° above the horizon.
    public static func oblique(size: Int) -> PointRenderer { PointRenderer(width: size, height: size, elevation: 35, azimuth: 30) }

    /// Renders points `[N, 3]` (flat `x y z …`) with one colour each.
    /// - Precondition: `coordinates.count == 3 · colors.count`.
    public func render(coordinates: [Float], colors: [SIMD3<UInt8>]) -> RGBImage {
        precondition(coordinates.count == 3 * colors.count, "one colour per point")
        var image = RGBImage(width: width, height: height)
        for i in image.pixels.indices { image.pixels[i] = 255 }
        let n = colors.count
        guard n > 0, width > 0, height > 0 else { return image }
        let (sinA, cosA) = (sin(azimuth * .pi / 180), cos(azimuth * .pi / 180))
        let (sinE, cosE) = (sin(elevation * .pi / 180), cos(elevation * .pi / 180))
        // Screen right u, screen up v, nearness d (larger = closer to the camera).
        var u = [Double](repeating: 0, count: n), v = u, d = u
        for i in 0..<n {
            let x = Double(coordinates[3 * i]), y = Double(coordinates[3 * i + 1]), z = Double(coordinates[3 * i + 2])
            let xr = cosA * x - sinA * y, yr = sinA * x + cosA * y
            u[i] = xr
            v[i] = yr * sinE + z * cosE
            d[i] = -yr * cosE + z * sinE
        }
        let margin = 0.04 * Double(min(width, height))
        let (uMin, uMax) = (u.min() ?? 0, u.max() ?? 1), (vMin, vMax) = (v.min() ?? 0, v.max() ?? 1)
        let (dMin, dMax) = (d.min() ?? 0, d.max() ?? 1)
        let scale = min((Double(width) - 2 * margin) / max(uMax - uMin, 1e-9), (Double(height) - 2 * margin) / max(vMax - vMin, 1e-9))
        let offsetU = (Double(width) - scale * (uMax - uMin)) / 2, offsetV = (Double(height) - scale * (vMax - vMin)) / 2
        // Splat radius grows as the cloud gets sparser on screen.
        let coverage = Double(width * height) / Double(n)
        let radius = max(1, min(4, Int((coverage.squareRoot() * 0.5).rounded())))
        var depth = [Double](repeating: -.infinity, count: width * height)
        for i in 0..<n {
            let px = Int(offsetU + (u[i] - uMin) * scale), py = Int(Double(height) - offsetV - (v[i] - vMin) * scale)
            // Farther points are drawn a little darker, which gives oblique views their depth cue.
            let shade = 0.7 + 0.3 * (dMax > dMin ? (d[i] - dMin) / (dMax - dMin) : 1)
            let c = colors[i]
            let color = SIMD3<UInt8>(UInt8(Double(c.x) * shade), UInt8(Double(c.y) * shade), UInt8(Double(c.z) * shade))
            for sy in max(0, py - radius)...min(height - 1, max(0, py + radius)) where py + radius >= 0 && py - radius < height {
                for sx in max(0, px - radius)...min(width - 1, max(0, px + radius)) where px + radius >= 0 && px - radius < width {
                    let k = sy * width + sx
                    if d[i] > depth[k] {
                        depth[k] = d[i]
                        image[sx, sy] = color
                    }
                }
            }
        }
        return image
    }
}
