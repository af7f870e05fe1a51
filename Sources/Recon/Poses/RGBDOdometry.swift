import CBridge
import Geometry

/// The outcome of aligning one RGB-D frame to another (CBridge `cb_rgbd_odometry`).
public struct OdometryResult: Sendable, Equatable {
    public var targetFromSource: RigidTransform
    /// Source samples with a geometric match / samples, finest level; higher is better.
    public var inlierRatio: Double
    /// Point-to-plane RMSE over matches (metres); lower is better.
    public var rmseGeometric: Double
    /// Grey-level RMSE over matches; lower is better.
    public var rmsePhotometric: Double
    public var correspondences: Int
    /// 6×6 row-major information over [δt, δθ], normalised per match.
    public var information: [Double]
}

enum RGBDOdometry {
    static func bridgeOptions(_ tracking: ReconOptions.TrackingOptions, input: ReconOptions.InputOptions,
                              threads: Int) -> cb_odometry_options {
        var o = cb_odometry_options_default()
        o.levels = Int32(tracking.pyramidLevels)
        var iterations = o.iterations
        withUnsafeMutableBytes(of: &iterations) { raw in
            let slots = raw.bindMemory(to: Int32.self)
            for l in 0..<min(slots.count, tracking.iterations.count) { slots[l] = Int32(tracking.iterations[l]) }
        }
        o.iterations = iterations
        o.solver_iterations = Int32(tracking.solverIterations)
        o.max_points = Int32(tracking.maxPoints)
        o.max_correspondence_distance = tracking.maxCorrespondenceDistance
        o.min_depth = input.minDepth
        o.max_depth = input.maxDepth
        o.huber_geometric = tracking.huberGeometric
        o.photometric_weight = tracking.photometricWeight
        o.huber_photometric = tracking.huberPhotometric
        o.num_threads = Int32(max(1, threads))
        return o
    }

    /// `bridgeOptions` plus the pull towards the initial guess (`refine`: the device's relative motion), with the
    /// rotation weight scaled by a 2 m lever arm so that both terms move room-scale points alike.
    static func bridgeOptions(_ tracking: ReconOptions.TrackingOptions, input: ReconOptions.InputOptions, threads: Int,
                              priorWeight: Double) -> cb_odometry_options {
        var o = bridgeOptions(tracking, input: input, threads: threads)
        o.prior_translation_weight = priorWeight
        o.prior_rotation_weight = 2 * priorWeight
        return o
    }

    /// Aligns `source` to `target` starting from `initial` (target_from_source).
    /// Frames that carry a pyramid serving `options` (`PreparedFrame.withPyramid`) skip building it: the result is
    /// the same.
    static func align(source: PreparedFrame, target: PreparedFrame, initial: RigidTransform,
                      options: cb_odometry_options) throws(ReconError) -> OdometryResult {
        var result = cb_odometry_result()
        var pose = cb_pose(initial)
        var o = options
        if let s = source.pyramid, let t = target.pyramid, s.serves(options), t.serves(options) {
            try checkBridge(cb_rgbd_odometry_pyramids(s.handle, t.handle, &pose, &o, &result), "cb_rgbd_odometry_pyramids")
        } else {
            try source.withBridged { (s) throws(ReconError) in
                try target.withBridged { (t) throws(ReconError) in
                    try checkBridge(cb_rgbd_odometry(&s, &t, &pose, &o, &result), "cb_rgbd_odometry")
                }
            }
        }
        let information = withUnsafeBytes(of: result.information) { Array($0.bindMemory(to: Double.self)) }
        return OdometryResult(targetFromSource: result.target_from_source.transform, inlierRatio: result.inlier_ratio,
                              rmseGeometric: result.rmse_geometric, rmsePhotometric: result.rmse_photometric,
                              correspondences: Int(result.correspondences), information: information)
    }
}
