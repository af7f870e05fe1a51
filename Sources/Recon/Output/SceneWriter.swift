import Foundation
import Geometry
import SceneIO

/// Everything a scene folder holds, before writing.
struct SceneContents {
    var source: any RGBDSource
    var options: ReconOptions
    var mode: PoseMode
    var intrinsics: PinholeIntrinsics
    var viewFrames: [Int]
    var poses: [RigidTransform]
    var mesh: TriangleMesh
    var cloud: PointSet
    /// The correspondence table, already on disk up to its last view (renamed into place by `fill`).
    var correspondences: SceneCorrespondenceWriter
    var sourceView: [Int32]
    var sourceUV: [Float]
    var labels: (instance: [Int32], semantic: [Int32])?
}

/// One entry of `views.json`.
struct ViewRecord: Codable {
    var index: Int
    var frame: Int
    var timestamp: String
    var color: String
    var width: Int
    var height: Int
    var fx: Double
    var fy: Double
    var cx: Double
    var cy: Double
}

/// Writes a scene folder atomically through `StagedFolder`: a hidden temporary sibling renamed into place when
/// complete, an existing folder moved aside and deleted only after the new one is in place, so a failing run
/// leaves either the old folder or the new one, never a mixture (and a killed run's leftovers are removed).
enum SceneWriter {
    /// Runs `body` with the temporary folder (which `body` fills, e.g. through `fill`) and renames it into place.
    static func write<T>(to output: URL, _ body: (URL) throws -> T) throws(ReconError) -> T {
        do {
            return try StagedFolder.write(to: output, body)
        } catch let error as ReconError {
            throw error
        } catch {
            throw .unwritableOutput(url: output, reason: "\(error)")
        }
    }

    static func fill(_ url: URL, scene: SceneContents, summary: ReconSummary) throws {
        let source = scene.source
        var provenance: [String: String] = [
            "tool": "ovseg3r recon",
            "input": source.url.path,
            "input_kind": source.kind.rawValue,
            "pose_mode": scene.mode.rawValue,
            "options": scene.options.jsonString(),
        ]
        if let ate = summary.ateRMSE { provenance["summary.ate_rmse_m"] = String(format: "%.6f", ate) }
        if let ate = summary.ateRMSEInputPoses { provenance["summary.ate_rmse_input_poses_m"] = String(format: "%.6f", ate) }
        provenance["summary.text"] = summary.text
        var folder = try SceneFolder.create(at: url, provenance: provenance)
        let n = scene.cloud.positions.count
        try ScenePoints(coords: scene.cloud.positions.flatMap { [$0.x, $0.y, $0.z] },
                        colors: scene.cloud.colors.flatMap { [$0.x, $0.y, $0.z] },
                        normals: scene.cloud.normals.flatMap { [$0.x, $0.y, $0.z] }).write(to: &folder)
        try scene.correspondences.finish(into: &folder, sourceView: scene.sourceView, sourceUV: scene.sourceUV)
        if let labels = scene.labels {
            try SceneGroundTruthLabels(instance: labels.instance, semantic: labels.semantic).write(to: &folder)
        }
        if let instances = source.instancesFile {
            try FileManager.default.copyItem(at: instances, to: folder.url(of: .instances))
        }
        let mesh = scene.mesh
        try Ply.write(PlyMesh(positions: mesh.positions, colors: mesh.colors, normals: mesh.normals, faces: mesh.triangles,
                              comments: ["ovseg3r recon TSDF mesh (marching tetrahedra), metres, world frame"]),
                      to: folder.url(of: .mesh))
        let trajectory = TUMTrajectory(poses: zip(scene.viewFrames, scene.poses).map { frame, pose in
            var q = pose.rotation
            if q.w < 0 { q = Quaternion(x: -q.x, y: -q.y, z: -q.z, w: -q.w) }
            return TUMPose(timestamp: source.timestamp(of: frame), translation: pose.translation, rotationXYZW: q.xyzw)
        })
        try trajectory.write(to: folder.url(of: .poses))
        let k = scene.intrinsics
        let views = scene.viewFrames.enumerated().map { view, frame in
            ViewRecord(index: view, frame: frame, timestamp: source.timestamp(of: frame), color: source.colorPath(of: frame),
                       width: k.width, height: k.height, fx: k.fx, fy: k.fy, cx: k.cx, cy: k.cy)
        }
        try JSONFile.write(views, to: folder.url(of: .views))
        try folder.recordStage(.recon, options: SceneStageRecords.flatten(json: scene.options.jsonString()))
        try JSONFile.write(summary, to: folder.url(of: .reconSummary))
        try folder.setCount("points", n)
        try folder.setCount("views", scene.viewFrames.count)
        try folder.setCount("correspondences", scene.correspondences.count)
        try folder.setCount("mesh_vertices", mesh.vertexCount)
        try folder.setCount("mesh_triangles", mesh.triangleCount)
        try folder.setCount("frames_input", summary.framesInput)
        try folder.setCount("frames_used", summary.framesUsed)
        try folder.setCount("frames_dropped", summary.framesDropped.values.reduce(0, +))
        if let p = summary.poses {
            try folder.setCount("tracking_failures", p.trackingFailures)
            try folder.setCount("keyframes", p.keyframes)
            try folder.setCount("loop_closures", p.loopClosures)
        }
    }
}
