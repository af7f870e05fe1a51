import Foundation

/// A per-vertex scalar property beyond position, color and normal (e.g. `label`, `instance`,
/// `semantic`, `quality`). Values are held as `Double`, which represents every PLY scalar type
/// exactly; `type` is kept so that writing reproduces the file's declaration.
public struct PlyScalarProperty: Sendable, Equatable {
    public var name: String
    public var type: PlyScalarType
    /// One value per vertex, [N].
    public var values: [Double]

    public init(name: String, type: PlyScalarType, values: [Double]) {
        self.name = name
        self.type = type
        self.values = values
    }

    /// The values as `Int32` (truncated toward zero for floating-point properties).
    public func int32s() -> [Int32] {
        values.map { Int32(clamping: clampedInt64($0)) }
    }
}

/// `value` truncated toward zero and clamped to the Int64 range (NaN → 0); never traps.
func clampedInt64(_ value: Double) -> Int64 {
    guard value.isFinite else { return value.isNaN ? 0 : (value > 0 ? .max : .min) }
    return Int64(max(min(value.rounded(.towardZero), 9.2e18), -9.2e18))
}

/// A triangle mesh or point cloud as read from / written to PLY.
///
/// Invariants checked by the writer: every per-vertex array is empty or has `vertexCount` entries,
/// `faces.count` is a multiple of 3 and every index is in `0..<vertexCount`.
public struct PlyMesh: Sendable, Equatable {
    /// Vertex positions, [N], in the file's units (metres for toolkit scenes).
    public var positions: [SIMD3<Float>]
    /// 8-bit RGB colors, [N] or empty.
    public var colors: [SIMD3<UInt8>]
    /// 8-bit alpha, [N] or empty.
    public var alphas: [UInt8]
    /// Vertex normals, [N] or empty.
    public var normals: [SIMD3<Float>]
    /// Further per-vertex scalar properties, in file order.
    public var scalars: [PlyScalarProperty]
    /// Triangles as flat vertex indices, [F * 3]; polygons are fan-triangulated on reading.
    public var faces: [Int32]
    /// Header comments (without the `comment ` keyword).
    public var comments: [String]

    public init(
        positions: [SIMD3<Float>], colors: [SIMD3<UInt8>] = [], alphas: [UInt8] = [],
        normals: [SIMD3<Float>] = [], scalars: [PlyScalarProperty] = [], faces: [Int32] = [],
        comments: [String] = []
    ) {
        self.positions = positions
        self.colors = colors
        self.alphas = alphas
        self.normals = normals
        self.scalars = scalars
        self.faces = faces
        self.comments = comments
    }

    public var vertexCount: Int { positions.count }
    public var triangleCount: Int { faces.count / 3 }

    /// The scalar property called `name`, if present.
    public func scalar(named name: String) -> PlyScalarProperty? {
        scalars.first { $0.name == name }
    }

    /// Positions as a flat row-major array, [N * 3] (the layout of a `coord.npy` [N, 3]).
    public var flatPositions: [Float] {
        var flat = [Float]()
        flat.reserveCapacity(positions.count * 3)
        for p in positions { flat.append(p.x); flat.append(p.y); flat.append(p.z) }
        return flat
    }
}

/// Options for `Ply.write`.
public struct PlyWriteOptions: Sendable {
    /// Body encoding; binary little-endian by default (what Open3D and MeshLab read fastest).
    public var format: PlyFormat = .binaryLittleEndian
    /// Store positions as `double` instead of `float`.
    public var doublePositions = false

    public init(format: PlyFormat = .binaryLittleEndian, doublePositions: Bool = false) {
        self.format = format
        self.doublePositions = doublePositions
    }
}

/// Reading and writing PLY meshes and point clouds.
public enum Ply {}
