import Dispatch
import Support

/// The k nearest neighbours of a batch of queries, as flat row-major arrays (CSR with a fixed row length).
///
/// Row `i` is `neighbors[i*k ..< (i+1)*k]`, nearest first. From `KDTree.knnGraph(k:)` row `i` belongs to tree
/// point `i` and never contains `i` itself; from `KDTree.knn(of:k:)` row `i` belongs to query `i`. Rows are
/// padded with index −1 and squared distance +∞ when too few points exist.
public struct KNNGraph: Sendable, Equatable {
    /// Neighbours per point.
    public let k: Int
    /// `[N · k]` neighbour indices.
    public var neighbors: [Int32]
    /// `[N · k]` squared Euclidean distances in m², ascending within each row.
    public var squaredDistances: [Float]

    /// A graph from its flat rows (`neighbors.count == squaredDistances.count`, a multiple of `k`).
    public init(k: Int, neighbors: [Int32], squaredDistances: [Float]) {
        self.k = k
        self.neighbors = neighbors
        self.squaredDistances = squaredDistances
    }

    /// The number of rows (points or queries).
    public var count: Int { k == 0 ? 0 : neighbors.count / k }

    /// Row `i` of `neighbors`.
    public func neighbors(of i: Int) -> ArraySlice<Int32> { neighbors[(i * k)..<((i + 1) * k)] }

    /// Row `i` of `squaredDistances`.
    public func squaredDistances(of i: Int) -> ArraySlice<Float> { squaredDistances[(i * k)..<((i + 1) * k)] }
}

extension KDTree {
    /// The `k` nearest neighbours of every point of the tree (excluding the point itself).
    ///
    /// Queries run in blocks of tree-ordered points (cache-friendly) spread over the cores with
    /// `DispatchQueue.concurrentPerform`; the result does not depend on the scheduling.
    public func knnGraph(k: Int) throws(GeometryError) -> KNNGraph {
        guard k >= 1 else { throw .invalidArgument(name: "k", value: "\(k)", expected: ">= 1") }
        return batchKNN(queryCount: count, k: k, available: min(k, max(0, count - 1))) { context, slot in
            // Query tree slot `slot`; its row and its excluded index are the point's original index.
            let original = context.order[slot]
            return (context.points[slot], Int(original), original)
        }
    }

    /// The `k` nearest tree points of each of `queries` (e.g. source points against a target cloud for ICP
    /// correspondences). Row `i` of the result belongs to `queries[i]`; rows are padded with −1 / +∞ when the
    /// tree holds fewer than `k` points.
    public func knn(of queries: [SIMD3<Float>], k: Int) throws(GeometryError) -> KNNGraph {
        guard k >= 1 else { throw .invalidArgument(name: "k", value: "\(k)", expected: ">= 1") }
        return queries.withUnsafeBufferPointer { queryBuffer in
            let shared = SharedReads(queryBuffer)
            return batchKNN(queryCount: queries.count, k: k, available: min(k, count)) { _, i in
                (shared[i], i, -1)
            }
        }
    }

    /// Runs `queryCount` kNN queries in parallel chunks. `query(context, i)` gives the query point, its output
    /// row and an index to exclude (−1 for none); `available` candidates fill each row, the rest stays padded.
    private func batchKNN(queryCount: Int, k: Int, available: Int,
                          query: @Sendable (KDTreeSendableBuffers, Int) -> (SIMD3<Float>, Int, Int32)) -> KNNGraph {
        var neighbors = [Int32](repeating: -1, count: queryCount * k)
        var distances = [Float](repeating: .infinity, count: queryCount * k)
        guard queryCount > 0, available > 0, !nodes.isEmpty else {
            return KNNGraph(k: k, neighbors: neighbors, squaredDistances: distances)
        }
        neighbors.withUnsafeMutableBufferPointer { allIndices in
            distances.withUnsafeMutableBufferPointer { allDistances in
                withSearchBuffers { nodes, points, order in
                    let chunkSize = 4096
                    let chunks = (queryCount + chunkSize - 1) / chunkSize
                    let outIndices = DisjointWrites(allIndices), outDistances = DisjointWrites(allDistances)
                    let context = KDTreeSendableBuffers(nodes: SharedReads(nodes), points: SharedReads(points), order: SharedReads(order))
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        guard let indexRoot = outIndices.buffer.baseAddress,
                              let distanceRoot = outDistances.buffer.baseAddress else { return }
                        for i in (chunk * chunkSize)..<min(queryCount, (chunk + 1) * chunkSize) {
                            let (point, row, excluded) = query(context, i)
                            var search = KNNSearch(
                                nodes: context.nodes.buffer, points: context.points.buffer, order: context.order.buffer,
                                indices: UnsafeMutableBufferPointer(start: indexRoot + row * k, count: available),
                                distances: UnsafeMutableBufferPointer(start: distanceRoot + row * k, count: available),
                                excluded: excluded)
                            search.run(point)
                        }
                    }
                }
            }
        }
        return KNNGraph(k: k, neighbors: neighbors, squaredDistances: distances)
    }
}

/// Read-only tree views handed to worker threads; the tree outlives the parallel loop.
struct KDTreeSendableBuffers: Sendable {
    let nodes: SharedReads<KDNode>
    let points: SharedReads<SIMD3<Float>>
    let order: SharedReads<Int32>
}
