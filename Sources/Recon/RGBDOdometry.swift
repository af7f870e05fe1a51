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
    static func align(source: PreparedFrame, target: PreparedFrame, initial: RigidTransform,
                      options: cb_odometry_options) throws(ReconError) -> OdometryResult {
        var result = cb_odometry_result()
        var pose = cb_pose(initial)
        var o = options
        try source.withBridged { (s) throws(ReconError) in
            try target.withBridged { (t) throws(ReconError) in
                try checkBridge(cb_rgbd_odometry(&s, &t, &pose, &o, &result), "cb_rgbd_odometry")
            }
        }
        let information = withUnsafeBytes(of: result.information) { Array($0.bindMemory(to: Double.self)) }
        return OdometryResult(targetFromSource: result.target_from_source.transform, inlierRatio: result.inlier_ratio,
                              rmseGeometric: result.rmse_geometric, rmsePhotometric: result.rmse_photometric,
                              correspondences: Int(result.correspondences), information: information)
    }
}

/// One pose-graph edge: node a, node b, the measured a_from_b and its information.
struct PoseGraphEdge: Sendable {
    var a: Int
    var b: Int
    var aFromB: RigidTransform
    /// 6×6 row-major information over [δt, δθ] (already divided by σ²).
    var information: [Double]
    /// Loop closures get a Cauchy loss.
    var isLoop: Bool
}

enum PoseGraph {
    /// Optimises world_from_node in place with node 0 fixed; returns the whitened squared error of each edge.
    static func optimize(_ nodes: inout [RigidTransform], edges: [PoseGraphEdge], cauchyScale: Double,
                         maxIterations: Int, threads: Int) throws(ReconError) -> [Double] {
        guard !nodes.isEmpty else { return [] }
        var bridgedNodes = nodes.map { cb_pose($0) }
        var bridgedEdges = bridged(edges)
        var options = cb_pose_graph_options(max_iterations: Int32(maxIterations), cauchy_scale: cauchyScale,
                                            num_threads: Int32(max(1, threads)))
        var result = cb_pose_graph_result()
        var norms = [Double](repeating: 0, count: edges.count)
        try checkBridge(cb_optimize_pose_graph(&bridgedNodes, Int32(nodes.count), &bridgedEdges, Int32(edges.count), 0,
                                               &options, &result, &norms), "cb_optimize_pose_graph")
        nodes = bridgedNodes.map(\.transform)
        return norms
    }

    /// The bridge form of `edges` (information turned into its upper Cholesky factor).
    static func bridged(_ edges: [PoseGraphEdge]) -> [cb_pose_graph_edge] {
        edges.map { edge in
            var e = cb_pose_graph_edge()
            e.a = Int32(edge.a)
            e.b = Int32(edge.b)
            e.a_from_b = cb_pose(edge.aFromB)
            e.robust = edge.isLoop ? 1 : 0
            let s = upperCholesky(edge.information)
            withUnsafeMutableBytes(of: &e.sqrt_information) { raw in
                let slots = raw.bindMemory(to: Double.self)
                for i in 0..<36 { slots[i] = s[i] }
            }
            return e
        }
    }

    /// The upper-triangular S with SᵀS = A for a symmetric 6×6 A (row-major); a small ridge keeps it positive definite.
    static func upperCholesky(_ a: [Double]) -> [Double] {
        let n = 6
        var m = a
        var scale = 0.0
        for i in 0..<n { scale = max(scale, m[i * n + i]) }
        for i in 0..<n { m[i * n + i] += 1e-9 * max(scale, 1) }
        // Lower L with L Lᵀ = A, then S = Lᵀ.
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = m[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    l[i * n + i] = sum > 0 ? sum.squareRoot() : 1e-9
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var s = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { s[i * n + j] = l[j * n + i] } }
        return s
    }
}
