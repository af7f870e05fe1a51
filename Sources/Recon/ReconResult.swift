import Foundation
import Geometry

/// What a reconstruction did; stored in `recon_summary.json` and (flattened) in `scene.json`.
public struct ReconSummary: Codable, Sendable, Equatable {
    public var input = ""
    public var inputKind = ""
    public var poseMode = ""
    /// Frames in the input, selected by `--frames`, and used.
    public var framesInput = 0
    public var framesSelected = 0
    public var framesUsed = 0
    /// Dropped frames by reason ("no_depth": too few valid depth pixels; "no_pose": unknown/non-finite pose).
    public var framesDropped: [String: Int] = [:]
    /// Every dropped frame: the input's frame number, the file that made it unusable, and why.
    public var skippedFrames: [SkippedFrame] = []
    /// Pose-stage counts (track/refine only).
    public var poses: PoseEstimationReport?
    /// ATE RMSE (metres) of the output poses against ground truth, when the input has it; lower is better.
    public var ateRMSE: Double?
    /// The same for the input's own (device) poses, for comparison; lower is better.
    public var ateRMSEInputPoses: Double?
    /// `refine` when the guard kept the device poses: the ATE RMSE the refined poses would have had; lower is better.
    public var ateRMSERefinedBeforeGuard: Double?
    /// track/refine: the ATE RMSE (metres) after each pose stage ("odometry": keyframe chain alone, "poseGraph",
    /// "globalRefinement"), before the refine guard; lower is better.
    public var ateRMSEStages: [String: Double]?
    public var points = 0
    public var meshVertices = 0
    public var meshTriangles = 0
    public var correspondences = 0
    /// Fraction of points seen by at least one view; higher is better.
    public var pointsSeenFraction = 0.0
    public var tsdfBlocks = 0
    public var tsdfBytes = 0
    /// Wall-clock seconds per stage ("read": the time tracking and fusion waited for the next frame, which is read and
    /// prepared on a background thread; "poses", "fusion", "mesh", "points", "correspondences", "labels", "write").
    public var seconds: [String: Double] = [:]
    /// Frames per second of the pose stage (excluding file reading); higher is better.
    public var trackingFPS: Double?
    /// Frames per second of TSDF integration (excluding file reading); higher is better.
    public var integrationFPS: Double?

    public init() {}

    /// One dropped frame, named.
    public struct SkippedFrame: Codable, Sendable, Equatable {
        public var frame: Int
        public var file: String
        public var reason: String
    }

    /// A human-readable multi-line summary.
    public var text: String {
        var lines: [String] = []
        lines.append("recon: \(input) (\(inputKind)), poses: \(poseMode)")
        let dropped = framesDropped.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        lines.append("  frames: \(framesUsed) used of \(framesSelected) selected (\(framesInput) in input)"
                     + (dropped.isEmpty ? "" : "; dropped: \(dropped)"))
        for skip in skippedFrames.prefix(5) { lines.append("  skipped frame \(skip.frame) (\(skip.file)): \(skip.reason)") }
        if skippedFrames.count > 5 { lines.append("  … and \(skippedFrames.count - 5) more skipped frames (recon_summary.json)") }
        if let p = poses {
            lines.append("  tracking: \(p.keyframes) keyframes, \(p.trackingFailures) failures (fallback pose), "
                         + (p.relocalisations > 0 ? "\(p.relocalisations) lost frames relocalised, " : "")
                         + "mean inlier ratio " + String(format: "%.2f", p.meanInlierRatio))
            lines.append("  loop closure: \(p.loopCandidates) candidates, \(p.loopClosures) edges kept, \(p.loopRejected) rejected")
            if let g = p.refineGuard {
                lines.append("  refine guard: kept \(g.kept) poses (\(g.reason); \(g.pairs) keyframe pairs, median residual "
                             + String(format: "%.2f mm refined vs %.2f mm device, inliers %.3f vs %.3f)",
                                      1000 * g.refinedMedianResidual, 1000 * g.deviceMedianResidual,
                                      g.refinedInlierRatio, g.deviceInlierRatio)
                             + (g.motionDisagreementP95.map { String(format: "; motion vs device p95 %.1f mm", 1000 * $0) } ?? "")
                             + (g.motionDisagreementMedian.map { String(format: ", median %.1f mm", 1000 * $0) } ?? ""))
            }
        }
        if let ate = ateRMSE {
            lines.append(String(format: "  ATE RMSE: %.4f m", ate)
                         + (ateRMSEInputPoses.map { String(format: " (input poses: %.4f m)", $0) } ?? "")
                         + (ateRMSERefinedBeforeGuard.map { String(format: " (refined, not kept: %.4f m)", $0) } ?? ""))
            if let stages = ateRMSEStages, !stages.isEmpty {
                lines.append("  ATE RMSE by stage: " + stages.sorted { $0.value > $1.value }
                    .map { $0.key + String(format: " %.4f m", $0.value) }.joined(separator: ", "))
            }
        }
        lines.append("  mesh: \(meshVertices) vertices, \(meshTriangles) triangles; TSDF \(tsdfBlocks) blocks, "
                     + String(format: "%.1f MB", Double(tsdfBytes) / 1e6))
        lines.append("  points: \(points); correspondences: \(correspondences); seen by a view: "
                     + String(format: "%.1f %%", 100 * pointsSeenFraction))
        let order = ["read", "poses", "fusion", "mesh", "points", "correspondences", "labels", "write"]
        let times = order.compactMap { key in seconds[key].map { key + " " + String(format: "%.2f s", $0) } }
        lines.append("  time: " + times.joined(separator: ", "))
        if let t = trackingFPS { lines.append(String(format: "  tracking: %.1f fps", t)) }
        if let i = integrationFPS { lines.append(String(format: "  integration: %.1f fps", i)) }
        return lines.joined(separator: "\n")
    }
}

/// The result of `Reconstruction.run`.
public struct ReconResult: Sendable {
    /// The scene folder written.
    public var output: URL
    public var summary: ReconSummary
    /// Output world_from_camera per used view.
    public var poses: [Geometry.RigidTransform]
    /// The input frame index of each used view.
    public var viewFrames: [Int]
}
