import Foundation
import Geometry
import SceneIO

/// What writing one scene produced.
public struct SynthResult: Sendable {
    public let folder: URL
    public let frames: Int
    public let instances: Int
    /// Rows of `pred2d/objects.npy` (all detections of all frames).
    public let detections: Int
    /// Camera path length in metres.
    public let pathLength: Double
    /// Fault and accuracy counts of the simulated 2D model, measured against the ground truth.
    public let statistics: FaultStatistics
}

/// Writes one synthetic video folder in the layout of design.md §3 plus ground truth:
///
/// ```
/// SCENE/intrinsics.json  color/000000.jpg  depth/000000.png  poses.txt (drifting odometry, TUM)
/// SCENE/pred2d/masks/000000.png  pred2d/instances/000000.json  pred2d/features/000000.npy  pred2d/objects.npy
/// SCENE/gt/poses.txt  gt/mesh.ply  gt/instances.json  gt/instance/000000.png  gt/semantic/000000.png
/// SCENE/synth.json       seed and the options used; written last, so it marks a finished scene
/// ```
/// Frames are rendered in parallel; each frame's files depend only on (options, seed, index).
public struct SynthWriter: Sendable {
    public let synthesizer: SceneSynthesizer

    public init(options: SynthOptions) throws(SceneSynthError) {
        synthesizer = try SceneSynthesizer(options: options)
    }

    static func frameName(_ index: Int) -> String { String(format: "%06d", index) }

    /// Whether `folder` holds a finished scene of `seed` written with these options: its `synth.json` (written
    /// last) records both. An unreadable or different record is not finished.
    public func isFinished(seed: UInt64, folder: URL) -> Bool {
        guard let data = try? Data(contentsOf: VideoFile.synthRecord.url(in: folder)),
              let record = try? JSONDecoder().decode(SceneRecord.self, from: data) else { return false }
        return record.seed == seed && record.options == synthesizer.options
    }

    /// Generates the scene for `seed` and writes it to `folder`.
    public func write(seed: UInt64, to folder: URL) throws(SceneSynthError) -> SynthResult {
        let scene = try synthesizer.makeScene(seed: seed)
        let fm = FileManager.default
        // A rewrite is unfinished until its record is written again.
        try? fm.removeItem(at: VideoFile.synthRecord.url(in: folder))
        let pred2d = VideoFolder.pred2dURL(of: folder)
        let outputs = [Pred2DFile.mask(frame: 0), .instances(frame: 0), .features(frame: 0)].map { $0.url(in: pred2d).deletingLastPathComponent() }
        let truth = VideoFile.groundTruth.url(in: folder)
        let folders = [VideoFile.color.url(in: folder), VideoFile.depth.url(in: folder),
                       truth.appendingPathComponent("instance"), truth.appendingPathComponent("semantic")]
        for url in folders + outputs {
            do { try fm.createDirectory(at: url, withIntermediateDirectories: true) } catch {
                throw .writeFailed(path: url.path, reason: "\(error)")
            }
        }
        let options = synthesizer.options
        let frames = options.frames
        let box = FrameResults(count: frames)
        let synthesizer = self.synthesizer
        DispatchQueue.concurrentPerform(iterations: frames) { index in
            let frame = synthesizer.renderFrame(scene, index: index)
            do {
                try SynthWriter.writeFrame(frame, scene: scene, options: options, folder: folder)
                let stats = FaultStatistics.measure(frame, instances: scene.room.instances, options: options.model2D,
                                                    width: options.width, height: options.height)
                box.store(index, detections: frame.model2D.detections, statistics: stats)
            } catch {
                box.fail(error)
            }
        }
        if let error = box.firstError { throw error }
        // Per-frame instance lists with global object rows, then the object features.
        var objectRows: [Float] = []
        var row = 0
        var statistics = FaultStatistics()
        for index in 0..<frames {
            let detections = box.detections[index]
            var items: [Pred2DInstance] = []
            for d in detections {
                items.append(Pred2DInstance(id: d.id, label: d.label, score: d.score, object: row))
                objectRows += d.feature
                row += 1
            }
            try io(folder) { try JSONFile.write(items, to: Pred2DFile.instances(frame: index).url(in: VideoFolder.pred2dURL(of: folder))) }
            statistics.add(box.statistics[index])
        }
        try io(folder) {
            try VideoFolderWriter.writePred2DObjects(Pred2DObjects(values: objectRows, channels: options.model2D.featureChannels),
                                                     to: Pred2DFile.objects.url(in: VideoFolder.pred2dURL(of: folder)))
        }
        try writeSceneFiles(scene, folder: folder)
        return SynthResult(folder: folder, frames: frames, instances: scene.room.instances.count, detections: row,
                           pathLength: scene.trajectory.pathLength, statistics: statistics)
    }

    static func writeFrame(_ frame: SynthFrame, scene: SynthScene, options: SynthOptions, folder: URL) throws(SceneSynthError) {
        let name = frameName(frame.index), w = options.width, h = options.height, level = options.pngCompressionLevel
        try io(folder) {
            try JPEG.write(try RGBImage(width: w, height: h, pixels: frame.colour),
                           to: VideoFile.color.url(in: folder).appendingPathComponent("\(name).jpg"), quality: options.jpegQuality)
            try PNG.write(try GrayImage16(width: w, height: h, pixels: frame.depth), to: VideoFile.depth.url(in: folder).appendingPathComponent("\(name).png"), compressionLevel: level)
            try PNG.write(try GrayImage16(width: w, height: h, pixels: frame.instance),
                          to: VideoFile.groundTruth.url(in: folder).appendingPathComponent("instance/\(name).png"), compressionLevel: level)
            try PNG.write(try GrayImage16(width: w, height: h, pixels: frame.semantic),
                          to: VideoFile.groundTruth.url(in: folder).appendingPathComponent("semantic/\(name).png"), compressionLevel: level)
            try PNG.write(try GrayImage16(width: w, height: h, pixels: frame.model2D.mask),
                          to: Pred2DFile.mask(frame: frame.index).url(in: VideoFolder.pred2dURL(of: folder)), compressionLevel: level)
            let m = frame.model2D
            try VideoFolderWriter.writePred2DFeatureMap(
                Pred2DFeatureMap(values: m.features, height: m.featureHeight, width: m.featureWidth, channels: options.model2D.featureChannels),
                to: Pred2DFile.features(frame: frame.index).url(in: VideoFolder.pred2dURL(of: folder)))
        }
    }

    func writeSceneFiles(_ scene: SynthScene, folder: URL) throws(SceneSynthError) {
        let options = synthesizer.options
        let c = scene.camera
        let intrinsics = CameraIntrinsicsFile(width: c.width, height: c.height, fx: c.fx, fy: c.fy, cx: c.cx, cy: c.cy,
                                              depthScale: options.depth.depthScale)
        try io(folder) {
            try intrinsics.write(to: VideoFile.intrinsics.url(in: folder))
            try SynthWriter.tum(scene.odometry, fps: options.camera.fps).write(to: VideoFile.poses.url(in: folder))
            try SynthWriter.tum(scene.trajectory.worldFromCamera, fps: options.camera.fps)
                .write(to: VideoFile.groundTruth.url(in: folder).appendingPathComponent("poses.txt"))
        }
        try writeJSON(scene.room.instances.map(InstanceRecord.init), VideoFile.groundTruth.url(in: folder).appendingPathComponent("instances.json"))
        try io(folder) { try Ply.write(SynthWriter.plyMesh(scene.room), to: VideoFile.groundTruth.url(in: folder).appendingPathComponent("mesh.ply")) }
        try writeJSON(SceneRecord(seed: scene.seed, pathLength: scene.trajectory.pathLength, options: options),
                      VideoFile.synthRecord.url(in: folder))
    }

    /// TUM trajectory (`timestamp tx ty tz qx qy qz qw`, world_from_camera), timestamps `index / fps` seconds.
    static func tum(_ poses: [RigidTransform], fps: Double) -> TUMTrajectory {
        TUMTrajectory(poses: poses.enumerated().map { i, p in
            var q = p.rotation.normalized
            if q.w < 0 { q = Quaternion(x: -q.x, y: -q.y, z: -q.z, w: -q.w) }
            return TUMPose(timestamp: String(format: "%.6f", Double(i) / fps), translation: p.translation, rotationXYZW: q.xyzw)
        })
    }

    /// The room mesh with per-vertex colour (albedo), `instance` and `semantic` (ScanNet200 id) properties.
    static func plyMesh(_ room: SynthRoom) -> PlyMesh {
        let mesh = room.mesh
        var colours = [SIMD3<UInt8>](repeating: .zero, count: mesh.positions.count)
        for t in 0..<mesh.triangleCount {
            let m = mesh.materials[Int(mesh.triangleMaterial[t])]
            let tri = mesh.triangles[t]
            for v in [Int(tri.x), Int(tri.y), Int(tri.z)] {
                let p = mesh.positions[v]
                let a = m.albedo(u: (p * mesh.tangentU[t]).sum(), v: (p * mesh.tangentV[t]).sum())
                colours[v] = SIMD3<UInt8>(simdClamp(a * 255, 0, 255).rounded(.toNearestOrEven))
            }
        }
        let semanticOf = [0] + room.instances.map(\.category.scanNetID)
        let faces = mesh.triangles.flatMap { [$0.x, $0.y, $0.z] }
        return PlyMesh(positions: mesh.positions, colors: colours,
                       scalars: [PlyScalarProperty(name: "instance", type: .int, values: mesh.vertexInstance.map { Double($0) }),
                                 PlyScalarProperty(name: "semantic", type: .int,
                                                   values: mesh.vertexInstance.map { Double(semanticOf[Int($0)]) })],
                       faces: faces, comments: ["ovseg3r SceneSynth room, metres, +z up"])
    }
}

/// One entry of `gt/instances.json`.
struct InstanceRecord: Codable {
    var id: Int
    var category: String
    var scannet_id: Int
    var split: String
    var flat: Bool
    var structural: Bool
    var parts: Int
    var bounds_min: [Float]
    var bounds_max: [Float]
    var supported_by: Int?

    init(_ i: SynthInstance) {
        id = Int(i.id); category = i.category.name; scannet_id = Int(i.category.scanNetID); split = i.category.split.rawValue
        flat = i.category.isFlat; structural = i.category.isStructural; parts = i.partCount
        bounds_min = [i.boundsMin.x, i.boundsMin.y, i.boundsMin.z]; bounds_max = [i.boundsMax.x, i.boundsMax.y, i.boundsMax.z]
        supported_by = i.supportedBy.map { Int($0) }
    }
}

struct SceneRecord: Codable {
    var seed: UInt64
    var pathLength: Double
    var options: SynthOptions
}

/// Results of the parallel frame loop, stored by frame index.
final class FrameResults: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var detections: [[Detection2D]]
    private(set) var statistics: [FaultStatistics]
    private(set) var firstError: SceneSynthError?

    init(count: Int) {
        detections = Array(repeating: [], count: count)
        statistics = Array(repeating: FaultStatistics(), count: count)
    }

    func store(_ index: Int, detections d: [Detection2D], statistics s: FaultStatistics) {
        lock.lock(); defer { lock.unlock() }
        detections[index] = d
        statistics[index] = s
    }

    func fail(_ error: Error) {
        lock.lock(); defer { lock.unlock() }
        if firstError == nil {
            firstError = (error as? SceneSynthError) ?? .writeFailed(path: "", reason: "\(error)")
        }
    }
}

/// Runs SceneIO writes, reporting a failure as `SceneSynthError.writeFailed` with the SceneIO error as reason.
func io(_ url: URL, _ body: () throws -> Void) throws(SceneSynthError) {
    do { try body() } catch {
        throw .writeFailed(path: url.path, reason: "\(error)")
    }
}

func writeJSON<T: Encodable>(_ value: T, _ url: URL) throws(SceneSynthError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data: Data
    do { data = try encoder.encode(value) } catch { throw .writeFailed(path: url.path, reason: "\(error)") }
    try io(url) { try AtomicFile.write(data + Data("\n".utf8), to: url) }
}
