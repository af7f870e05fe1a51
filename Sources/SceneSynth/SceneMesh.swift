import Foundation

/// The triangle mesh of a synthetic room, with per-triangle labels (world frame, metres, +z up).
///
/// Triangles are single-sided: the front face is counter-clockwise around `normal`
/// (`(v1 − v0) × (v2 − v0)`), and the rasterizer culls back faces.
public struct SceneMesh: Sendable {
    /// Vertex positions `[V]` in metres.
    public var positions: [SIMD3<Float>] = []
    /// Per-vertex instance id `[V]` (vertices are never shared between instances).
    public var vertexInstance: [UInt16] = []
    /// Vertex indices `[T]`.
    public var triangles: [SIMD3<Int32>] = []
    /// Unit outward normal `[T]`.
    public var normals: [SIMD3<Float>] = []
    /// Instance id `[T]`, ≥ 1.
    public var triangleInstance: [UInt16] = []
    /// Part index within the instance `[T]` (0 = main part), used for split faults.
    public var trianglePart: [UInt16] = []
    /// Index into `materials` `[T]`.
    public var triangleMaterial: [UInt16] = []
    /// Texture axes on the triangle's plane `[T]`.
    var tangentU: [SIMD3<Float>] = []
    var tangentV: [SIMD3<Float>] = []
    public var materials: [Material] = []

    public init() {}

    public var triangleCount: Int { triangles.count }
}

/// A local frame placed in the world: `pointInWorld = origin + x·p.x + y·p.y + z·p.z`.
struct PlacementFrame: Sendable {
    var origin: SIMD3<Float>
    var x: SIMD3<Float>
    var y: SIMD3<Float>
    var z: SIMD3<Float>

    /// Standing on the floor at `origin`, turned by `yaw` radians about +z.
    static func floor(at origin: SIMD3<Float>, yaw: Float) -> PlacementFrame {
        let c = cos(yaw), s = sin(yaw)
        return PlacementFrame(origin: origin, x: [c, s, 0], y: [-s, c, 0], z: [0, 0, 1])
    }

    @inline(__always) func apply(_ p: SIMD3<Float>) -> SIMD3<Float> { origin + x * p.x + y * p.y + z * p.z }
    @inline(__always) func rotate(_ v: SIMD3<Float>) -> SIMD3<Float> { x * v.x + y * v.y + z * v.z }
}

/// Appends parametric primitives (boxes, cylinders, quads) to a `SceneMesh` with the current labels.
struct MeshBuilder {
    var mesh = SceneMesh()
    var frame = PlacementFrame(origin: .zero, x: [1, 0, 0], y: [0, 1, 0], z: [0, 0, 1])
    var instance: UInt16 = 0
    var part: UInt16 = 0
    var material: UInt16 = 0

    /// Registers a material and makes it current.
    mutating func use(_ m: Material) {
        if let existing = mesh.materials.lastIndex(of: m) {
            material = UInt16(existing)
        } else {
            mesh.materials.append(m)
            material = UInt16(mesh.materials.count - 1)
        }
    }

    /// A triangle in local coordinates; flipped if needed so that its normal points along `outward`.
    mutating func triangle(_ a: SIMD3<Float>, _ b: SIMD3<Float>, _ c: SIMD3<Float>, outward: SIMD3<Float>) {
        var p0 = frame.apply(a), p1 = frame.apply(b), p2 = frame.apply(c)
        var n = crossF(p1 - p0, p2 - p0)
        let area2 = (n * n).sum()
        guard area2 > 1e-14 else { return }
        if (n * frame.rotate(outward)).sum() < 0 {
            swap(&p1, &p2)
            n = -n
        }
        n = normalizedF(n)
        let base = Int32(mesh.positions.count)
        mesh.positions += [p0, p1, p2]
        mesh.vertexInstance += [instance, instance, instance]
        mesh.triangles.append([base, base + 1, base + 2])
        mesh.normals.append(n)
        mesh.triangleInstance.append(instance)
        mesh.trianglePart.append(part)
        mesh.triangleMaterial.append(material)
        // Texture axes: horizontal surfaces use world x/y; others use the horizontal direction and +z.
        if abs(n.z) > 0.7 {
            mesh.tangentU.append([1, 0, 0])
            mesh.tangentV.append([0, 1, 0])
        } else {
            mesh.tangentU.append(normalizedF(crossF([0, 0, 1], n)))
            mesh.tangentV.append([0, 0, 1])
        }
    }

    /// A planar quad a-b-c-d (in order around its boundary), facing `outward`.
    mutating func quad(_ a: SIMD3<Float>, _ b: SIMD3<Float>, _ c: SIMD3<Float>, _ d: SIMD3<Float>,
                       outward: SIMD3<Float>) {
        triangle(a, b, c, outward: outward)
        triangle(a, c, d, outward: outward)
    }

    /// An axis-aligned box in local coordinates from `lo` to `hi` (metres).
    mutating func box(_ lo: SIMD3<Float>, _ hi: SIMD3<Float>, bottom: Bool = true) {
        let (x0, y0, z0, x1, y1, z1) = (lo.x, lo.y, lo.z, hi.x, hi.y, hi.z)
        quad([x0, y0, z1], [x1, y0, z1], [x1, y1, z1], [x0, y1, z1], outward: [0, 0, 1])
        if bottom { quad([x0, y0, z0], [x1, y0, z0], [x1, y1, z0], [x0, y1, z0], outward: [0, 0, -1]) }
        quad([x0, y0, z0], [x1, y0, z0], [x1, y0, z1], [x0, y0, z1], outward: [0, -1, 0])
        quad([x0, y1, z0], [x1, y1, z0], [x1, y1, z1], [x0, y1, z1], outward: [0, 1, 0])
        quad([x0, y0, z0], [x0, y1, z0], [x0, y1, z1], [x0, y0, z1], outward: [-1, 0, 0])
        quad([x1, y0, z0], [x1, y1, z0], [x1, y1, z1], [x1, y0, z1], outward: [1, 0, 0])
    }

    /// A vertical cylinder (or cone frustum) standing on `base`, with caps.
    mutating func cylinder(base: SIMD3<Float>, radius: Float, height: Float, topRadius: Float? = nil,
                           segments: Int = 10) {
        let r1 = topRadius ?? radius
        for i in 0..<segments {
            let a0 = Float(i) / Float(segments) * 2 * Float.pi
            let a1 = Float(i + 1) / Float(segments) * 2 * Float.pi
            let d0 = SIMD3<Float>(cos(a0), sin(a0), 0)
            let d1 = SIMD3<Float>(cos(a1), sin(a1), 0)
            let top = base + SIMD3<Float>(0, 0, height)
            let mid = normalizedF(d0 + d1)
            quad(base + d0 * radius, base + d1 * radius, top + d1 * r1, top + d0 * r1, outward: mid)
            triangle(top, top + d0 * r1, top + d1 * r1, outward: [0, 0, 1])
            triangle(base, base + d0 * radius, base + d1 * radius, outward: [0, 0, -1])
        }
    }
}

