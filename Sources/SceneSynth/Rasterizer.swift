import Geometry

extension PinholeIntrinsics {
    /// The synthesiser's camera: ~58° horizontal field of view (fx = fy = 0.9·width), principal point at
    /// the image centre (pixel centres at integer coordinates).
    public static func synthStandard(width: Int, height: Int) -> PinholeIntrinsics {
        PinholeIntrinsics(width: width, height: height, fx: 0.9 * Double(width), fy: 0.9 * Double(width),
                          cx: Double(width) / 2 - 0.5, cy: Double(height) / 2 - 0.5)
    }
}

/// The visibility buffer of one view: for each pixel the nearest triangle and its depth.
public struct VisibilityBuffer: Sendable {
    public let width: Int
    public let height: Int
    /// Camera-frame z in metres per pixel `[H·W]`, row-major; `.infinity` where nothing was hit.
    public var depth: [Float]
    /// Triangle index per pixel `[H·W]`, −1 where nothing was hit.
    public var triangle: [Int32]
    /// Per instance id: pixels its triangles cover in the image ignoring occlusion by other instances.
    public var silhouetteArea: [Int32]
}

/// A z-buffer software rasterizer with near-plane clipping and back-face culling.
///
/// Depth is interpolated as 1/z over the screen (perspective-correct). Pixels are sampled at their
/// centres; an edge-inclusive coverage rule means shared edges never leave cracks.
public struct Rasterizer: Sendable {
    /// Near clipping distance in metres.
    public var near: Float = 0.05

    public init() {}

    /// Renders `mesh` seen from `worldFromCamera` (OpenCV camera axes: x right, y down, z forward).
    public func render(_ mesh: SceneMesh, worldFromCamera: RigidTransform, camera: PinholeIntrinsics,
                       instanceCount: Int) -> VisibilityBuffer {
        render(mesh, pose: SynthPose(worldFromCamera), camera: camera, instanceCount: instanceCount)
    }

    func render(_ mesh: SceneMesh, pose worldFromCamera: SynthPose, camera: PinholeIntrinsics,
                instanceCount: Int) -> VisibilityBuffer {
        let w = camera.width, h = camera.height
        var depth = [Float](repeating: .infinity, count: w * h)
        var triangleOf = [Int32](repeating: -1, count: w * h)
        var silhouette = [Int32](repeating: 0, count: instanceCount + 1)
        var stamp = [UInt16](repeating: 0, count: w * h)
        let cameraFromWorld = worldFromCamera.inverse
        let r = cameraFromWorld.rotation
        let rc0 = SIMD3<Float>(r.c0), rc1 = SIMD3<Float>(r.c1), rc2 = SIMD3<Float>(r.c2)
        let tc = SIMD3<Float>(cameraFromWorld.translation)
        let cam = mesh.positions.map { p in rc0 * p.x + rc1 * p.y + rc2 * p.z + tc }
        let fx = camera.fx, fy = camera.fy, cx = camera.cx, cy = camera.cy
        let near = self.near

        depth.withUnsafeMutableBufferPointer { depthBuf in
        triangleOf.withUnsafeMutableBufferPointer { triBuf in
        stamp.withUnsafeMutableBufferPointer { stampBuf in
        silhouette.withUnsafeMutableBufferPointer { silBuf in
            var poly = [SIMD3<Float>](repeating: .zero, count: 4)
            for t in 0..<mesh.triangles.count {
                let idx = mesh.triangles[t]
                let a = cam[Int(idx.x)], b = cam[Int(idx.y)], c = cam[Int(idx.z)]
                if a.z < near && b.z < near && c.z < near { continue }
                let n = crossF(b - a, c - a)
                if (n * a).sum() >= 0 { continue }   // back face
                let instance = mesh.triangleInstance[t]
                // Clip against z = near (Sutherland–Hodgman on one plane).
                var count = 0
                let verts = [a, b, c]
                for i in 0..<3 {
                    let p = verts[i], q = verts[(i + 1) % 3]
                    let pin = p.z >= near, qin = q.z >= near
                    if pin { poly[count] = p; count += 1 }
                    if pin != qin {
                        let s = (near - p.z) / (q.z - p.z)
                        poly[count] = p + (q - p) * s
                        count += 1
                    }
                }
                guard count >= 3 else { continue }
                // Project the clipped polygon.
                var sx = [Double](repeating: 0, count: 4), sy = sx, iz = sx
                for i in 0..<count {
                    let z = Double(poly[i].z)
                    sx[i] = fx * Double(poly[i].x) / z + cx
                    sy[i] = fy * Double(poly[i].y) / z + cy
                    iz[i] = 1 / z
                }
                for k in 1..<(count - 1) {
                    rasterTriangle((sx[0], sy[0], iz[0]), (sx[k], sy[k], iz[k]), (sx[k + 1], sy[k + 1], iz[k + 1]),
                                   width: w, height: h, triangle: Int32(t), instance: instance,
                                   depth: depthBuf, triangleOf: triBuf, stamp: stampBuf, silhouette: silBuf)
                }
            }
        }}}}
        return VisibilityBuffer(width: w, height: h, depth: depth, triangle: triangleOf, silhouetteArea: silhouette)
    }

    @inline(__always)
    private func rasterTriangle(_ p0: (Double, Double, Double), _ p1In: (Double, Double, Double), _ p2In: (Double, Double, Double),
                                width: Int, height: Int, triangle: Int32, instance: UInt16,
                                depth: UnsafeMutableBufferPointer<Float>, triangleOf: UnsafeMutableBufferPointer<Int32>,
                                stamp: UnsafeMutableBufferPointer<UInt16>, silhouette: UnsafeMutableBufferPointer<Int32>) {
        var p1 = p1In, p2 = p2In
        var area = (p1.0 - p0.0) * (p2.1 - p0.1) - (p1.1 - p0.1) * (p2.0 - p0.0)
        if area < 0 { swap(&p1, &p2); area = -area }
        guard area > 1e-12 else { return }
        let minX = max(0, Int((min(p0.0, p1.0, p2.0)).rounded(.up)))
        let maxX = min(width - 1, Int((max(p0.0, p1.0, p2.0)).rounded(.down)))
        let minY = max(0, Int((min(p0.1, p1.1, p2.1)).rounded(.up)))
        let maxY = min(height - 1, Int((max(p0.1, p1.1, p2.1)).rounded(.down)))
        guard minX <= maxX, minY <= maxY else { return }
        // Edge functions e_i(x, y) = A_i·x + B_i·y + C_i, positive inside.
        let a0 = p1.1 - p2.1, b0 = p2.0 - p1.0, c0 = p1.0 * p2.1 - p2.0 * p1.1
        let a1 = p2.1 - p0.1, b1 = p0.0 - p2.0, c1 = p2.0 * p0.1 - p0.0 * p2.1
        let a2 = p0.1 - p1.1, b2 = p1.0 - p0.0, c2 = p0.0 * p1.1 - p1.0 * p0.1
        let invArea = 1 / area
        let eps = -1e-9 * area
        for y in minY...maxY {
            let fy = Double(y), fx0 = Double(minX)
            var e0 = a0 * fx0 + b0 * fy + c0, e1 = a1 * fx0 + b1 * fy + c1, e2 = a2 * fx0 + b2 * fy + c2
            let row = y * width
            for x in minX...maxX {
                if e0 >= eps && e1 >= eps && e2 >= eps {
                    let invZ = (e0 * p0.2 + e1 * p1.2 + e2 * p2.2) * invArea
                    let z = Float(1 / invZ)
                    let i = row + x
                    if stamp[i] != instance {
                        stamp[i] = instance
                        silhouette[Int(instance)] += 1
                    }
                    if z < depth[i] {
                        depth[i] = z
                        triangleOf[i] = triangle
                    }
                }
                e0 += a0; e1 += a1; e2 += a2
            }
        }
    }
}
