import CBridge
import Foundation
import Geometry

/// What the global dense refinement did, stored in the summary (`poses.globalRefinement`).
public struct GlobalRefinementResult: Codable, Sendable, Equatable {
    /// Overlapping keyframe pairs selected, and pair directions with enough matches in the last round.
    public var pairs = 0
    public var pairDirectionsUsed = 0
    /// Matches in the last round.
    public var matches = 0
    /// Point-to-plane RMSE (metres) between overlapping keyframes before and after; lower is better.
    public var rmseBefore = 0.0
    public var rmseAfter = 0.0
    public var iterations = 0
    public var seconds = 0.0
}

/// After the pose graph: all keyframe poses jointly refined by point-to-plane residuals between every pair of
/// overlapping keyframes (CBridge `cb_dense_refine`).
///
/// The pose graph only sees each edge's single estimate, so the error of each odometry or loop edge (noise of one
/// pair's alignment) stays in the trajectory. Here every overlapping pair pulls on both poses at once with all its
/// matched depth samples, which averages those errors over many pairs — the role of the dense bundle adjustment in
/// BundleFusion-like systems, with depth only.
enum GlobalRefinement {
    /// Keyframe pairs (a < b) whose cameras are within `maxPairDistance` metres, look within `maxPairAngleDegrees`
    /// of each other and overlap (fraction of b's lattice samples landing on a's surface) by at least
    /// `minOverlap`. Per keyframe at most `maxPairsPerKeyframe` earlier partners: the `recentPartners` latest ones,
    /// then the most overlapping older ones. Without that split the cap would be filled by temporal neighbours
    /// (they overlap most), and only the older, revisited views can correct low-frequency drift.
    static func pairs(frames: [PreparedFrame], poses: [RigidTransform],
                      options: ReconOptions.GlobalRefinementOptions, recentPartners: Int = 2) -> [(a: Int, b: Int)] {
        var result: [(a: Int, b: Int)] = []
        for b in poses.indices {
            var candidates: [(a: Int, overlap: Double)] = []
            for a in 0..<b {
                guard ViewOverlap.near(poses[a], poses[b], maxDistance: options.maxPairDistance,
                                       maxAngleDegrees: options.maxPairAngleDegrees) else { continue }
                let overlap = ViewOverlap.fraction(of: frames[b], at: poses[b], in: frames[a], at: poses[a])
                if overlap >= options.minOverlap { candidates.append((a, overlap)) }
            }
            let recent = candidates.filter { b - $0.a <= recentPartners }.prefix(options.maxPairsPerKeyframe)
            let older = candidates.filter { b - $0.a > recentPartners }
                .sorted { ($0.overlap, -$0.a) > ($1.overlap, -$1.a) }
                .prefix(max(0, options.maxPairsPerKeyframe - recent.count))
            result += (recent + older).map { (a: $0.a, b: b) }
        }
        return result
    }

    /// Refines `poses` (world_from_keyframe, one per frame) in place with keyframe 0 fixed. `priorEdges` (may be
    /// empty) are added as they are, e.g. the odometry edges with a scaled-down information as a weak prior.
    static func refine(_ poses: inout [RigidTransform], frames: [PreparedFrame], priorEdges: [PoseGraphEdge],
                       options: ReconOptions.GlobalRefinementOptions, input: ReconOptions.InputOptions,
                       threads: Int) throws(ReconError) -> GlobalRefinementResult {
        let start = Date()
        var report = GlobalRefinementResult()
        guard poses.count > 1, frames.count == poses.count else { return report }
        let selected = pairs(frames: frames, poses: poses, options: options)
        report.pairs = selected.count
        guard !selected.isEmpty else { return report }
        var o = cb_dense_refine_options_default()
        o.samples_per_pair = Int32(options.samplesPerPair)
        o.outer_iterations = Int32(options.outerIterations)
        o.solver_iterations = Int32(options.solverIterations)
        o.max_distance = options.maxDistance
        o.huber = options.huber
        o.max_normal_angle_degrees = options.maxNormalAngleDegrees
        o.min_depth = input.minDepth
        o.max_depth = input.maxDepth
        o.min_matches = Int32(options.minMatches)
        o.normal_radius = Int32(options.normalRadius)
        o.num_threads = Int32(max(1, threads))
        var bridgedPoses = poses.map { cb_pose($0) }
        let bridgedPairs = selected.map { cb_keyframe_pair(a: Int32($0.a), b: Int32($0.b)) }
        let bridgedEdges = PoseGraph.bridged(priorEdges)
        var result = cb_dense_refine_result()
        try withBridgedFrames(frames) { (views) throws(ReconError) in
            try checkBridge(cb_dense_refine(&bridgedPoses, Int32(poses.count), views, bridgedPairs, Int32(bridgedPairs.count),
                                            bridgedEdges, Int32(bridgedEdges.count), 0, &o, &result), "cb_dense_refine")
        }
        poses = bridgedPoses.map(\.transform)
        report.pairDirectionsUsed = Int(result.pairs_used)
        report.matches = Int(result.matches)
        report.rmseBefore = result.initial_rmse
        report.rmseAfter = result.final_rmse
        report.iterations = Int(result.iterations)
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// Calls `body` with `cb_rgbd_frame` views of every frame (buffers pinned for the call).
    private static func withBridgedFrames(_ frames: [PreparedFrame],
                                          _ body: (UnsafePointer<cb_rgbd_frame>) throws(ReconError) -> Void) throws(ReconError) {
        var views: [cb_rgbd_frame] = []
        views.reserveCapacity(frames.count)
        func nest(_ index: Int) throws(ReconError) {
            guard index < frames.count else {
                try views.withUnsafeBufferPointer { (buffer) throws(ReconError) in
                    guard let base = buffer.baseAddress else { return }
                    try body(base)
                }
                return
            }
            try frames[index].withBridged { (frame) throws(ReconError) in
                views.append(frame)
                try nest(index + 1)
            }
        }
        try nest(0)
    }
}
