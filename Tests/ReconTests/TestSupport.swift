import Foundation
import Geometry
import SceneIO
import SceneSynth
@testable import Recon

/// Writes a small SceneSynth video (64×48 unless told) into `folder` and returns its path.
func writeSynthVideo(in folder: URL, frames: Int, width: Int = 64, height: Int = 48, seed: UInt64 = 3,
                     translationDrift: Double? = nil, rotationDriftDegrees: Double? = nil) throws -> URL {
    var o = SynthPreset.tiny.options
    o.width = width; o.height = height; o.frames = frames
    if let translationDrift { o.odometry.translationDriftPerMetre = translationDrift }
    if let rotationDriftDegrees { o.odometry.rotationDriftPerMetre = rotationDriftDegrees * .pi / 180 }
    let url = folder.appendingPathComponent("video")
    _ = try SynthWriter(options: o).write(seed: seed, to: url)
    return url
}

/// Options that keep debug-build tests fast: coarse voxels, few samples.
func fastOptions() -> ReconOptions {
    var o = ReconOptions()
    o.fusion.voxelSize = 0.03
    o.fusion.pointSpacing = 0.05
    o.tracking.maxPoints = 600
    o.tracking.iterations = [3, 3, 4]
    o.tracking.pyramidLevels = 2
    o.loopClosure.minKeyframeGap = 2
    return o
}

/// An analytic scene: the inside of the box [0, 4] × [0, 3] × [0, 2.5] metres with a smooth colour pattern
/// on the walls, ray-cast exactly (depth along the optical axis, millimetres).
enum BoxRoom {
    static let lower = SIMD3<Double>(0, 0, 0)
    static let upper = SIMD3<Double>(4, 3, 2.5)
    static let depthScale = 1000.0

    /// Distance of `p` to the nearest wall (the box's surface), metres.
    static func distanceToSurface(_ p: SIMD3<Double>) -> Double {
        min(abs(p.x - lower.x), abs(p.x - upper.x), abs(p.y - lower.y), abs(p.y - upper.y),
            abs(p.z - lower.z), abs(p.z - upper.z))
    }

    static func grey(_ p: SIMD3<Double>) -> Double {
        0.5 + 0.2 * sin(p.x * 9) * cos(p.y * 7) + 0.2 * sin(p.z * 11 + p.x * 3)
    }

    /// The view from `camera`, prepared for the bridge (depth 0.1–6 m).
    static func prepared(_ camera: RigidTransform, intrinsics: PinholeIntrinsics) -> PreparedFrame {
        PreparedFrame(render(worldFromCamera: camera, intrinsics: intrinsics), intrinsics: intrinsics, depthScale: depthScale,
                      depthRange: 0.1...6)
    }

    static func render(worldFromCamera: RigidTransform, intrinsics k: PinholeIntrinsics, index: Int = 0) -> RGBDFrame {
        var depth = [UInt16](repeating: 0, count: k.pixelCount)
        var color = RGBImage(width: k.width, height: k.height)
        let origin = worldFromCamera.translation
        for v in 0..<k.height {
            for u in 0..<k.width {
                let rayInCamera = SIMD3((Double(u) - k.cx) / k.fx, (Double(v) - k.cy) / k.fy, 1.0)
                let d = worldFromCamera.rotate(rayInCamera)
                var t = Double.infinity
                for axis in 0..<3 where abs(d[axis]) > 1e-12 {
                    let wall = d[axis] > 0 ? upper[axis] : lower[axis]
                    t = min(t, (wall - origin[axis]) / d[axis])
                }
                guard t.isFinite, t > 0 else { continue }
                depth[v * k.width + u] = UInt16(min(65535, (t * depthScale).rounded()))
                let g = UInt8(max(0, min(255, (grey(origin + t * d) * 255).rounded())))
                color.pixels[3 * (v * k.width + u)] = g
                color.pixels[3 * (v * k.width + u) + 1] = g
                color.pixels[3 * (v * k.width + u) + 2] = g
            }
        }
        return RGBDFrame(index: index, color: color, depth: depth)
    }

    /// A camera at `position` looking along `forward` with +z up (x right, y down in the image).
    static func camera(at position: SIMD3<Double>, looking forward: SIMD3<Double>) -> RigidTransform {
        let z = forward / length3(forward)
        var x = cross3(z, SIMD3(0, 0, 1))
        x /= length3(x)
        let y = cross3(z, x)
        let r = Matrix3(column0: x, column1: y, column2: z)
        return RigidTransform(rotation: Quaternion(rotationMatrix: r), translation: position)
    }
}
