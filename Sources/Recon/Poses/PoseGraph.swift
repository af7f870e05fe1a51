import CBridge
import Geometry

/// One pose-graph edge: node a, node b, the measured a_from_b and its information.
struct PoseGraphEdge: Sendable, Equatable {
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
