import Dispatch
import Geometry
import Support

extension PointGrid {
    /// The exact `k` nearest neighbours of every point, excluding the point itself, nearest first; equal
    /// distances are ordered by ascending original index. Rows are indexed by original point index and padded
    /// with −1 / +∞ when fewer than `k` other points exist (the same layout as `KDTree.knnGraph`).
    func knnGraph(k: Int) -> KNNGraph {
        let slots = knnInCellOrder(k: k)
        let n = order.count
        var neighbors = [Int32](repeating: -1, count: n * k)
        var distances = [Float](repeating: .infinity, count: n * k)
        for s in 0..<n {
            let row = Int(order[s]) * k
            for r in 0..<k {
                let t = slots.neighbors[s * k + r]
                guard t >= 0 else { continue }
                neighbors[row + r] = order[Int(t)]
                distances[row + r] = Self.squaredDistance(sorted[s], sorted[Int(t)])
            }
        }
        return KNNGraph(k: k, neighbors: neighbors, squaredDistances: distances)
    }

    /// The squared distance the search compares, `‖p − q‖²` summed x, y, z (bit-symmetric in p and q).
    @inline(__always)
    static func squaredDistance(_ query: SIMD3<Float>, _ point: SIMD3<Float>) -> Float {
        let d = point - query
        return d.x * d.x + d.y * d.y + d.z * d.z
    }

    /// `knnGraph(k:)` in cell order: row `s` belongs to slot `s` (point `order[s]`) and its entries are slots;
    /// `kth[s]` is the squared distance of the row's last entry (+∞ when the row is padded). Neighbours and
    /// their order are the same as in `knnGraph(k:)` (ties by ascending *original* index).
    ///
    /// All points of a cell share one candidate block, the 3 × 3 × 3 cells around it: nine contiguous slot
    /// ranges, read in place (the query's own row first, so that the k-th distance tightens early). A query's
    /// answer is final when its k-th distance is within the distance from the query to the block's faces (no
    /// point outside can be nearer); otherwise (sparse regions, outliers) `widen` completes it.
    /// Cells are processed in parallel chunks; the result does not depend on the scheduling.
    func knnInCellOrder(k: Int) -> (neighbors: [Int32], kth: [Float]) {
        let n = order.count
        var neighbors = [Int32](repeating: -1, count: n * k)
        var kth = [Float](repeating: .infinity, count: n)
        guard n >= 2, k >= 1 else { return (neighbors, kth) }
        let cells = cellKeys.count
        let chunkSize = 512
        let chunks = (cells + chunkSize - 1) / chunkSize
        neighbors.withUnsafeMutableBufferPointer { nb in
            kth.withUnsafeMutableBufferPointer { kth in
                sorted.withUnsafeBufferPointer { points in
                    order.withUnsafeBufferPointer { original in
                        let shared = GridKNNBuffers(neighbors: DisjointWrites(nb), kth: DisjointWrites(kth), points: SharedReads(points),
                                                    original: SharedReads(original))
                        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                            var search = GridKNNSearch(grid: self, buffers: shared, k: k)
                            search.run(cells: (chunk * chunkSize)..<min(cells, (chunk + 1) * chunkSize))
                        }
                    }
                }
            }
        }
        return (neighbors, kth)
    }

    /// Index of the first occupied cell whose key is ≥ `key`.
    @inline(__always)
    func firstCell(atLeast key: Int) -> Int {
        var lo = 0, hi = cellKeys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cellKeys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// The grid's arrays and the output rows, shared by worker threads; each row is written by exactly one thread.
private struct GridKNNBuffers: Sendable {
    let neighbors: DisjointWrites<Int32>
    let kth: DisjointWrites<Float>
    let points: SharedReads<SIMD3<Float>>
    let original: SharedReads<Int32>
}

/// One worker's state: the current cell's candidate block and the top-k list of the current query.
///
/// The list holds `k` packed keys `squared distance bits << 32 | slot`, ascending: non-negative Floats order
/// like their bit patterns, so one integer comparison orders by distance, and only keys with equal distance
/// bits (rare) fall back to comparing the slots' original indices (the documented tie rule).
private struct GridKNNSearch {
    let grid: PointGrid
    let buffers: GridKNNBuffers
    let k: Int
    /// The current cell's 3 × 3 × 3 block as structure-of-arrays copies (8-wide distance loop), padded with +∞
    /// to a multiple of 8; `blockCount` real entries.
    var blockX: [Float] = [], blockY: [Float] = [], blockZ: [Float] = []
    var blockSlot: [Int32] = []
    var blockCount = 0
    /// The current query's squared distances to the block (same padding).
    var blockDistance: [Float] = []
    /// A guess of the next query's k-th squared distance (from the previous query; +∞ for none).
    var guess = Float.infinity
    /// Slot ranges of `widen`'s larger block, as (start, end) pairs.
    var wideRanges: [Int] = []
    /// The top-k list (see the type's note); empty entries are `UInt64.max`.
    var best: [UInt64]

    init(grid: PointGrid, buffers: GridKNNBuffers, k: Int) {
        self.grid = grid
        self.buffers = buffers
        self.k = k
        best = [UInt64](repeating: .max, count: k)
    }

    /// The k-th squared distance of the list (+∞ while it has fewer than k entries).
    var worst: Float { best[k - 1] == .max ? .infinity : Float(bitPattern: UInt32(truncatingIfNeeded: best[k - 1] >> 32)) }

    mutating func run(cells: Range<Int>) {
        guard !cells.isEmpty else { return }
        let plane = grid.nx * grid.ny
        let keys = grid.cellKeys, starts = grid.cellStart
        // One cursor per (dy, dz) row of the block, the query's own row first (so that the k-th distance
        // tightens early); cell keys ascend, so each cursor only moves forward.
        var rowOffsets: [Int] = [0]
        for (dy, dz) in [(-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, -1), (-1, 1), (1, 1)] {
            rowOffsets.append(dz * plane + dy * grid.nx)
        }
        var cursors = rowOffsets.map { grid.firstCell(atLeast: keys[cells.lowerBound] + $0 - 1) }
        for cell in cells {
            let key = keys[cell]
            blockX.removeAll(keepingCapacity: true); blockY.removeAll(keepingCapacity: true)
            blockZ.removeAll(keepingCapacity: true); blockSlot.removeAll(keepingCapacity: true)
            for r in 0..<rowOffsets.count {
                let low = key + rowOffsets[r] - 1, high = low + 2
                var c = cursors[r]
                while c < keys.count, keys[c] < low { c += 1 }
                cursors[r] = c
                var end = c
                while end < keys.count, keys[end] <= high { end += 1 }
                if r == 0 {
                    // The query's own cell first, then the rest of its row: near candidates first keep the
                    // bound tight, so fewer candidates enter the top-k list.
                    appendToBlock(Int(starts[cell])..<Int(starts[cell + 1]))
                    appendToBlock(Int(starts[c])..<Int(starts[cell]))
                    appendToBlock(Int(starts[cell + 1])..<Int(starts[end]))
                } else {
                    appendToBlock(Int(starts[c])..<Int(starts[end]))
                }
            }
            blockCount = blockSlot.count
            while blockX.count % 8 != 0 {
                blockX.append(.infinity); blockY.append(.infinity); blockZ.append(.infinity); blockSlot.append(-1)
            }
            if blockDistance.count < blockX.count { blockDistance = [Float](repeating: 0, count: blockX.count * 2) }
            let lowCorner = grid.origin + SIMD3<Float>(grid.cell(of: key) &- 2) * grid.cellSize
            for slot in Int(starts[cell])..<Int(starts[cell + 1]) {
                let query = buffers.points[slot]
                nearestInBlock(to: query, excluding: slot)
                let reach = faceDistance(query, low: lowCorner, high: lowCorner + 3 * grid.cellSize)
                if !(worst <= reach * reach) { widen(query, excluding: slot, key: key) }
                let row = slot * k
                for r in 0..<k {
                    buffers.neighbors[row + r] = best[r] == .max ? -1 : Int32(truncatingIfNeeded: best[r] & 0xFFFF_FFFF)
                }
                buffers.kth[slot] = worst
                // Neighbouring queries have similar k-th distances: a little above this one bounds the next.
                guess = worst * 1.25
            }
        }
    }

    /// Appends the points of a slot range to the block arrays.
    mutating func appendToBlock(_ slots: Range<Int>) {
        for s in slots {
            let p = buffers.points[s]
            blockX.append(p.x); blockY.append(p.y); blockZ.append(p.z); blockSlot.append(Int32(truncatingIfNeeded: s))
        }
    }

    /// Distance from `query` to the nearest face of the box, less a margin for the rounding of the cell index.
    func faceDistance(_ query: SIMD3<Float>, low: SIMD3<Float>, high: SIMD3<Float>) -> Float {
        let inside = pointwiseMin(query - low, high - query)
        return min(inside.x, inside.y, inside.z) - grid.cellSize * 1e-3
    }

    /// Fills the list from the cell's block: first all squared distances, 8 at a time (the same per-lane
    /// arithmetic as `PointGrid.squaredDistance`), counting those within `guess`; then one scalar pass that
    /// inserts the candidates within the bound (the guess when it provably holds, else the list's k-th).
    mutating func nearestInBlock(to query: SIMD3<Float>, excluding excluded: Int) {
        let original = buffers.original.buffer, guess = guess
        let qx = SIMD8<Float>(repeating: query.x), qy = SIMD8<Float>(repeating: query.y), qz = SIMD8<Float>(repeating: query.z)
        let count = blockX.count, real = blockCount
        blockX.withUnsafeBufferPointer { xs in
            blockY.withUnsafeBufferPointer { ys in
                blockZ.withUnsafeBufferPointer { zs in
                    blockSlot.withUnsafeBufferPointer { slots in
                        blockDistance.withUnsafeMutableBufferPointer { distances in
                            best.withUnsafeMutableBufferPointer { list in
                                guard let xb = xs.baseAddress, let yb = ys.baseAddress, let zb = zs.baseAddress,
                                      let db = distances.baseAddress else { return }
                                let guessed = SIMD8<Float>(repeating: guess)
                                var within = SIMD8<Int32>.zero
                                var c = 0
                                while c < count {
                                    let dx = UnsafeRawPointer(xb + c).loadUnaligned(as: SIMD8<Float>.self) - qx
                                    let dy = UnsafeRawPointer(yb + c).loadUnaligned(as: SIMD8<Float>.self) - qy
                                    let dz = UnsafeRawPointer(zb + c).loadUnaligned(as: SIMD8<Float>.self) - qz
                                    let d2 = dx * dx + dy * dy + dz * dz
                                    UnsafeMutableRawPointer(db + c).storeBytes(of: d2, as: SIMD8<Float>.self)
                                    within &+= SIMD8<Int32>.zero.replacing(with: 1, where: d2 .<= guessed)
                                    c += 8
                                }
                                // More than k candidates within the guess (one is the query itself): the k-th
                                // distance is at most the guess, so farther candidates need not be inserted.
                                let bound = within.wrappedSum() > Int32(list.count) ? guess : .infinity
                                for r in list.indices { list[r] = .max }
                                var limit = bound
                                for c in 0..<real {
                                    let d2 = distances[c]
                                    guard d2 <= limit, d2 < .infinity else { continue }
                                    let slot = Int(slots[c])
                                    guard slot != excluded else { continue }
                                    limit = min(bound, Self.insert(d2, slot: slot, into: list, original: original))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Fills the list from the slots of `ranges` (the widened block).
    mutating func nearest(to query: SIMD3<Float>, excluding excluded: Int, in ranges: [Int]) {
        let points = buffers.points.buffer, original = buffers.original.buffer
        ranges.withUnsafeBufferPointer { ranges in
            best.withUnsafeMutableBufferPointer { list in
                for r in list.indices { list[r] = .max }
                var limit = Float.infinity
                var pair = 0
                while pair < ranges.count {
                    for c in ranges[pair]..<ranges[pair + 1] {
                        let d2 = PointGrid.squaredDistance(query, points[c])
                        guard d2 <= limit, d2 < .infinity, c != excluded else { continue }
                        limit = Self.insert(d2, slot: c, into: list, original: original)
                    }
                    pair += 2
                }
            }
        }
    }

    /// Inserts `(d2, slot)` into the ascending list unless it orders after the last entry; returns the new
    /// k-th distance (+∞ while the list is not full) as the next candidates' bound.
    @inline(__always)
    static func insert(_ d2: Float, slot: Int, into list: UnsafeMutableBufferPointer<UInt64>,
                       original: UnsafeBufferPointer<Int32>) -> Float {
        let key = UInt64(d2.bitPattern) << 32 | UInt64(UInt32(truncatingIfNeeded: slot))
        // Orders x before y: by distance bits, then (equal distances) by the slots' original indices.
        // (An empty entry, `.max`, has no Float's bits in its high half, so every key orders before it.)
        func before(_ x: UInt64, _ y: UInt64) -> Bool {
            if x >> 32 != y >> 32 { return x < y }
            return original[Int(x & 0xFFFF_FFFF)] < original[Int(y & 0xFFFF_FFFF)]
        }
        var i = list.count - 1
        if before(key, list[i]) {
            while i > 0, before(key, list[i - 1]) {
                list[i] = list[i - 1]
                i -= 1
            }
            list[i] = key
        }
        let last = list[list.count - 1]
        return last == .max ? .infinity : Float(bitPattern: UInt32(truncatingIfNeeded: last >> 32))
    }

    /// Completes a query whose k-th distance reaches outside its cell's block. With k candidates found, the
    /// true k nearest lie within the current k-th distance d, so one scan of the cells the box
    /// `query ± d` touches is final (a margin covers the rounding of the cell index). Without k candidates the
    /// block around the query's cell grows (radius 2, 4, 8, … cells) until the answer is provably final or the
    /// block covers the whole grid.
    mutating func widen(_ query: SIMD3<Float>, excluding excluded: Int, key: Int) {
        if worst.isFinite {
            let reach = worst.squareRoot() * (1 + 1e-5) + grid.cellSize * 1e-3
            let low = grid.cellCoordinates(query - reach), high = grid.cellCoordinates(query + reach)
            collect(z: low.z...high.z, y: low.y...high.y, x: low.x...high.x)
            nearest(to: query, excluding: excluded, in: wideRanges)
            return
        }
        let cell = grid.cell(of: key)
        var radius = 2
        while true {
            collect(z: max(cell.z - radius, 0)...min(cell.z + radius, grid.nz - 1),
                    y: max(cell.y - radius, 0)...min(cell.y + radius, grid.ny - 1),
                    x: max(cell.x - radius, 0)...min(cell.x + radius, grid.nx - 1))
            nearest(to: query, excluding: excluded, in: wideRanges)
            let covers = cell.x - radius <= 1 && cell.x + radius >= grid.nx - 2 && cell.y - radius <= 1
                && cell.y + radius >= grid.ny - 2 && cell.z - radius <= 1 && cell.z + radius >= grid.nz - 2
            if covers { return }
            let low = grid.origin + SIMD3<Float>(cell &- (radius + 1)) * grid.cellSize
            let reach = faceDistance(query, low: low, high: low + Float(2 * radius + 1) * grid.cellSize)
            if worst <= reach * reach { return }
            radius *= 2
        }
    }

    /// Sets `wideRanges` to the slot ranges of the cells in the given box of cell coordinates.
    mutating func collect(z: ClosedRange<Int>, y: ClosedRange<Int>, x: ClosedRange<Int>) {
        wideRanges.removeAll(keepingCapacity: true)
        let plane = grid.nx * grid.ny
        for cz in z {
            for cy in y {
                let row = cz * plane + cy * grid.nx
                let first = grid.firstCell(atLeast: row + x.lowerBound), end = grid.firstCell(atLeast: row + x.upperBound + 1)
                if end > first { wideRanges.append(Int(grid.cellStart[first])); wideRanges.append(Int(grid.cellStart[end])) }
            }
        }
    }
}
