import Dispatch
import Foundation
import Support

/// Points bucketed into a uniform grid of cubic cells and sorted by cell, for exact fixed-k neighbour search
/// on scans whose density varies slowly (voxel-downsampled or fused points).
///
/// Cell `(ix, iy, iz)` (1-based, with one empty layer of padding on every side) covers
/// `origin + (ix − 1, iy − 1, iz − 1) · cellSize …` plus one cell; its key is `(iz · ny + iy) · nx + ix`, so the
/// three cells x − 1 … x + 1 of a row form one contiguous key range and, points being sorted by key, one
/// contiguous slot range. The padding guarantees that such a range never wraps into another row.
///
/// Invariants: `order` is a permutation of `0..<N` (cell order, ascending original index within a cell);
/// `cellKeys` is strictly ascending; the points of occupied cell `c` are slots `cellStart[c] ..< cellStart[c + 1]`.
struct PointGrid: Sendable {
    /// Cell edge length in metres.
    let cellSize: Float
    /// The lower corner of the points' bounding box (cell 1 starts there).
    let origin: SIMD3<Float>
    /// Padded cell counts per axis.
    let nx: Int, ny: Int, nz: Int
    /// `[N]` original index of each slot.
    let order: [Int32]
    /// `[N]` position of each slot.
    let sorted: [SIMD3<Float>]
    /// `[C]` key of each occupied cell, ascending.
    let cellKeys: [Int]
    /// `[C + 1]` first slot of each occupied cell.
    let cellStart: [Int32]

    /// Points per occupied cell the automatic cell size aims at: with k = 16 the k-th neighbour then lies
    /// within one cell for surface and volume samples alike, so most queries read only the 3 × 3 × 3 block.
    static let targetOccupancy: Double = 6

    /// Buckets `points` (finite, fewer than 2³¹) into cells of `cellSize`, or of a size chosen from the
    /// points' occupancy when nil.
    init(points: [SIMD3<Float>], cellSize: Float? = nil) {
        var lower = SIMD3<Float>(repeating: .infinity), upper = SIMD3<Float>(repeating: -.infinity)
        for p in points {
            lower = pointwiseMin(lower, p)
            upper = pointwiseMax(upper, p)
        }
        if points.isEmpty { lower = .zero; upper = .zero }
        let extent = upper - lower
        let largest = max(extent.x, extent.y, extent.z)
        let size = max(cellSize ?? Self.chooseCellSize(points: points, lower: lower, extent: extent),
                       largest / Float(1 << 20) * 1.001, .leastNormalMagnitude)
        self.cellSize = size
        origin = lower
        // At most 2²⁰ cells per axis keep keys inside an Int (a huge sparse box only gets fuller cells).
        let counts = (extent / size).rounded(.down)
        nx = Int(counts.x) + 3
        ny = Int(counts.y) + 3
        nz = Int(counts.z) + 3
        let keys = points.map { [nx, ny] in Self.key($0, lower, size, nx, ny) }
        let permutation = RadixSort.order(keys: keys, bits: Self.bitWidth(nx * ny * nz))
        order = permutation
        sorted = permutation.map { points[Int($0)] }
        var occupied: [Int] = [], starts: [Int32] = []
        var previous = -1
        for (slot, index) in permutation.enumerated() where keys[Int(index)] != previous {
            previous = keys[Int(index)]
            occupied.append(previous)
            starts.append(Int32(slot))
        }
        starts.append(Int32(points.count))
        cellKeys = occupied
        cellStart = starts
    }

    /// The padded cell of `p` as a key; coordinates are clamped so that rounding at the upper face stays inside.
    @inline(__always)
    static func key(_ p: SIMD3<Float>, _ origin: SIMD3<Float>, _ size: Float, _ nx: Int, _ ny: Int) -> Int {
        let c = ((p - origin) / size).rounded(.down)
        let ix = min(Int(min(max(c.x, 0), 1_048_576)), nx - 3) + 1
        let iy = min(Int(min(max(c.y, 0), 1_048_576)), ny - 3) + 1
        let iz = Int(min(max(c.z, 0), 1_048_576)) + 1
        return iz * nx * ny + iy * nx + ix
    }

    /// The padded cell coordinates of `p`, clamped as `key` clamps them (so monotone in each coordinate).
    @inline(__always)
    func cellCoordinates(_ p: SIMD3<Float>) -> SIMD3<Int> {
        let c = ((p - origin) / cellSize).rounded(.down)
        return SIMD3(min(Int(min(max(c.x, 0), 1_048_576)), nx - 3) + 1, min(Int(min(max(c.y, 0), 1_048_576)), ny - 3) + 1,
                     min(Int(min(max(c.z, 0), 1_048_576)), nz - 3) + 1)
    }

    /// The cell coordinates of `key`.
    @inline(__always)
    func cell(of key: Int) -> SIMD3<Int> { SIMD3(key % nx, (key / nx) % ny, key / (nx * ny)) }

    static func bitWidth(_ n: Int) -> Int { max(1, Int.bitWidth - n.leadingZeroBitCount) }

    /// A cell size giving about `targetOccupancy` points per occupied cell. Occupancy is counted at two trial
    /// sizes; their ratio gives the sampling's dimension (2 for surfaces, 3 for volumes), which extrapolates.
    static func chooseCellSize(points: [SIMD3<Float>], lower: SIMD3<Float>, extent: SIMD3<Float>) -> Float {
        let n = Double(points.count)
        let largest = Double(max(extent.x, extent.y, extent.z))
        guard n >= 2, largest > 0 else { return 1 }
        // First guess: points spread over a surface as large as the box's largest face.
        let sorted3 = [Double(extent.x), Double(extent.y), Double(extent.z)].sorted()
        let area = max(sorted3[1] * sorted3[2], largest * largest * 1e-6)
        var trial = max((area * targetOccupancy / n).squareRoot(), largest / Double(1 << 20))
        // The two counts are independent full passes over the points: one per thread.
        let sizes = [Float(trial), Float(trial * 2)]
        var counts = [Double](repeating: 0, count: 2)
        counts.withUnsafeMutableBufferPointer { counts in
            let out = DisjointWrites(counts)
            DispatchQueue.concurrentPerform(iterations: 2) { t in
                out[t] = occupancy(points, lower: lower, extent: extent, size: sizes[t])
            }
        }
        let first = counts[0], second = counts[1]
        let dimension = min(max(log2(max(second / first, 1)), 1), 3)
        let base = second / first > 1 ? first : second
        if second / first <= 1 { trial *= 2 }
        trial *= pow(targetOccupancy / max(base, 1e-9), 1 / dimension)
        return Float(min(max(trial, largest / Double(1 << 20)), largest * 2))
    }

    /// Mean points per occupied cell at cell size `size` (open-addressing count of distinct keys).
    static func occupancy(_ points: [SIMD3<Float>], lower: SIMD3<Float>, extent: SIMD3<Float>, size: Float) -> Double {
        let counts = (extent / size).rounded(.down)
        let nx = Int(min(counts.x, 1_048_576)) + 3, ny = Int(min(counts.y, 1_048_576)) + 3
        let capacity = 1 << bitWidth(2 * points.count)
        let mask = capacity - 1
        var table = [Int](repeating: -1, count: capacity)
        var distinct = 0
        table.withUnsafeMutableBufferPointer { slots in
            for p in points {
                let key = Self.key(p, lower, size, nx, ny)
                var h = Int(truncatingIfNeeded: UInt64(truncatingIfNeeded: key) &* 0x9E37_79B9_7F4A_7C15 >> 20) & mask
                while slots[h] != -1, slots[h] != key { h = (h + 1) & mask }
                if slots[h] == -1 { slots[h] = key; distinct += 1 }
            }
        }
        return Double(points.count) / Double(max(distinct, 1))
    }
}

/// Stable LSD radix sort of non-negative integer keys (11-bit digits), returning the permutation.
enum RadixSort {
    static func order(keys: [Int], bits: Int) -> [Int32] {
        let count = keys.count
        var order = (0..<Int32(count)).map { $0 }
        guard count > 1 else { return order }
        var scratch = [Int32](repeating: 0, count: count)
        var shift = 0
        keys.withUnsafeBufferPointer { key in
            while shift < bits {
                let digitBits = min(11, bits - shift)
                let mask = (1 << digitBits) - 1
                var histogram = [Int](repeating: 0, count: mask + 2)
                for k in key { histogram[((k >> shift) & mask) + 1] += 1 }
                if !histogram.contains(count) {
                    for d in 1..<histogram.count { histogram[d] += histogram[d - 1] }
                    order.withUnsafeBufferPointer { src in
                        scratch.withUnsafeMutableBufferPointer { dst in
                            for i in src {
                                let d = (key[Int(i)] >> shift) & mask
                                dst[histogram[d]] = i
                                histogram[d] += 1
                            }
                        }
                    }
                    swap(&order, &scratch)
                }
                shift += digitBits
            }
        }
        return order
    }
}
