import Foundation
import Geometry

/// Options of the colour image model.
public struct ColourOptions: Codable, Sendable, Equatable {
    /// Standard deviation of the per-frame step of log exposure (auto-exposure drift).
    public var exposureStep: Double = 0.03
    /// Probability per frame of an auto-exposure jump, and its log-size.
    public var exposureJumpRate: Double = 0.04
    public var exposureJump: Double = 0.2
    /// Sensor noise, standard deviation in 8-bit units.
    public var noise: Float = 2
    /// Relative darkening at the image corners.
    public var vignetting: Float = 0.25
    public init() {}

    /// Per-frame exposure multipliers: a mean-reverting random walk in log space with occasional jumps.
    func exposures(frames: Int, seed: UInt64) -> [Float] {
        var rng = SynthRNG(seed: seed, stream: SynthStream.exposure.rawValue)
        var logE = 0.0
        var out: [Float] = []
        for _ in 0..<frames {
            out.append(Float(exp(logE)))
            logE = 0.9 * logE + exposureStep * rng.gaussian()
            if rng.chance(exposureJumpRate) { logE += rng.chance(0.5) ? exposureJump : -exposureJump }
        }
        return out
    }
}

/// Lambertian shading of a visibility buffer into an 8-bit RGB image.
struct FrameShader {
    let room: SynthRoom
    let options: ColourOptions

    /// Tone curve from linear radiance in [0, 2] (1/2047 steps) to 8 bits: a soft shoulder above 0.7
    /// instead of hard clipping (like a camera's highlight roll-off), then gamma 1/2.2.
    static let toneCurve: [UInt8] = (0...4095).map { i in
        let x = Double(i) / 2047
        let y = x < 0.7 ? x : 0.7 + 0.3 * (1 - exp(-(x - 0.7) / 0.3))
        return UInt8(min(255, (pow(y, 1 / 2.2) * 255).rounded()))
    }

    /// RGB bytes `[H·W·3]`.
    func shade(_ vis: VisibilityBuffer, pose: SynthPose, camera: PinholeIntrinsics, exposure: Float, noiseSeed: UInt64) -> [UInt8] {
        let w = vis.width, h = vis.height
        var out = [UInt8](repeating: 0, count: w * h * 3)
        let mesh = room.mesh
        let rotation = pose.rotation
        let r0 = SIMD3<Float>(rotation.c0), r1 = SIMD3<Float>(rotation.c1), r2 = SIMD3<Float>(rotation.c2)
        let origin = SIMD3<Float>(pose.translation)
        let fx = Float(camera.fx), fy = Float(camera.fy), cx = Float(camera.cx), cy = Float(camera.cy)
        let lights = room.lights, ambient = room.ambient
        var noise = SynthRNG(seed: noiseSeed, stream: SynthStream.colourNoise.rawValue)
        let sigma = options.noise, vig = options.vignetting
        let maxR2 = cx * cx + cy * cy
        let curve = FrameShader.toneCurve
        var lastTriangle = -1
        var material = Material(.plain, .zero)
        var n = SIMD3<Float>.zero, tu = SIMD3<Float>.zero, tv = SIMD3<Float>.zero
        out.withUnsafeMutableBufferPointer { rgb in
            for y in 0..<h {
                for x in 0..<w {
                    let i = y * w + x
                    let t = Int(vis.triangle[i])
                    var c = SIMD3<Float>(0.02, 0.02, 0.02)
                    if t >= 0 {
                        let z = vis.depth[i]
                        let pc = SIMD3<Float>((Float(x) - cx) / fx * z, (Float(y) - cy) / fy * z, z)
                        let pw = r0 * pc.x + r1 * pc.y + r2 * pc.z + origin
                        if t != lastTriangle {
                            // Neighbouring pixels mostly see the same triangle.
                            lastTriangle = t
                            n = mesh.normals[t]
                            material = mesh.materials[Int(mesh.triangleMaterial[t])]
                            tu = mesh.tangentU[t]
                            tv = mesh.tangentV[t]
                        }
                        let albedo = material.albedo(u: (pw * tu).sum(), v: (pw * tv).sum())
                        var irradiance = SIMD3<Float>(repeating: ambient)
                        for light in lights {
                            let d = light.position - pw
                            let d2 = (d * d).sum()
                            let cosine = (n * d).sum() / d2.squareRoot()
                            if cosine > 0 { irradiance += light.intensity * (cosine / (1 + 0.25 * d2)) }
                        }
                        c = albedo * irradiance
                    }
                    let dx = Float(x) - cx, dy = Float(y) - cy
                    let gain = exposure * (1 - vig * (dx * dx + dy * dy) / maxR2)
                    // Triangular noise (sum of two uniforms) is cheap and close enough to Gaussian here.
                    let n0 = Float(noise.unit() + noise.unit() - 1) * sigma * 1.22 / 255
                    for k in 0..<3 {
                        let v = c[k] * gain + n0 * (k == 1 ? 1 : 0.8)
                        let q = Int(min(max(v, 0), 2) * 2047)
                        rgb[i * 3 + k] = curve[q]
                    }
                }
            }
        }
        return out
    }
}
