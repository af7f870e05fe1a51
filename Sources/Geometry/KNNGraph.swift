import Dispatch

/// The k nearest neighbours of every point of a cloud, as flat row-major arrays (CSR with a fixed row length).
///
/// Row `i` is `neighbors[i*k ..< (i+1)*k]`, nearest first, never containing `i` itself. If the cloud has fewer
/// than `k + 1` points the row is padded with index −1 and squared distance +∞.
public struct KNNGraph: Sendable, Equatable {
    /// Neighbours per point.
    public let k: Int
    /// `[N · k]` neighbour indices.
    public var neighbors: [Int32]
    /// `[N · k]` squared Euclidean distances in m², ascending within each row.
    public var squaredDistances: [Float]

    /// The number of points `N`.
    public var count: Int { k == 0 ? 0 : neighbors.count / k }

    /// Row `i` of `neighbors`.
    public func neighbors(of i: Int) -> ArraySlice<Int32> { neighbors[(i * k)..<((i + 1) * k)] }

    /// Row `i` of `squaredDistances`.
    public func squaredDistances(of i: Int) -> ArraySlice<Float> { squaredDistances[(i * k)..<((i + 1) * k)] }
}

extension KDTree {
    /// The `k` nearest neighbours of every point of the tree (excluding the point itself).
    ///
    /// Queries run in `chunkCount` blocks spread over the cores with `DispatchQueue.concurrentPerform`; the
    /// result does not depend on the scheduling.
    public func knnGraph(k: Int) throws(GeometryError) -> KNNGraph {
        guard k >= 1 else { throw .invalidArgument(name: "k", value: "\(k)", expected: ">= 1") }
        let n = count
        var neighbors = [Int32](repeating: -1, count: n * k)
        var distances = [Float](repeating: .infinity, count: n * k)
        guard n > 0 else { return KNNGraph(k: k, neighbors: neighbors, squaredDistances: distances) }
        let available = min(k, n - 1)  // candidates per row once the point itself is excluded
        neighbors.withUnsafeMutableBufferPointer { allIndices in
            distances.withUnsafeMutableBufferPointer { allDistances in
                withSearchBuffers { nodes, points, order in
                    let chunkSize = 4096
                    let chunks = (n + chunkSize - 1) / chunkSize
                    let indexBase = UnsafeMutableSendablePointer(allIndices.baseAddress)
                    let distanceBase = UnsafeMutableSendablePointer(allDistances.baseAddress)
                    let context = KDTreeSendableBuffers(nodes: nodes, points: points, order: order)
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        guard let indexRoot = indexBase.pointer, let distanceRoot = distanceBase.pointer else { return }
                        for slot in (chunk * chunkSize)..<min(n, (chunk + 1) * chunkSize) {
                            let original = Int(context.order[slot])
                            let row = original * k
                            var search = KNNSearch(
                                nodes: context.nodes, points: context.points, order: context.order,
                                indices: UnsafeMutableBufferPointer(start: indexRoot + row, count: available),
                                distances: UnsafeMutableBufferPointer(start: distanceRoot + row, count: available),
                                excluded: Int32(original))
                            if available > 0 { search.run(context.points[slot]) }
                        }
                    }
                }
            }
        }
        return KNNGraph(k: k, neighbors: neighbors, squaredDistances: distances)
    }
}

/// Read-only tree views handed to worker threads; the tree outlives the parallel loop.
private struct KDTreeSendableBuffers: @unchecked Sendable {
    let nodes: UnsafeBufferPointer<KDNode>
    let points: UnsafeBufferPointer<SIMD3<Float>>
    let order: UnsafeBufferPointer<Int32>
}

/// An output base pointer shared by worker threads that write disjoint rows.
private struct UnsafeMutableSendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>?
    init(_ pointer: UnsafeMutablePointer<T>?) { self.pointer = pointer }
}
