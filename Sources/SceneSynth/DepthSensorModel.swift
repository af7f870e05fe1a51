import Foundation
import Geometry

/// Parameters of the simulated depth sensor (Kinect-like; metres).
public struct DepthSensorOptions: Codable, Sendable, Equatable {
    /// Axial noise σ(z) = sigmaBase + sigmaQuadratic·(z − sigmaOffset)² metres.
    public var sigmaBase: Double = 0.0012
    public var sigmaQuadratic: Double = 0.0019
    public var sigmaOffset: Double = 0.4
    /// Valid range; readings outside are missing (0).
    public var minRange: Double = 0.3
    public var maxRange: Double = 4.5
    /// A pixel is on a depth discontinuity when a 4-neighbour differs by more than this fraction of its depth.
    public var edgeRelativeJump: Double = 0.06
    /// Probability that a discontinuity pixel reads no depth.
    public var edgeDropout: Double = 0.7
    /// Below this |cos| between view ray and surface normal (grazing angle) readings drop out …
    public var grazingCosine: Double = 0.2
    /// … with this probability.
    public var grazingDropout: Double = 0.8
    /// Probability of a missing reading anywhere (speckle).
    public var randomDropout: Double = 0.002
    /// Units per metre of the stored uint16 depth.
    public var depthScale: Double = 1000
    public init() {}

    /// Axial noise standard deviation at depth `z` metres.
    public func sigma(atDepth z: Double) -> Double { sigmaBase + sigmaQuadratic * (z - sigmaOffset) * (z - sigmaOffset) }
}

/// Turns true depth into a sensor reading: noise, quantisation and missing data.
public struct DepthSensorModel: Sendable {
    public let options: DepthSensorOptions

    public init(options: DepthSensorOptions) { self.options = options }

    /// Simulated uint16 depth `[H·W]` (units of 1/depthScale metres, 0 = missing) for a visibility buffer.
    public func measure(_ vis: VisibilityBuffer, mesh: SceneMesh, worldFromCamera: RigidTransform,
                        camera: PinholeIntrinsics, seed: UInt64) -> [UInt16] {
        measure(vis, mesh: mesh, pose: SynthPose(worldFromCamera), camera: camera, seed: seed)
    }

    func measure(_ vis: VisibilityBuffer, mesh: SceneMesh, pose: SynthPose, camera: PinholeIntrinsics, seed: UInt64) -> [UInt16] {
        let w = vis.width, h = vis.height, o = options
        var out = [UInt16](repeating: 0, count: w * h)
        var rng = SynthRNG(seed: seed, stream: SynthStream.depthNoise.rawValue)
        let rt = pose.rotation.transposed
        let fx = camera.fx, fy = camera.fy, cx = camera.cx, cy = camera.cy
        let depth = vis.depth
        // Neighbouring pixels mostly see the same triangle: keep its camera-frame normal.
        var lastTriangle = -1
        var normal = SIMD3<Double>.zero
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                let t = Int(vis.triangle[i])
                guard t >= 0 else { continue }
                let z = Double(depth[i])
                guard z >= o.minRange, z <= o.maxRange else { continue }
                if o.randomDropout > 0, rng.chance(o.randomDropout) { continue }
                // Depth discontinuity with any 4-neighbour (or the image border of nothing).
                let jump = o.edgeRelativeJump * z
                var edge = false
                if x > 0, abs(Double(depth[i - 1]) - z) > jump { edge = true }
                if x < w - 1, abs(Double(depth[i + 1]) - z) > jump { edge = true }
                if y > 0, abs(Double(depth[i - w]) - z) > jump { edge = true }
                if y < h - 1, abs(Double(depth[i + w]) - z) > jump { edge = true }
                if edge, rng.chance(o.edgeDropout) { continue }
                // Grazing angle between the viewing ray and the surface.
                if t != lastTriangle {
                    normal = rt.apply(SIMD3<Double>(mesh.normals[t]))
                    lastTriangle = t
                }
                let n = normal
                let ray = SIMD3<Double>((Double(x) - cx) / fx, (Double(y) - cy) / fy, 1)
                let cosine = abs((n * ray).sum()) / length(ray)
                if cosine < o.grazingCosine, rng.chance(o.grazingDropout) { continue }
                let g = Double(rng.fastGaussian())
                let measured = z + o.sigma(atDepth: z) * g
                let units = (measured * o.depthScale).rounded()
                guard units >= 1, units <= 65535 else { continue }
                out[i] = UInt16(units)
            }
        }
        return out
    }
}
