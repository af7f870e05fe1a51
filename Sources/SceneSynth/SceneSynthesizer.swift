import Foundation
import Geometry

/// One synthetic video before rendering: the room, the true and the drifting camera path, the camera.
public struct SynthScene: Sendable {
    public let seed: UInt64
    public let room: SynthRoom
    public let camera: PinholeIntrinsics
    public let trajectory: Trajectory
    /// Device odometry `worldFromCamera` per frame (drifting).
    public let odometry: [RigidTransform]
    let odometryPoses: [SynthPose]
    let exposures: [Float]
}

/// Everything rendered for one frame, in memory.
public struct SynthFrame: Sendable {
    public let index: Int
    /// RGB bytes `[H·W·3]`.
    public var colour: [UInt8]
    /// Sensor depth `[H·W]` in 1/depthScale metres, 0 = missing.
    public var depth: [UInt16]
    /// True depth `[H·W]` in metres (`.infinity` where nothing was hit).
    public var trueDepth: [Float]
    /// GT instance id and ScanNet200 semantic id per pixel `[H·W]`, 0 = nothing.
    public var instance: [UInt16]
    public var semantic: [UInt16]
    /// GT part index per pixel `[H·W]`.
    public var part: [UInt8]
    /// The simulated 2D model's output.
    public var model2D: Frame2D
    public var silhouetteArea: [Int32]
}

/// Generates scenes and renders their frames; every frame depends only on (options, seed, index).
public struct SceneSynthesizer: Sendable {
    public let options: SynthOptions

    public init(options: SynthOptions) throws(SceneSynthError) {
        try options.validate()
        self.options = options
    }

    /// The seed of scene `index` of a run started with `seed`.
    public static func sceneSeed(_ seed: UInt64, index: Int) -> UInt64 { SynthRNG.mix(seed &+ UInt64(index) &* 0x9E37_79B9) }

    public func makeScene(seed: UInt64) throws(SceneSynthError) -> SynthScene {
        let room = try RoomLayout(options: options.room).generate(seed: seed)
        let camera = PinholeIntrinsics.synthStandard(width: options.width, height: options.height)
        let trajectory = Trajectory.generate(room: room, frames: options.frames, options: options.camera, seed: seed)
        let drift = DeviceOdometry(options: options.odometry).drift(trajectory.poses, seed: seed)
        return SynthScene(seed: seed, room: room, camera: camera, trajectory: trajectory, odometry: drift.map(\.rigid),
                          odometryPoses: drift, exposures: options.colour.exposures(frames: options.frames, seed: seed))
    }

    /// Renders frame `index` of `scene`.
    public func renderFrame(_ scene: SynthScene, index: Int) -> SynthFrame {
        let pose = scene.trajectory.poses[index]
        let mesh = scene.room.mesh
        let vis = Rasterizer().render(mesh, pose: pose, camera: scene.camera, instanceCount: scene.room.instances.count)
        let frameSeed = SynthRNG.mix(scene.seed ^ UInt64(index) &* 0x2545_F491_4F6C_DD1D)
        let colour = FrameShader(room: scene.room, options: options.colour)
            .shade(vis, pose: pose, camera: scene.camera, exposure: scene.exposures[index], noiseSeed: frameSeed)
        let depth = DepthSensorModel(options: options.depth).measure(vis, mesh: mesh, pose: pose, camera: scene.camera, seed: frameSeed)
        let n = vis.width * vis.height
        var instance = [UInt16](repeating: 0, count: n)
        var semantic = [UInt16](repeating: 0, count: n)
        var part = [UInt8](repeating: 0, count: n)
        let semanticOf = [0] + scene.room.instances.map(\.category.scanNetID)
        for i in 0..<n {
            let t = Int(vis.triangle[i])
            guard t >= 0 else { continue }
            let id = mesh.triangleInstance[t]
            instance[i] = id
            semantic[i] = semanticOf[Int(id)]
            part[i] = UInt8(min(Int(mesh.trianglePart[t]), 255))
        }
        let model = Simulated2DModel(options: options.model2D)
            .run(instance: instance, part: part, width: vis.width, height: vis.height, instances: scene.room.instances,
                 silhouetteArea: vis.silhouetteArea, seed: scene.seed, frame: index)
        return SynthFrame(index: index, colour: colour, depth: depth, trueDepth: vis.depth, instance: instance,
                          semantic: semantic, part: part, model2D: model, silhouetteArea: vis.silhouetteArea)
    }
}
