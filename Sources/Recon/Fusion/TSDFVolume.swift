import CBridge
import Geometry

/// An indexed triangle mesh with per-vertex colour and normal (metres, world frame).
public struct TriangleMesh: Sendable, Equatable {
    public var positions: [SIMD3<Float>]
    /// Unit normals pointing to free space (towards the cameras).
    public var normals: [SIMD3<Float>]
    public var colors: [SIMD3<UInt8>]
    /// `[T·3]` vertex indices, counter-clockwise seen from the normal side.
    public var triangles: [Int32]

    public var vertexCount: Int { positions.count }
    public var triangleCount: Int { triangles.count / 3 }
}

/// TSDF fusion on voxel hashing (CBridge `cb_tsdf_*`): sparse 8³ blocks allocated around observed surfaces,
/// weighted running means of truncated signed distance and colour, marching-tetrahedra extraction.
public final class TSDFVolume {
    private let handle: OpaquePointer
    public let voxelSize: Double
    public let truncation: Double
    private let depthRange: ClosedRange<Double>

    public init(voxelSize: Double, truncation: Double, depthRange: ClosedRange<Double>, maxWeight: Double = 64,
                threads: Int = 2) throws(ReconError) {
        var options = cb_tsdf_options(voxel_size: voxelSize, truncation: truncation, min_depth: depthRange.lowerBound,
                                      max_depth: depthRange.upperBound, max_weight: maxWeight, num_threads: Int32(threads))
        var created: OpaquePointer?
        try checkBridge(cb_tsdf_create(&options, &created), "cb_tsdf_create")
        guard let created else { throw .bridgeFailure(function: "cb_tsdf_create", status: -1, message: "NULL volume") }
        handle = created
        self.voxelSize = voxelSize
        self.truncation = truncation
        self.depthRange = depthRange
    }

    deinit { cb_tsdf_destroy(handle) }

    /// Fuses `frame` (depth in metres) seen from `worldFromCamera`.
    func integrate(_ frame: PreparedFrame, worldFromCamera: RigidTransform) throws(ReconError) {
        var pose = cb_pose(worldFromCamera)
        try frame.withBridged { (bridged) throws(ReconError) in
            try checkBridge(cb_tsdf_integrate(handle, &bridged, &pose), "cb_tsdf_integrate")
        }
    }

    /// Fuses a raw frame (depth in input units).
    public func integrate(_ frame: RGBDFrame, intrinsics: PinholeIntrinsics, depthScale: Double,
                          worldFromCamera: RigidTransform) throws(ReconError) {
        try integrate(PreparedFrame(frame, intrinsics: intrinsics, depthScale: depthScale, depthRange: depthRange),
                      worldFromCamera: worldFromCamera)
    }

    /// The fused surface seen from `worldFromCamera` through `intrinsics` (CBridge `cb_tsdf_raycast`): depth in
    /// metres (0 where no observed surface lies within the depth range), the voxels' colour and its grey levels.
    /// `track` mode aligns each new frame to this rendering (frame-to-model tracking).
    func render(intrinsics k: PinholeIntrinsics, worldFromCamera: RigidTransform, minWeight: Double = 1)
        throws(ReconError) -> PreparedFrame {
        var pose = cb_pose(worldFromCamera)
        var depth = [Float](repeating: 0, count: k.width * k.height)
        var rgb = [UInt8](repeating: 0, count: 3 * k.width * k.height)
        let status = depth.withUnsafeMutableBufferPointer { d in
            rgb.withUnsafeMutableBufferPointer { c in
                cb_tsdf_raycast(handle, &pose, Int32(k.width), Int32(k.height), k.fx, k.fy, k.cx, k.cy, minWeight,
                                d.baseAddress, c.baseAddress)
            }
        }
        try checkBridge(status, "cb_tsdf_raycast")
        var intensity = PreparedFrame.greyLevels(of: rgb)
        let known = depth.map { $0 > 0 }
        let valid = known.reduce(0) { $0 + ($1 ? 1 : 0) }
        Self.extendIntensity(&intensity, known: known, width: k.width, height: k.height, passes: 8)
        return PreparedFrame(intrinsics: k, depth: depth, rgb: rgb, intensity: intensity,
                             validDepthFraction: Double(valid) / Double(max(depth.count, 1)))
    }

    /// Grey levels carried `passes` pixels beyond the rendered surface (each pass gives an unknown pixel the mean of
    /// its known 4-neighbours). A camera image has grey levels everywhere, a rendering only on the surface; without
    /// this the photometric term would see a black rim at the model's edge and pull the alignment towards keeping
    /// the new frame's pixels inside the rendered part (towards no motion).
    static func extendIntensity(_ intensity: inout [Float], known: [Bool], width: Int, height: Int, passes: Int) {
        var known = known
        for _ in 0..<passes {
            var filled: [(Int, Float)] = []
            for v in 0..<height {
                for u in 0..<width where !known[v * width + u] {
                    var sum: Float = 0, count: Float = 0
                    for (du, dv) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                        let x = u + du, y = v + dv
                        guard x >= 0, y >= 0, x < width, y < height, known[y * width + x] else { continue }
                        sum += intensity[y * width + x]
                        count += 1
                    }
                    if count > 0 { filled.append((v * width + u, sum / count)) }
                }
            }
            if filled.isEmpty { return }
            for (i, value) in filled {
                intensity[i] = value
                known[i] = true
            }
        }
    }

    /// Allocated blocks and their memory in bytes (lower is leaner).
    public var statistics: (blocks: Int, bytes: Int) {
        var blocks = 0, bytes = 0
        _ = cb_tsdf_stats(handle, &blocks, &bytes)
        return (blocks, bytes)
    }

    /// The zero level set as a mesh; voxels with weight below `minWeight` count as unobserved.
    public func extractMesh(minWeight: Double = 1) throws(ReconError) -> TriangleMesh {
        var mesh: OpaquePointer?
        try checkBridge(cb_tsdf_extract_mesh(handle, minWeight, &mesh), "cb_tsdf_extract_mesh")
        guard let mesh else { throw .bridgeFailure(function: "cb_tsdf_extract_mesh", status: -1, message: "NULL mesh") }
        defer { cb_mesh_destroy(mesh) }
        var vertexCount = 0, triangleCount = 0
        try checkBridge(cb_mesh_counts(mesh, &vertexCount, &triangleCount), "cb_mesh_counts")
        var positions = [Float](repeating: 0, count: 3 * vertexCount)
        var normals = [Float](repeating: 0, count: 3 * vertexCount)
        var colors = [UInt8](repeating: 0, count: 3 * vertexCount)
        var triangles = [Int32](repeating: 0, count: 3 * triangleCount)
        try checkBridge(cb_mesh_copy(mesh, &positions, &normals, &colors, &triangles), "cb_mesh_copy")
        return TriangleMesh(
            positions: (0..<vertexCount).map { SIMD3(positions[3 * $0], positions[3 * $0 + 1], positions[3 * $0 + 2]) },
            normals: (0..<vertexCount).map { SIMD3(normals[3 * $0], normals[3 * $0 + 1], normals[3 * $0 + 2]) },
            colors: (0..<vertexCount).map { SIMD3(colors[3 * $0], colors[3 * $0 + 1], colors[3 * $0 + 2]) },
            triangles: triangles)
    }
}
