import Foundation

/// The result of `VoxelGrid.downsample`: one point per occupied voxel.
public struct VoxelDownsampleResult: Sendable, Equatable {
    /// `[M]` mean position of the input points in each voxel (metres), voxels in order of first occurrence.
    public var points: [SIMD3<Float>]
    /// `[M]` mean colour of each voxel, rounded to nearest; empty if no colours were given.
    public var colors: [SIMD3<UInt8>]
    /// `[M]` integer voxel coordinates `floor(p / voxelSize)`.
    public var voxelCoordinates: [SIMD3<Int32>]
    /// `[M]` number of input points in each voxel (≥ 1).
    public var pointCounts: [Int32]
    /// `[N]` the output voxel of every input point: `points[voxelOfPoint[i]]` represents input point `i`.
    public var voxelOfPoint: [Int32]
}

/// Voxel-grid downsampling (as Open3D's `voxel_down_sample`, plus the input-to-voxel map that lets labels
/// and features flow back to the full cloud).
public enum VoxelGrid {
    /// Voxel coordinates must fit in 21 signed bits per axis: ±1,048,575 voxels (±10 km at 1 cm).
    static let coordinateLimit: Int64 = (1 << 20) - 1

    /// Averages the points (and colours) falling in each cube of side `voxelSize` metres; voxel `(i, j, k)`
    /// covers `[i, i+1) · voxelSize` along x, and likewise for y and z, with the grid anchored at the origin.
    /// - Throws: `invalidArgument` for a non-positive size or coordinates too far out for the grid,
    ///   `nonFinite` for NaN/∞ points, `sizeMismatch` if `colors` is non-empty and not `[N]`.
    public static func downsample(points: [SIMD3<Float>], colors: [SIMD3<UInt8>] = [],
                                  voxelSize: Float) throws(GeometryError) -> VoxelDownsampleResult {
        guard voxelSize.isFinite, voxelSize > 0 else {
            throw .invalidArgument(name: "voxelSize", value: "\(voxelSize)", expected: "finite, > 0")
        }
        guard colors.isEmpty || colors.count == points.count else {
            throw .sizeMismatch(name: "colors", expected: points.count, actual: colors.count)
        }
        guard points.count < Int(Int32.max) else {
            throw .invalidArgument(name: "points.count", value: "\(points.count)", expected: "< 2³¹ − 1")
        }
        let inverseSize = 1 / Double(voxelSize)
        var slotOfKey: [UInt64: Int32] = [:]
        slotOfKey.reserveCapacity(points.count / 4)
        var voxelOfPoint = [Int32](repeating: 0, count: points.count)
        var coordinates: [SIMD3<Int32>] = []
        var sums: [SIMD3<Double>] = []
        var colorSums: [SIMD3<Double>] = []
        var counts: [Int32] = []
        for (i, p) in points.enumerated() {
            guard p.x.isFinite, p.y.isFinite, p.z.isFinite else { throw .nonFinite(name: "points", index: i) }
            let cell = SIMD3<Double>(p) * inverseSize
            let c = SIMD3<Int64>(Int64(cell.x.rounded(.down)), Int64(cell.y.rounded(.down)), Int64(cell.z.rounded(.down)))
            guard abs(c.x) <= coordinateLimit, abs(c.y) <= coordinateLimit, abs(c.z) <= coordinateLimit else {
                throw .invalidArgument(name: "points[\(i)]", value: "\(p)",
                                       expected: "within ±\(coordinateLimit) voxels of the origin")
            }
            let key = packKey(c)
            let slot: Int32
            if let existing = slotOfKey[key] {
                slot = existing
            } else {
                slot = Int32(coordinates.count)
                slotOfKey[key] = slot
                coordinates.append(SIMD3<Int32>(truncatingIfNeeded: c))
                sums.append(.zero)
                counts.append(0)
                if !colors.isEmpty { colorSums.append(.zero) }
            }
            voxelOfPoint[i] = slot
            sums[Int(slot)] += SIMD3<Double>(p)
            counts[Int(slot)] += 1
            if !colors.isEmpty { colorSums[Int(slot)] += SIMD3<Double>(colors[i]) }
        }
        let means = zip(sums, counts).map { SIMD3<Float>($0 / Double($1)) }
        let meanColors = zip(colorSums, counts).map { sum, count -> SIMD3<UInt8> in
            let mean = (sum / Double(count)).rounded(.toNearestOrAwayFromZero)
            return SIMD3<UInt8>(clamping: SIMD3<Int32>(mean))
        }
        return VoxelDownsampleResult(points: means, colors: meanColors, voxelCoordinates: coordinates,
                                     pointCounts: counts, voxelOfPoint: voxelOfPoint)
    }

    /// Packs three 21-bit two's-complement coordinates into one hash key.
    static func packKey(_ c: SIMD3<Int64>) -> UInt64 {
        let mask: UInt64 = (1 << 21) - 1
        return (UInt64(bitPattern: c.x) & mask) | ((UInt64(bitPattern: c.y) & mask) << 21)
            | ((UInt64(bitPattern: c.z) & mask) << 42)
    }
}
