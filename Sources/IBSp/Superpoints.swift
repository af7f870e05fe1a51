import Foundation

/// Options of the superpoint stage (`ovseg3r superpoints`).
public struct SuperpointOptions: Sendable, Equatable {
    /// `.ibsp` cuts graph edges across 2D instance boundaries first; `.geometric` is plain Felzenszwalb.
    public enum Mode: String, Sendable, Equatable, CaseIterable { case ibsp, geometric }
    /// `.mesh` uses the scene mesh's edges (only when the scene's points are the mesh vertices), `.knn` a kNN graph.
    public enum Graph: String, Sendable, Equatable, CaseIterable { case mesh, knn }

    public var mode: Mode = .ibsp
    public var graph: Graph = .knn
    /// Felzenszwalb k (ScanNet's kThresh).
    public var kThresh: Float = 0.01
    /// Minimum superpoint size in points (ScanNet's segMinVerts); merges follow kept edges only.
    public var minSize: Int = 20
    /// kNN graph settings (graph `.knn`).
    public var knn = KNNGraphOptions()
    /// IBSp edge-cut rule (mode `.ibsp`).
    public var cutRule: IBSpCutRule = .multiView(tau: 0.5)

    public init() {}

    public func validate() throws(IBSpError) {
        guard kThresh.isFinite, kThresh > 0 else {
            throw .invalidOption(name: "kThresh", value: "\(kThresh)", expected: "a finite number > 0")
        }
        guard minSize >= 1 else { throw .invalidOption(name: "minSize", value: "\(minSize)", expected: "≥ 1") }
        try knn.validate()
        try cutRule.validate()
    }
}

/// What the superpoint stage produced.
public struct SuperpointResult: Sendable, Equatable {
    /// `[N]` superpoint id per point, contiguous `0..<count`, numbered in order of first appearance.
    public var labels: [Int32]
    /// Number of superpoints S.
    public var count: Int
    /// Edges in the graph before and after the IBSp cut (equal in geometric mode).
    public var edges: Int
    public var keptEdges: Int
    /// The graph actually used (a mesh request falls back to kNN when points are not mesh vertices).
    public var graph: SuperpointOptions.Graph
    /// Seconds spent building the graph, cutting, and clustering.
    public var seconds: [String: Double]
}

/// Superpoints over plain arrays (no files): graph → optional IBSp cut → Felzenszwalb → contiguous ids.
public enum Superpoints {
    /// Segments `graph`, first removing the edges whose `keep` flag is false.
    public static func segment(_ graph: SegmentGraph, keep: [Bool]? = nil, kThresh: Float, minSize: Int) -> (labels: [Int32], count: Int) {
        segment(graph, keep: keep, kThresh: kThresh, minSize: minSize, vertexOrder: nil)
    }

    /// Segments a graph whose vertex `s` is point `vertexOrder[s]` (all points, each once) and returns labels per
    /// point, numbered in order of first appearance over the points (so independent of the vertex numbering
    /// whenever the partition is).
    static func segment(_ graph: SegmentGraph, keep: [Bool]?, kThresh: Float, minSize: Int,
                        vertexOrder: [Int32]?) -> (labels: [Int32], count: Int) {
        var sets = Felzenszwalb.segment(graph, keep: keep, kThresh: kThresh, minSize: minSize)
        let roots = sets.roots()
        guard let vertexOrder else { return Felzenszwalb.contiguous(roots) }
        var ids = [Int32](repeating: 0, count: roots.count)
        for (s, point) in vertexOrder.enumerated() { ids[Int(point)] = roots[s] }
        return Felzenszwalb.contiguous(ids)
    }

    /// The full stage on in-memory arrays.
    ///
    /// A kNN graph is built and clustered in grid-cell vertex order (`SegmentGraph.knnInCellOrder`) and the
    /// labels are mapped back to the points, numbered by first appearance over the points.
    ///
    /// - Parameters:
    ///   - positions/normals/colours: `[N]` points (metres), unit normals, RGB.
    ///   - meshFaces: `[F·3]` faces when `positions` are the mesh vertices (graph `.mesh`), else nil.
    ///   - labels: per-point 2D ids (required in mode `.ibsp`).
    ///   - sourceView: `[N]` source views (rule `.sourceView` only).
    public static func compute(positions: [SIMD3<Float>], normals: [SIMD3<Float>], colours: [SIMD3<UInt8>] = [],
                               meshFaces: [Int32]? = nil, labels: PointViewLabels? = nil, sourceView: [Int32] = [],
                               options: SuperpointOptions) throws(IBSpError) -> SuperpointResult {
        try options.validate()
        var seconds: [String: Double] = [:]
        var clock = Date()
        func lap(_ name: String) {
            let now = Date()
            seconds[name] = now.timeIntervalSince(clock)
            clock = now
        }
        let graph: SegmentGraph
        let used: SuperpointOptions.Graph
        // The kNN graph is clustered in cell order (vertex s = point order[s]): see `knnInCellOrder`.
        var vertexOrder: [Int32]?
        if options.graph == .mesh, let meshFaces {
            graph = try SegmentGraph.scanNetMesh(positions: positions, faces: meshFaces).graph
            used = .mesh
        } else {
            (graph, vertexOrder) = try SegmentGraph.knnInCellOrder(positions: positions, normals: normals,
                                                                   colours: colours, options: options.knn)
            used = .knn
        }
        lap("graph")
        var keep: [Bool]?
        if options.mode == .ibsp {
            guard let labels else { throw .invalidOption(name: "mode", value: "ibsp", expected: "2D labels for every point") }
            let pointGraph = vertexOrder.map { graph.relabelled($0) } ?? graph
            keep = try InstanceBoundaryCut.keepMask(graph: pointGraph, labels: labels, rule: options.cutRule,
                                                    sourceView: sourceView)
        }
        lap("cut")
        let (ids, count) = segment(graph, keep: keep, kThresh: options.kThresh, minSize: options.minSize,
                                   vertexOrder: vertexOrder)
        lap("cluster")
        let kept = keep.map { $0.reduce(0) { $0 + ($1 ? 1 : 0) } } ?? graph.edgeCount
        return SuperpointResult(labels: ids, count: count, edges: graph.edgeCount, keptEdges: kept, graph: used, seconds: seconds)
    }
}
