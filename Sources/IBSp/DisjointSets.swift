/// Union–find over `0..<count` with union by rank and path compression, joining exactly as the ScanNet
/// segmentator does: joining roots x and y hangs y under x when rank(x) > rank(y), otherwise x under y
/// (and y's rank grows on a tie). With the same edge order this gives the same root for every set, which
/// is why `segment-mesh` reproduces ScanNet's segment ids (root vertex indices), not only its partition.
///
/// Each element's parent, rank, size and Felzenszwalb threshold share one 16-byte record, so the random
/// accesses of the clustering loop touch one cache line per element instead of four.
public struct DisjointSets: Sendable {
    /// One element's record; `size` and `threshold` are valid at roots.
    public struct Node: Sendable, Equatable {
        public var parent: Int32
        public var rank: Int32
        public var size: Int32
        public var threshold: Float
    }

    public private(set) var nodes: [Node]

    /// `count` singletons, each with `threshold`.
    public init(count: Int, threshold: Float = 0) {
        nodes = (0..<Int32(count)).map { Node(parent: $0, rank: 0, size: 1, threshold: threshold) }
    }

    public var count: Int { nodes.count }

    /// The size of the set whose root is `root`.
    public func size(_ root: Int32) -> Int32 { nodes[Int(root)].size }

    /// The root of `x`'s set; compresses the path.
    public mutating func find(_ x: Int32) -> Int32 {
        nodes.withUnsafeMutableBufferPointer { Self.find(x, $0) }
    }

    /// Joins two distinct roots and returns the new root.
    @discardableResult
    public mutating func join(_ x: Int32, _ y: Int32) -> Int32 {
        nodes.withUnsafeMutableBufferPointer { Self.join(x, y, $0) }
    }

    /// `[count]` the root of every element (ScanNet's segment ids).
    public mutating func roots() -> [Int32] {
        nodes.withUnsafeMutableBufferPointer { n in (0..<Int32(n.count)).map { Self.find($0, n) } }
    }

    /// Runs `body` with direct access to the records (the clustering loops use the static helpers on it).
    mutating func withNodes<R>(_ body: (UnsafeMutableBufferPointer<Node>) -> R) -> R {
        nodes.withUnsafeMutableBufferPointer { body($0) }
    }

    @inline(__always)
    static func find(_ x: Int32, _ n: UnsafeMutableBufferPointer<Node>) -> Int32 {
        var root = x
        while n[Int(root)].parent != root { root = n[Int(root)].parent }
        var node = x
        while n[Int(node)].parent != root {
            let next = n[Int(node)].parent
            n[Int(node)].parent = root
            node = next
        }
        return root
    }

    @inline(__always)
    static func join(_ x: Int32, _ y: Int32, _ n: UnsafeMutableBufferPointer<Node>) -> Int32 {
        let xi = Int(x), yi = Int(y)
        if n[xi].rank > n[yi].rank {
            n[yi].parent = x
            n[xi].size += n[yi].size
            return x
        }
        n[xi].parent = y
        n[yi].size += n[xi].size
        if n[xi].rank == n[yi].rank { n[yi].rank += 1 }
        return y
    }
}
