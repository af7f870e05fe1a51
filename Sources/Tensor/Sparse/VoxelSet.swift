// Sparse voxel sets: integer coordinates, one row per occupied voxel, and an open-addressing hash from coordinate
// to row. Rows are in ascending order of the packed key (x, then y, then z), so a set built from the same
// coordinates has the same rows whatever order the points came in, and a translation keeps rows in order.

/// Packs a voxel coordinate into one `Int64`: 21 bits per axis after adding `bias`, x most significant, so the
/// integer order of keys is the lexicographic order of (x, y, z) and adding a packed offset translates a voxel.
enum VoxelKey {
    static let bits: Int64 = 21
    static let bias: Int64 = 1 << 20
    static let mask: Int64 = (1 << 21) - 1
    /// Coordinates must lie in `-bias..<bias - 2` (the margin keeps ±1 neighbours inside a field).
    static let range = Int(-bias + 2)..<Int(bias - 2)

    @inline(__always) static func pack(_ x: Int32, _ y: Int32, _ z: Int32) -> Int64 {
        ((Int64(x) + bias) << (2 * bits)) | ((Int64(y) + bias) << bits) | (Int64(z) + bias)
    }

    @inline(__always) static func unpack(_ k: Int64) -> (Int32, Int32, Int32) {
        (Int32((k >> (2 * bits)) - bias), Int32(((k >> bits) & mask) - bias), Int32((k & mask) - bias))
    }

    /// The packed difference of an offset; valid to add to keys whose fields stay inside the range.
    @inline(__always) static func delta(_ dx: Int, _ dy: Int, _ dz: Int) -> Int64 {
        (Int64(dx) << (2 * bits)) + (Int64(dy) << bits) + Int64(dz)
    }
}

/// Open-addressing (linear probing) table from packed voxel key to row; capacity a power of two ≥ 2·count.
struct VoxelHash: Sendable {
    private var keys: [Int64]
    private var rows: [Int32]
    private let mask: Int
    static let empty = Int64.min

    init(keys sortedKeys: [Int64]) {
        var cap = 16
        while cap < 2 * sortedKeys.count { cap <<= 1 }
        keys = [Int64](repeating: Self.empty, count: cap)
        rows = [Int32](repeating: -1, count: cap)
        mask = cap - 1
        for (r, k) in sortedKeys.enumerated() {
            var slot = Self.slot(k, mask)
            while keys[slot] != Self.empty { slot = (slot + 1) & mask }
            keys[slot] = k
            rows[slot] = Int32(r)
        }
    }

    @inline(__always) static func slot(_ k: Int64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: k) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The row of key `k`, or -1.
    @inline(__always) func row(_ k: Int64) -> Int32 {
        var slot = Self.slot(k, mask)
        while true {
            let stored = keys[slot]
            if stored == k { return rows[slot] }
            if stored == Self.empty { return -1 }
            slot = (slot + 1) & mask
        }
    }
}

/// A set of occupied voxels at one resolution: `count` rows with integer coordinates (in voxel units of this
/// level) and a hash from coordinate to row. Immutable; kernel maps between sets are built from it (`KernelMap`).
public final class VoxelSet: Sendable {
    /// Packed coordinates, ascending: row `r` is voxel `keys[r]`.
    let keys: [Int64]
    let hash: VoxelHash

    /// Number of voxels (rows).
    public var count: Int { keys.count }

    /// The voxel set of integer coordinates `[V, 3]` (duplicates merged). Throws on an empty set or a coordinate
    /// outside ±2²⁰ − 2.
    public convenience init(coordinates: [Int32], field: String = "coordinates") throws(TensorError) {
        guard !coordinates.isEmpty else { throw .emptyVoxelSet(field: field) }
        var keys = [Int64](); keys.reserveCapacity(coordinates.count / 3)
        for i in 0..<(coordinates.count / 3) {
            for a in 0..<3 where !VoxelKey.range.contains(Int(coordinates[i * 3 + a])) {
                throw .voxelCoordinateOutOfRange(field: field, index: i, value: Int(coordinates[i * 3 + a]))
            }
            keys.append(VoxelKey.pack(coordinates[i * 3], coordinates[i * 3 + 1], coordinates[i * 3 + 2]))
        }
        self.init(sortedUniqueKeys: Array(Set(keys)).sorted())
    }

    init(sortedUniqueKeys: [Int64]) {
        keys = sortedUniqueKeys
        hash = VoxelHash(keys: sortedUniqueKeys)
    }

    /// Integer coordinates `[V, 3]`, row-major.
    public var coordinates: [Int32] {
        keys.flatMap { k -> [Int32] in let (x, y, z) = VoxelKey.unpack(k); return [x, y, z] }
    }

    /// The row of voxel (x, y, z), or nil.
    public func row(_ x: Int32, _ y: Int32, _ z: Int32) -> Int? {
        let r = hash.row(VoxelKey.pack(x, y, z))
        return r < 0 ? nil : Int(r)
    }

    /// The set at half resolution: every voxel `c` goes to ⌊c/2⌋ (the stride-2 parent).
    public func coarsened() -> VoxelSet {
        var parents = keys.map { k -> Int64 in
            let (x, y, z) = VoxelKey.unpack(k)
            return VoxelKey.pack(x >> 1, y >> 1, z >> 1)
        }
        parents.sort()
        var unique: [Int64] = []; unique.reserveCapacity(parents.count)
        for p in parents where unique.last != p { unique.append(p) }
        return VoxelSet(sortedUniqueKeys: unique)
    }
}

/// Points grouped into voxels: the set, and each point's row in it.
public struct Voxelization: Sendable {
    /// The occupied voxels.
    public let voxels: VoxelSet
    /// Row of each point's voxel, `[N]`.
    public let pointToVoxel: [Int32]

    /// Voxels of edge `voxelSize` metres over `points [N, 3]` (metres): voxel ⌊p/voxelSize⌋. Throws
    /// `emptyVoxelSet` for no points and `tooManyVoxels` when more than `maxVoxels` voxels are occupied (both
    /// naming `field`, e.g. the config key of the voxel size).
    public init(points: [Float], voxelSize: Double, maxVoxels: Int, field: String = "voxelSize") throws(TensorError) {
        let n = points.count / 3
        guard n > 0 else { throw .emptyVoxelSet(field: field) }
        let inv = 1 / voxelSize
        var pointKeys = [Int64](repeating: 0, count: n)
        for i in 0..<n {
            var c: [Int32] = [0, 0, 0]
            for a in 0..<3 {
                let v = (Double(points[i * 3 + a]) * inv).rounded(.down)
                guard v.isFinite, VoxelKey.range.contains(Int(exactly: v) ?? Int.max) else {
                    throw .voxelCoordinateOutOfRange(field: field, index: i, value: v.isFinite ? Int(v) : Int.max)
                }
                c[a] = Int32(v)
            }
            pointKeys[i] = VoxelKey.pack(c[0], c[1], c[2])
        }
        var sorted = pointKeys
        sorted.sort()
        var unique: [Int64] = []
        for k in sorted where unique.last != k { unique.append(k) }
        guard unique.count <= maxVoxels else { throw .tooManyVoxels(field: field, voxels: unique.count, cap: maxVoxels) }
        voxels = VoxelSet(sortedUniqueKeys: unique)
        let set = voxels
        pointToVoxel = pointKeys.map { set.hash.row($0) }
    }
}
