import CFastPaths

/// Union–find over `0..<count` with union by rank and path compression (halving), joining exactly as the ScanNet
/// segmentator does: joining roots x and y hangs y under x when rank(x) > rank(y), otherwise x under y
/// (and y's rank grows on a tie). With the same edge order this gives the same root for every set, which
/// is why `segment-mesh` reproduces ScanNet's segment ids (root vertex indices), not only its partition.
///
/// Parents live in their own flat `Int32` array: the clustering loop runs two finds per edge but touches the
/// rank, size and threshold record only for the few edges that join two sets, so the finds' random reads
/// stay within 4 bytes per element (a quarter of the memory of one combined record, kinder to cache and TLB).
public struct DisjointSets: Sendable {
    /// One root's bookkeeping; valid at roots.
    public struct Node: Sendable, Equatable {
        public var rank: Int32
        public var size: Int32
        public var threshold: Float
    }

    /// `[count]` parent of each element (itself at roots).
    public private(set) var parents: [Int32]
    /// `[count]` rank, size and Felzenszwalb threshold of each element (meaningful at roots).
    public private(set) var nodes: [Node]

    /// `count` singletons, each with `threshold`.
    public init(count: Int, threshold: Float = 0) {
        parents = (0..<Int32(count)).map { $0 }
        nodes = [Node](repeating: Node(rank: 0, size: 1, threshold: threshold), count: count)
    }

    public var count: Int { parents.count }

    /// The size of the set whose root is `root`.
    public func size(_ root: Int32) -> Int32 { nodes[Int(root)].size }

    /// The root of `x`'s set; compresses the path.
    public mutating func find(_ x: Int32) -> Int32 {
        withForest { $0.find(x) }
    }

    /// Joins two distinct roots and returns the new root.
    @discardableResult
    public mutating func join(_ x: Int32, _ y: Int32) -> Int32 {
        withForest { $0.join(x, y) }
    }

    /// `[count]` the root of every element (ScanNet's segment ids).
    public mutating func roots() -> [Int32] {
        withForest { forest in (0..<Int32(forest.parent.count)).map { forest.find($0) } }
    }

    /// Runs `body` with direct access to the arrays (the clustering loops call `Forest`'s helpers on it).
    mutating func withForest<R>(_ body: (Forest) -> R) -> R {
        parents.withUnsafeMutableBufferPointer { parent in
            nodes.withUnsafeMutableBufferPointer { node in body(Forest(parent: parent, node: node)) }
        }
    }

    /// Unchecked views of the two arrays for the hot loops.
    struct Forest {
        let parent: UnsafeMutableBufferPointer<Int32>
        let node: UnsafeMutableBufferPointer<Node>

        @inline(__always)
        func find(_ x: Int32) -> Int32 {
            // Path halving: one pass that points every other node at its grandparent. Compression never
            // changes which element is a root or any rank, so joins (and ScanNet's segment ids) are unaffected.
            var element = x
            while true {
                let up = parent[Int(element)]
                if up == element { return element }
                let grandparent = parent[Int(up)]
                parent[Int(element)] = grandparent
                element = grandparent
            }
        }

        /// Prefetch hints for the edges at `far` (their parents) and `near` (their parents' parents and records);
        /// indices past the end are ignored. Hints only: results never depend on them.
        @inline(__always)
        func prefetch(_ edges: UnsafeBufferPointer<WeightedEdge>, _ far: Int, _ near: Int) {
            guard let base = parent.baseAddress, let records = node.baseAddress else { return }
            if far < edges.count {
                let a = Int(edges[far].a), b = Int(edges[far].b)
                fp_prefetch(base + a)
                fp_prefetch(base + b)
            }
            if near < edges.count {
                // The parents are cached by now; a parent is usually the root or one step below it, and a
                // root's record (threshold, size) is read whenever the ends lie in different sets.
                let pa = Int(parent[Int(edges[near].a)]), pb = Int(parent[Int(edges[near].b)])
                fp_prefetch(base + pa)
                fp_prefetch(base + pb)
                fp_prefetch(records + pa)
                fp_prefetch(records + pb)
            }
        }

        /// Step 3's hint: start loading the parents of both ends of `edge`.
        @inline(__always)
        func prefetchParents(of edge: WeightedEdge) {
            guard let base = parent.baseAddress else { return }
            fp_prefetch(base + Int(edge.a))
            fp_prefetch(base + Int(edge.b))
        }

        @inline(__always)
        func join(_ x: Int32, _ y: Int32) -> Int32 {
            let xi = Int(x), yi = Int(y)
            if node[xi].rank > node[yi].rank {
                parent[yi] = x
                node[xi].size += node[yi].size
                return x
            }
            parent[xi] = y
            node[yi].size += node[xi].size
            if node[xi].rank == node[yi].rank { node[yi].rank += 1 }
            return y
        }
    }
}
