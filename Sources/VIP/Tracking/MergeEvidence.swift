import IBSp

/// An unordered pair of track indices.
struct TrackPair: Hashable, Comparable {
    let low: Int, high: Int
    init(_ a: Int, _ b: Int) { (low, high) = a < b ? (a, b) : (b, a) }
    static func < (x: TrackPair, y: TrackPair) -> Bool { x.low != y.low ? x.low < y.low : x.high < y.high }
}

/// The views for and against joining two tracks (`MaskTracker` step 4): `together` counts keyframes where one
/// track, unmatched, lay inside the mask matched to the other; `apart` counts keyframes that matched both to
/// masks of their own.
struct MergeEvidence {
    var together: [TrackPair: Int] = [:]
    var apart: [TrackPair: Int] = [:]

    /// The tracks grouped by joining every pair with more views together than apart (transitively); each group
    /// ascending, groups ordered by their first (oldest) track.
    func groups(trackCount n: Int) -> [[Int]] {
        var sets = DisjointSets(count: n)
        for pair in together.keys.sorted() where pair.low != pair.high {
            guard let count = together[pair], count > apart[pair, default: 0] else { continue }
            let a = sets.find(Int32(pair.low)), b = sets.find(Int32(pair.high))
            if a != b { _ = sets.join(a, b) }
        }
        var groupOfRoot: [Int32: Int] = [:], groups: [[Int]] = []
        for k in 0..<n {
            let root = sets.find(Int32(k))
            if let g = groupOfRoot[root] { groups[g].append(k) } else {
                groupOfRoot[root] = groups.count
                groups.append([k])
            }
        }
        return groups
    }
}
