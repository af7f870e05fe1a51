import Dispatch
import Geometry

extension PointGrid {
    /// The exact `k` nearest neighbours of every point, excluding the point itself, nearest first; equal
    /// distances are ordered by ascending original index. Rows are indexed by original point index and padded
    /// with −1 / +∞ when fewer than `k` other points exist (the same layout as `KDTree.knnGraph`).
    ///
    /// All points of a cell share one candidate list, the 3 × 3 × 3 cells around it. A query's answer is
    /// final when its k-th distance is within the distance from the query to the block's faces (no point
    /// outside can be nearer); otherwise (sparse regions, outliers) the block grows to 5³, 9³, … cells.
    /// Cells are processed in parallel chunks; the result does not depend on the scheduling.
    func knnGraph(k: Int) -> KNNGraph {
        let n = order.count
        var neighbors = [Int32](repeating: -1, count: n * k)
        var distances = [Float](repeating: .infinity, count: n * k)
        guard n >= 2, k >= 1 else { return KNNGraph(k: k, neighbors: neighbors, squaredDistances: distances) }
        let cells = cellKeys.count
        let chunkSize = 512
        let chunks = (cells + chunkSize - 1) / chunkSize
        neighbors.withUnsafeMutableBufferPointer { nb in
            distances.withUnsafeMutableBufferPointer { dist in
                let output = GridKNNOutput(neighbors: nb, distances: dist)
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    var search = GridKNNSearch(grid: self, k: k)
                    search.run(cells: (chunk * chunkSize)..<min(cells, (chunk + 1) * chunkSize), into: output)
                }
            }
        }
        return KNNGraph(k: k, neighbors: neighbors, squaredDistances: distances)
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

/// Output rows shared by worker threads; each point's row is written by exactly one thread.
private struct GridKNNOutput: @unchecked Sendable {
    let neighbors: UnsafeMutableBufferPointer<Int32>
    let distances: UnsafeMutableBufferPointer<Float>
}

/// One worker's state: the candidate block of the current cell and a sorted top-k list.
private struct GridKNNSearch {
    let grid: PointGrid
    let k: Int
    /// The current cell's 3 × 3 × 3 block: positions and original indices.
    var candidates: [SIMD3<Float>] = []
    var candidateIndex: [Int32] = []
    /// The wider block of `widen` (kept apart so that the cell's block serves the cell's other points).
    var wideCandidates: [SIMD3<Float>] = []
    var wideIndex: [Int32] = []
    var bestDistance: [Float]
    var bestIndex: [Int32]

    init(grid: PointGrid, k: Int) {
        self.grid = grid
        self.k = k
        bestDistance = [Float](repeating: .infinity, count: k)
        bestIndex = [Int32](repeating: -1, count: k)
        candidates.reserveCapacity(256)
        candidateIndex.reserveCapacity(256)
    }

    mutating func run(cells: Range<Int>, into output: GridKNNOutput) {
        guard !cells.isEmpty else { return }
        let plane = grid.nx * grid.ny
        let keys = grid.cellKeys, starts = grid.cellStart
        // One cursor per (dy, dz) row of the block; cell keys ascend, so each cursor only moves forward.
        var rowOffsets: [Int] = []
        for dz in -1...1 { for dy in -1...1 { rowOffsets.append(dz * plane + dy * grid.nx) } }
        var cursors = rowOffsets.map { grid.firstCell(atLeast: keys[cells.lowerBound] + $0 - 1) }
        for cell in cells {
            let key = keys[cell]
            candidates.removeAll(keepingCapacity: true)
            candidateIndex.removeAll(keepingCapacity: true)
            for r in 0..<rowOffsets.count {
                let low = key + rowOffsets[r] - 1, high = low + 2
                var c = cursors[r]
                while c < keys.count, keys[c] < low { c += 1 }
                cursors[r] = c
                var end = c
                while end < keys.count, keys[end] <= high { end += 1 }
                for s in Int(starts[c])..<Int(starts[end]) {
                    candidates.append(grid.sorted[s])
                    candidateIndex.append(grid.order[s])
                }
            }
            let lowCorner = grid.origin + SIMD3<Float>(grid.cell(of: key) &- 2) * grid.cellSize
            for slot in Int(starts[cell])..<Int(starts[cell + 1]) {
                let query = grid.sorted[slot], point = grid.order[slot]
                Self.nearest(to: query, excluding: point, among: candidates, candidateIndex, into: &bestDistance, &bestIndex)
                let reach = faceDistance(query, low: lowCorner, high: lowCorner + 3 * grid.cellSize)
                if !(bestDistance[k - 1] <= reach * reach) { widen(query, excluding: point, key: key) }
                let row = Int(point) * k
                for r in 0..<k {
                    output.neighbors[row + r] = bestIndex[r]
                    output.distances[row + r] = bestDistance[r]
                }
            }
        }
    }

    /// Distance from `query` to the nearest face of the box, less a margin for the rounding of the cell index.
    func faceDistance(_ query: SIMD3<Float>, low: SIMD3<Float>, high: SIMD3<Float>) -> Float {
        let inside = pointwiseMin(query - low, high - query)
        return min(inside.x, inside.y, inside.z) - grid.cellSize * 1e-3
    }

    /// Fills the top-k lists from the candidates, ordered by (squared distance, original index).
    static func nearest(to query: SIMD3<Float>, excluding excluded: Int32, among points: [SIMD3<Float>],
                        _ indices: [Int32], into bestDistance: inout [Float], _ bestIndex: inout [Int32]) {
        let last = bestDistance.count - 1
        points.withUnsafeBufferPointer { points in
            indices.withUnsafeBufferPointer { indices in
                bestDistance.withUnsafeMutableBufferPointer { dist in
                    bestIndex.withUnsafeMutableBufferPointer { best in
                        for r in 0...last { dist[r] = .infinity; best[r] = -1 }
                        for c in 0..<points.count {
                            let d = points[c] - query
                            let d2 = d.x * d.x + d.y * d.y + d.z * d.z
                            guard d2 <= dist[last] else { continue }
                            let index = indices[c]
                            guard index != excluded, d2 < dist[last] || index < best[last] else { continue }
                            var i = last
                            while i > 0, dist[i - 1] > d2 || (dist[i - 1] == d2 && best[i - 1] > index) {
                                dist[i] = dist[i - 1]
                                best[i] = best[i - 1]
                                i -= 1
                            }
                            dist[i] = d2
                            best[i] = index
                        }
                    }
                }
            }
        }
    }

    /// Grows the block around the query's cell (radius 2, 4, 8, … cells) until the answer is provably final
    /// or the block covers the whole grid.
    mutating func widen(_ query: SIMD3<Float>, excluding excluded: Int32, key: Int) {
        let cell = grid.cell(of: key)
        let plane = grid.nx * grid.ny
        var radius = 2
        while true {
            wideCandidates.removeAll(keepingCapacity: true)
            wideIndex.removeAll(keepingCapacity: true)
            let zRange = max(cell.z - radius, 0)...min(cell.z + radius, grid.nz - 1)
            let yRange = max(cell.y - radius, 0)...min(cell.y + radius, grid.ny - 1)
            let xLow = max(cell.x - radius, 0), xHigh = min(cell.x + radius, grid.nx - 1)
            for z in zRange {
                for y in yRange {
                    let row = z * plane + y * grid.nx
                    let first = grid.firstCell(atLeast: row + xLow), end = grid.firstCell(atLeast: row + xHigh + 1)
                    for s in Int(grid.cellStart[first])..<Int(grid.cellStart[end]) {
                        wideCandidates.append(grid.sorted[s])
                        wideIndex.append(grid.order[s])
                    }
                }
            }
            Self.nearest(to: query, excluding: excluded, among: wideCandidates, wideIndex, into: &bestDistance, &bestIndex)
            let covers = cell.x - radius <= 1 && cell.x + radius >= grid.nx - 2 && cell.y - radius <= 1
                && cell.y + radius >= grid.ny - 2 && cell.z - radius <= 1 && cell.z + radius >= grid.nz - 2
            if covers { return }
            let low = grid.origin + SIMD3<Float>(cell &- (radius + 1)) * grid.cellSize
            let reach = faceDistance(query, low: low, high: low + Float(2 * radius + 1) * grid.cellSize)
            if bestDistance[k - 1] <= reach * reach { return }
            radius *= 2
        }
    }
}
