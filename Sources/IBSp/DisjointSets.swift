/// Union–find over `0..<count` with union by rank and path compression, joining exactly as the ScanNet
/// segmentator does: joining roots x and y hangs y under x when rank(x) > rank(y), otherwise x under y
/// (and y's rank grows on a tie). With the same edge order this gives the same root for every set, which
/// is why `segment-mesh` reproduces ScanNet's segment ids (root vertex indices), not only its partition.
public struct DisjointSets: Sendable {
    public private(set) var parent: [Int32]
    public private(set) var rank: [Int32]
    /// Size of each set, valid at roots.
    public private(set) var size: [Int32]

    public init(count: Int) {
        parent = (0..<Int32(count)).map { $0 }
        rank = [Int32](repeating: 0, count: count)
        size = [Int32](repeating: 1, count: count)
    }

    public var count: Int { parent.count }

    /// The root of `x`'s set; compresses the path.
    @inline(__always)
    public mutating func find(_ x: Int32) -> Int32 {
        var root = x
        while parent[Int(root)] != root { root = parent[Int(root)] }
        var node = x
        while parent[Int(node)] != root {
            let next = parent[Int(node)]
            parent[Int(node)] = root
            node = next
        }
        return root
    }

    /// Joins two distinct roots and returns the new root.
    @discardableResult @inline(__always)
    public mutating func join(_ x: Int32, _ y: Int32) -> Int32 {
        let xi = Int(x), yi = Int(y)
        if rank[xi] > rank[yi] {
            parent[yi] = x
            size[xi] += size[yi]
            return x
        }
        parent[xi] = y
        size[yi] += size[xi]
        if rank[xi] == rank[yi] { rank[yi] += 1 }
        return y
    }

    /// `[count]` the root of every element (ScanNet's segment ids).
    public mutating func roots() -> [Int32] {
        (0..<Int32(count)).map { find($0) }
    }
}
