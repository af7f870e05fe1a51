import Dispatch

/// Felzenszwalb–Huttenlocher graph segmentation as the ScanNet segmentator runs it (reconstruction-notes §4.1).
///
/// 1. Sort the edges by weight, ascending.
/// 2. Every vertex starts as its own component with threshold `kThresh`. For each edge joining different
///    components a, b: merge when `w ≤ thr[a]` and `w ≤ thr[b]`, then `thr[root] = w + kThresh / size(root)`.
/// 3. One more pass over the same sorted edges joins any two different components of which either has fewer
///    than `minSize` vertices.
///
/// **Ties.** The segmentator sorts with `std::sort`, which is not stable, so the order of equal weights is
/// whatever the C++ library's introsort leaves. Two orders are offered (`EdgeTieOrder`):
/// - `.stable` (default for superpoints): ascending weight, then ascending edge index, NaN last; O(E) radix sort
///   (`EdgeBuckets`). The superpoint stage numbers kNN edges in grid-cell order (`SegmentGraph.knnInCellOrder`),
///   a deterministic function of the input; the 1 M-point benchmark scene gives the same partition as numbering
///   them by original point index (BENCHMARKS.md).
/// - `.scanNet` (default for `segment-mesh`): the permutation libstdc++'s `std::sort` leaves (`IntrosortOrder`),
///   which reproduces the tool's segment ids exactly.
///
/// Step 2's partition does not depend on the order within a tie group: a merge at weight w leaves the merged
/// threshold `w + k/size ≥ w` (also in Float, since rounding cannot go below w), so a component passes the test
/// for the rest of the group once it passes it, and one that fails can never be merged within the group; the
/// group's merges are the connected components of the passing components, whatever the order. Step 3 can
/// depend on the tie order (a small component with two equal-weight edges joins whichever comes first), so
/// with `.stable` the partition can differ from the tool's where equal weights touch small components (axis-
/// aligned synthetic meshes have many; BENCHMARKS.md measures it). Root ids follow the join order.
public enum Felzenszwalb {
    /// Segments `graph`; returns the union–find forest (call `roots()` for ScanNet-style ids).
    ///
    /// - Parameters:
    ///   - kThresh: the constant k of the threshold `k / |C|` (ScanNet default 0.01); larger gives bigger segments.
    ///   - minSize: components smaller than this are merged along the sorted edges (ScanNet's segMinVerts, 20).
    ///   - keep: `[E]` flags; edges flagged false are left out (as if removed from the graph, order kept).
    public static func segment(_ graph: SegmentGraph, keep: [Bool]? = nil, kThresh: Float, minSize: Int,
                               ties: EdgeTieOrder = .stable) -> DisjointSets {
        if let keep { precondition(keep.count == graph.edgeCount, "keep mask must have one flag per edge") }
        var sets = DisjointSets(count: graph.vertexCount, threshold: kThresh)
        let small = Int32(clamping: minSize)
        // Step 3 can only join across edges that step 2 left between two components: an edge whose ends were
        // already together, or that step 2 merged, stays inside one component. Only the refused edges are
        // kept (in sorted order) for step 3, which then reads a fraction of the graph.
        var refused: [WeightedEdge] = []
        // Sorted edges carry their endpoints, so both passes stream through one array (no gather by index).
        if ties == .stable {
            // Step 2 runs bucket by bucket while a second thread sorts the buckets ahead (`EdgeBuckets`).
            let buckets = EdgeBuckets(graph, keep: keep)
            let state = MainPassState()
            sets.withForest { f in
                let forest = SendableForest(forest: f)
                DispatchQueue.concurrentPerform(iterations: 2) { role in
                    guard role == 0 else { buckets.sortRemaining(); return }
                    let workspace = SortWorkspace(capacity: buckets.largestBucket)
                    var refused: [WeightedEdge] = []
                    var ceiling = kThresh
                    for b in 0..<EdgeBuckets.bucketCount where buckets.starts[b] < buckets.starts[b + 1] {
                        buckets.waitUntilSorted(b, workspace)
                        let range = buckets.starts[b]..<buckets.starts[b + 1]
                        mainPass(UnsafeBufferPointer(rebasing: buckets.records[range]), forest.forest,
                                 kThresh: kThresh, refused: &refused, ceiling: &ceiling)
                    }
                    state.refused = refused
                }
            }
            refused = state.refused
        } else {
            let edges = EdgeOrder.gathered(graph, keep: keep, order: IntrosortOrder.order(graph.w))
            edges.withUnsafeBufferPointer { edge in
                // No shortcut: with NaN weights the libstdc++ order need not be ascending throughout.
                var ceiling = Float.infinity
                sets.withForest { f in mainPass(edge, f, kThresh: kThresh, refused: &refused, ceiling: &ceiling) }
            }
        }
        // Sizes only grow in step 3, so an edge whose two ends already lie in components of at least `minSize`
        // can never join. One sequential pass marks those vertices in a bit set (N / 8 bytes: it stays in the
        // core's cache); most refused edges are then skipped without the two random finds.
        var large = [UInt64](repeating: 0, count: (graph.vertexCount + 63) / 64)
        large.withUnsafeMutableBufferPointer { large in
            sets.withForest { f in
                for word in large.indices {
                    var bits: UInt64 = 0
                    for v in (word * 64)..<min(graph.vertexCount, word * 64 + 64)
                    where f.node[Int(f.find(Int32(v)))].size >= small {
                        bits |= 1 << UInt64(v & 63)
                    }
                    large[word] = bits
                }
            }
        }
        refused.withUnsafeBufferPointer { edge in
            sets.withForest { f in
                large.withUnsafeBufferPointer { large in
                    @inline(__always) func isLarge(_ v: Int32) -> Bool { large[Int(v) >> 6] >> UInt64(v & 63) & 1 != 0 }
                    @inline(__always) func bothLarge(_ e: WeightedEdge) -> Bool { isLarge(e.a) && isLarge(e.b) }
                    for i in edge.indices {
                        // As in step 2, the finds' reads are random: prefetch the parents of the edge
                        // `prefetchDistance / 2` ahead unless the bit set will skip it.
                        let ahead = i + prefetchDistance / 2
                        if ahead < edge.count, !bothLarge(edge[ahead]) { f.prefetchParents(of: edge[ahead]) }
                        let e = edge[i]
                        if bothLarge(e) { continue }
                        let ra = f.find(e.a), rb = f.find(e.b)
                        if ra != rb, f.node[Int(ra)].size < small || f.node[Int(rb)].size < small {
                            _ = f.join(ra, rb)
                        }
                    }
                }
            }
        }
        return sets
    }

    /// Step 2 over `edges` (sorted): merges or appends the edge to `refused`.
    @inline(__always)
    ///
    /// `ceiling` is at least every set's threshold (start: `kThresh`, every singleton's; raised on each merge), or
    /// +∞ to disable the shortcut: in an ascending order (`EdgeBuckets`), once a weight exceeds it no later edge
    /// can merge, so the rest go to `refused` without finds (step 3 ignores those whose ends are already joined).
    static func mainPass(_ edges: UnsafeBufferPointer<WeightedEdge>, _ f: DisjointSets.Forest, kThresh: Float,
                         refused: inout [WeightedEdge], ceiling: inout Float) {
        for i in edges.indices {
            if edges[i].w > ceiling {
                refused.append(contentsOf: edges[i...])
                return
            }
            // The finds are bound by memory latency (two dependent random reads per edge): start loading the
            // parents of an edge `prefetchDistance` ahead, and their parents half as far ahead.
            f.prefetch(edges, i + prefetchDistance, i + prefetchDistance / 2)
            let e = edges[i]
            let ra = f.find(e.a), rb = f.find(e.b)
            guard ra != rb else { continue }
            let weight = e.w
            if weight <= f.node[Int(ra)].threshold, weight <= f.node[Int(rb)].threshold {
                let root = f.join(ra, rb)
                let threshold = weight + kThresh / Float(f.node[Int(root)].size)
                f.node[Int(root)].threshold = threshold
                ceiling = max(ceiling, threshold)
            } else {
                refused.append(e)
            }
        }
    }

    /// How many edges ahead the main pass prefetches union–find parents (measured: BENCHMARKS.md).
    static let prefetchDistance = 16

    /// Relabels non-negative ids to `0..<S` in order of first appearance (deterministic, contiguous);
    /// negative ids become −1.
    /// - Returns: `[N]` labels and the number of segments S.
    public static func contiguous(_ ids: [Int32]) -> (labels: [Int32], count: Int) {
        var map = [Int32](repeating: -1, count: Int(max(ids.max() ?? -1, -1)) + 1)
        var labels = [Int32](repeating: 0, count: ids.count)
        var next: Int32 = 0
        for (i, id) in ids.enumerated() {
            let slot = Int(id)
            if map.indices.contains(slot) {
                if map[slot] < 0 { map[slot] = next; next += 1 }
                labels[i] = map[slot]
            } else {
                labels[i] = -1
            }
        }
        return (labels, Int(next))
    }
}

/// The main pass's refused edges, handed out of the parallel section (written by one thread, read after it).
private final class MainPassState: @unchecked Sendable {
    var refused: [WeightedEdge] = []
}

/// The union–find arrays handed to the main-pass thread (the only thread that touches them).
private struct SendableForest: @unchecked Sendable {
    let forest: DisjointSets.Forest
}

/// One edge with its weight, as the clustering passes read it.
struct WeightedEdge: Sendable {
    var w: Float
    var a: Int32
    var b: Int32
}

/// How edges of equal weight are ordered (see `Felzenszwalb`).
public enum EdgeTieOrder: String, Sendable, Equatable, CaseIterable {
    /// Ascending edge index (stable sort); deterministic and O(E).
    case stable
    /// The order GNU libstdc++'s `std::sort` leaves, as in ScanNet's segmentator binary.
    case scanNet = "scannet"
}

/// A stable ascending order of Float weights by LSD radix sort (three passes of 11/11/10 bits).
///
/// Keys map Float bits to an unsigned order (negative values flipped, NaN last), so the order equals
/// sorting by (weight, index) — the documented tie rule — in O(E) time.
enum EdgeOrder {
    @inline(__always)
    static func key(_ w: Float) -> UInt32 {
        if w.isNaN { return .max }
        let bits = w.bitPattern
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }

    /// The edges of `graph` flagged in `keep` (all when nil) in the given order of edge indices.
    static func gathered(_ graph: SegmentGraph, keep: [Bool]?, order: [Int32]) -> [WeightedEdge] {
        var edges: [WeightedEdge] = []
        edges.reserveCapacity(order.count)
        graph.a.withUnsafeBufferPointer { a in
            graph.b.withUnsafeBufferPointer { b in
                graph.w.withUnsafeBufferPointer { w in
                    for e in order {
                        let edge = Int(e)
                        if let keep, !keep[edge] { continue }
                        edges.append(WeightedEdge(w: w[edge], a: a[edge], b: b[edge]))
                    }
                }
            }
        }
        return edges
    }

    static func ascending(_ weights: [Float]) -> [Int32] {
        let count = weights.count
        var keys = weights.map(key)
        var order = (0..<Int32(count)).map { $0 }
        guard count > 1 else { return order }
        var keysOut = [UInt32](repeating: 0, count: count)
        var orderOut = [Int32](repeating: 0, count: count)
        for (shift, bits) in [(0, 11), (11, 11), (22, 10)] as [(UInt32, UInt32)] {
            let mask: UInt32 = (1 << bits) - 1
            var histogram = [Int](repeating: 0, count: Int(mask) + 1)
            for k in keys { histogram[Int((k >> shift) & mask)] += 1 }
            if histogram.contains(count) { continue }  // every key shares this digit: the pass is a no-op
            var sum = 0
            for d in 0..<histogram.count { let c = histogram[d]; histogram[d] = sum; sum += c }
            keys.withUnsafeBufferPointer { src in
                order.withUnsafeBufferPointer { srcOrder in
                    keysOut.withUnsafeMutableBufferPointer { dst in
                        orderOut.withUnsafeMutableBufferPointer { dstOrder in
                            for i in 0..<count {
                                let k = src[i]
                                let d = Int((k >> shift) & mask)
                                let slot = histogram[d]
                                histogram[d] = slot + 1
                                dst[slot] = k
                                dstOrder[slot] = srcOrder[i]
                            }
                        }
                    }
                }
            }
            swap(&keys, &keysOut)
            swap(&order, &orderOut)
        }
        return order
    }
}
