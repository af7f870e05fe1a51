/// One neighbour found by a `KDTree` query.
public struct Neighbor: Sendable, Hashable {
    /// Index into the point array the tree was built from.
    public var index: Int
    /// Squared Euclidean distance to the query in m² (squared, like Open3D and nanoflann).
    public var squaredDistance: Float

    public init(index: Int, squaredDistance: Float) {
        self.index = index
        self.squaredDistance = squaredDistance
    }
}

/// A node of the implicit pre-order tree: the left child of node `i` is `i + 1`.
struct KDNode: Sendable {
    /// Coordinate of the splitting plane (internal nodes).
    var split: Float
    /// Splitting axis 0...2, or `KDNode.leaf`.
    var axis: Int32
    /// Internal node: index of the right child. Leaf: first slot in tree order.
    var first: Int32
    /// Leaf: one past the last slot in tree order.
    var end: Int32

    static let leaf: Int32 = 3
}

/// A static 3-D KD-tree over `[N]` single-precision points for k-nearest-neighbour and radius queries.
///
/// Built once (median splits on the axis of largest extent, leaves of `leafSize` points), then read-only and
/// `Sendable`: query it from many threads at once. Points are copied in tree order for cache locality; every
/// result refers to indices of the original array. Distances are Euclidean in the points' units (metres).
/// Complexity: build O(N log N); a query visits O(log N + k) nodes for well-spread points.
public struct KDTree: Sendable {
    /// The points as given, `[N]`.
    public let points: [SIMD3<Float>]
    /// `[N]` points permuted into tree order.
    let sortedPoints: [SIMD3<Float>]
    /// `[N]` original index of each tree slot.
    let order: [Int32]
    let nodes: [KDNode]

    /// The number of points.
    public var count: Int { points.count }

    /// Builds the tree. Throws `nonFinite` (index = point index) for NaN or infinite coordinates and
    /// `invalidArgument` if there are 2³¹ or more points or `leafSize < 1`.
    public init(points: [SIMD3<Float>], leafSize: Int = 12) throws(GeometryError) {
        guard leafSize >= 1 else {
            throw .invalidArgument(name: "leafSize", value: "\(leafSize)", expected: ">= 1")
        }
        guard points.count < Int(Int32.max) else {
            throw .invalidArgument(name: "points.count", value: "\(points.count)", expected: "< 2³¹ − 1")
        }
        if let bad = points.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite) }) {
            throw .nonFinite(name: "points", index: bad)
        }
        self.points = points
        var order = (0..<Int32(points.count)).map { $0 }
        var nodes: [KDNode] = []
        nodes.reserveCapacity(max(1, 2 * points.count / max(1, leafSize / 2)))
        if !points.isEmpty {
            points.withUnsafeBufferPointer { pts in
                order.withUnsafeMutableBufferPointer { perm in
                    var builder = KDTreeBuilder(points: pts, order: perm, leafSize: leafSize)
                    builder.build(first: 0, end: perm.count)
                    nodes = builder.nodes
                }
            }
        }
        self.order = order
        self.nodes = nodes
        self.sortedPoints = order.map { points[Int($0)] }
    }
}

/// Recursive median-split construction over a permutation of point indices.
private struct KDTreeBuilder {
    let points: UnsafeBufferPointer<SIMD3<Float>>
    let order: UnsafeMutableBufferPointer<Int32>
    let leafSize: Int
    var nodes: [KDNode] = []

    init(points: UnsafeBufferPointer<SIMD3<Float>>, order: UnsafeMutableBufferPointer<Int32>, leafSize: Int) {
        self.points = points
        self.order = order
        self.leafSize = leafSize
    }

    /// Appends the subtree over slots `first..<end` in pre-order.
    mutating func build(first: Int, end: Int) {
        let nodeIndex = nodes.count
        if end - first <= leafSize {
            nodes.append(KDNode(split: 0, axis: KDNode.leaf, first: Int32(first), end: Int32(end)))
            return
        }
        var lower = SIMD3<Float>(repeating: .infinity), upper = SIMD3<Float>(repeating: -.infinity)
        for slot in first..<end {
            let p = points[Int(order[slot])]
            lower = pointwiseMin(lower, p)
            upper = pointwiseMax(upper, p)
        }
        let extent = upper - lower
        let axis = extent.x >= extent.y ? (extent.x >= extent.z ? 0 : 2) : (extent.y >= extent.z ? 1 : 2)
        if extent[axis] == 0 {
            // All points coincide: no plane separates them.
            nodes.append(KDNode(split: 0, axis: KDNode.leaf, first: Int32(first), end: Int32(end)))
            return
        }
        let middle = (first + end) / 2
        select(nth: middle, first: first, end: end, axis: axis)
        let split = points[Int(order[middle])][axis]
        nodes.append(KDNode(split: split, axis: Int32(axis), first: 0, end: 0))
        build(first: first, end: middle)
        nodes[nodeIndex].first = Int32(nodes.count)
        build(first: middle, end: end)
    }

    /// Quickselect (Hoare partition, median-of-three pivot): afterwards slot `nth` holds the element of that
    /// rank along `axis`, with no larger coordinate before it and no smaller one after it.
    func select(nth: Int, first: Int, end: Int, axis: Int) {
        var lo = first, hi = end - 1
        while hi > lo {
            let mid = lo + (hi - lo) / 2
            let a = coordinate(lo, axis), b = coordinate(mid, axis), c = coordinate(hi, axis)
            let pivot = max(min(a, b), min(max(a, b), c))
            var i = lo, j = hi
            while i <= j {
                while coordinate(i, axis) < pivot { i += 1 }
                while coordinate(j, axis) > pivot { j -= 1 }
                if i <= j {
                    order.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if nth <= j {
                hi = j
            } else if nth >= i {
                lo = i
            } else {
                return
            }
        }
    }

    @inline(__always)
    func coordinate(_ slot: Int, _ axis: Int) -> Float { points[Int(order[slot])][axis] }
}
