extension KDTree {
    /// The `k` nearest points to `query`, nearest first (fewer if the tree holds fewer than `k` points).
    public func knn(of query: SIMD3<Float>, k: Int) -> [Neighbor] {
        guard k > 0, !nodes.isEmpty else { return [] }
        let kept = min(k, count)
        var indices = [Int32](repeating: -1, count: kept)
        var distances = [Float](repeating: .infinity, count: kept)
        indices.withUnsafeMutableBufferPointer { idx in
            distances.withUnsafeMutableBufferPointer { dst in
                withSearchBuffers { nodes, points, order in
                    var search = KNNSearch(nodes: nodes, points: points, order: order,
                                           indices: idx, distances: dst, excluded: -1)
                    search.run(query)
                }
            }
        }
        return zip(indices, distances).map { Neighbor(index: Int($0), squaredDistance: $1) }
    }

    /// Every point within `radius` (inclusive) of `query`, nearest first.
    public func radiusSearch(around query: SIMD3<Float>, radius: Float) -> [Neighbor] {
        guard radius >= 0, !nodes.isEmpty else { return [] }
        var found: [Neighbor] = []
        let limit = radius * radius
        withSearchBuffers { nodes, points, order in
            var stack: [(node: Int, offsets: SIMD3<Float>, bound: Float)] = [(0, .zero, 0)]
            while let (nodeIndex, offsets, bound) = stack.popLast() {
                guard bound <= limit else { continue }
                let node = nodes[nodeIndex]
                if node.axis == KDNode.leaf {
                    for slot in Int(node.first)..<Int(node.end) {
                        let d = points[slot] - query
                        let d2 = dot3(d, d)
                        if d2 <= limit { found.append(Neighbor(index: Int(order[slot]), squaredDistance: d2)) }
                    }
                    continue
                }
                let axis = Int(node.axis)
                let diff = query[axis] - node.split
                let near = diff < 0 ? nodeIndex + 1 : Int(node.first)
                let far = diff < 0 ? Int(node.first) : nodeIndex + 1
                var farOffsets = offsets
                farOffsets[axis] = diff
                let farBound = bound - offsets[axis] * offsets[axis] + diff * diff
                stack.append((far, farOffsets, farBound))
                stack.append((near, offsets, bound))
            }
        }
        found.sort { ($0.squaredDistance, $0.index) < ($1.squaredDistance, $1.index) }
        return found
    }

    /// Runs `body` with raw views of the tree arrays (no copies, no reference counting in the hot loop).
    func withSearchBuffers<R>(_ body: (UnsafeBufferPointer<KDNode>, UnsafeBufferPointer<SIMD3<Float>>,
                                       UnsafeBufferPointer<Int32>) -> R) -> R {
        nodes.withUnsafeBufferPointer { n in
            sortedPoints.withUnsafeBufferPointer { p in
                order.withUnsafeBufferPointer { o in body(n, p, o) }
            }
        }
    }
}

/// One k-nearest-neighbour query: a sorted fixed-size candidate list and a depth-first descent that skips
/// subtrees whose cell lies farther than the current k-th distance (Arya–Mount incremental cell distance).
struct KNNSearch {
    let nodes: UnsafeBufferPointer<KDNode>
    let points: UnsafeBufferPointer<SIMD3<Float>>
    let order: UnsafeBufferPointer<Int32>
    /// `[k]` original indices of the candidates, nearest first; −1 while unfilled.
    let indices: UnsafeMutableBufferPointer<Int32>
    /// `[k]` squared distances of the candidates, ascending; +∞ while unfilled.
    let distances: UnsafeMutableBufferPointer<Float>
    /// An original index never reported (the query point itself in a kNN graph), or −1.
    let excluded: Int32
    var query: SIMD3<Float> = .zero

    init(nodes: UnsafeBufferPointer<KDNode>, points: UnsafeBufferPointer<SIMD3<Float>>,
         order: UnsafeBufferPointer<Int32>, indices: UnsafeMutableBufferPointer<Int32>,
         distances: UnsafeMutableBufferPointer<Float>, excluded: Int32) {
        self.nodes = nodes
        self.points = points
        self.order = order
        self.indices = indices
        self.distances = distances
        self.excluded = excluded
    }

    /// Fills `indices` / `distances` with the nearest points to `query`.
    mutating func run(_ query: SIMD3<Float>) {
        self.query = query
        for i in 0..<indices.count {
            indices[i] = -1
            distances[i] = .infinity
        }
        var offsets = SIMD3<Float>.zero
        descend(0, bound: 0, offsets: &offsets)
    }

    private func descend(_ nodeIndex: Int, bound: Float, offsets: inout SIMD3<Float>) {
        let node = nodes[nodeIndex]
        if node.axis == KDNode.leaf {
            let k = distances.count
            for slot in Int(node.first)..<Int(node.end) {
                let d = points[slot] - query
                let d2 = d.x * d.x + d.y * d.y + d.z * d.z
                guard d2 < distances[k - 1] else { continue }
                let original = order[slot]
                guard original != excluded else { continue }
                var i = k - 1
                while i > 0 && distances[i - 1] > d2 {
                    distances[i] = distances[i - 1]
                    indices[i] = indices[i - 1]
                    i -= 1
                }
                distances[i] = d2
                indices[i] = original
            }
            return
        }
        let axis = Int(node.axis)
        let diff = query[axis] - node.split
        let near = diff < 0 ? nodeIndex + 1 : Int(node.first)
        let far = diff < 0 ? Int(node.first) : nodeIndex + 1
        descend(near, bound: bound, offsets: &offsets)
        let old = offsets[axis]
        let farBound = bound - old * old + diff * diff
        if farBound < distances[distances.count - 1] {
            offsets[axis] = diff
            descend(far, bound: farBound, offsets: &offsets)
            offsets[axis] = old
        }
    }
}
