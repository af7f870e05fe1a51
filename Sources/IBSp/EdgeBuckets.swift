import Dispatch
import Synchronization
import Support

/// The edges in the stable order — ascending weight key (`EdgeOrder.key`), then edge index — produced bucket by
/// bucket, so that the clustering's main pass (one thread) can start on the lightest edges while another
/// thread sorts the heavier ones.
///
/// A first, stable MSD pass scatters the edges by the top 11 bits of their key (`EdgeOrder.key`) into 2048
/// buckets, on two threads (one per half of the edge list, the first half's edges first in every bucket). Each
/// bucket is then sorted by the remaining 21 bits with a stable LSD sort (two passes, or insertion for small
/// buckets) when a thread claims it. Buckets are claimed in ascending order by whichever thread asks first, so
/// the consumer, finding its next bucket unclaimed, sorts it itself: progress never depends on the helper
/// thread being scheduled. The result equals one stable sort by key.
final class EdgeBuckets: @unchecked Sendable {
    static let bucketCount = 2048
    static let lowBits: UInt32 = 21

    /// `[E]` edges; bucket `b` is `records[starts[b] ..< starts[b + 1]]`, sorted once `isSorted(b)`.
    let records: UnsafeMutableBufferPointer<WeightedEdge>
    let starts: [Int]
    /// Edges in the largest bucket (the size of a sorting thread's scratch space).
    let largestBucket: Int
    private let nextClaim = Atomic<Int>(0)
    private let sorted: UnsafeMutablePointer<Atomic<Bool>>

    /// Scatters the edges of `graph` flagged in `keep` (all when nil) into buckets.
    init(_ graph: SegmentGraph, keep: [Bool]?) {
        let buckets = Self.bucketCount
        // Per half of the edge list: a histogram of top digits, then (after the prefix sums) its write cursors.
        var counts = [Int](repeating: 0, count: 2 * buckets)
        let halves = [0..<(graph.edgeCount / 2), (graph.edgeCount / 2)..<graph.edgeCount]
        counts.withUnsafeMutableBufferPointer { counts in
            let shared = DisjointWrites(counts)
            DispatchQueue.concurrentPerform(iterations: 2) { half in
                let h = shared.buffer.baseAddress.map { $0 + half * buckets }
                graph.w.withUnsafeBufferPointer { w in
                    for e in halves[half] where keep?[e] ?? true { h?[Int(EdgeOrder.key(w[e]) >> Self.lowBits)] += 1 }
                }
            }
        }
        var starts = [Int](repeating: 0, count: buckets + 1)
        var total = 0
        for b in 0..<buckets {
            starts[b] = total
            let first = counts[b], second = counts[buckets + b]
            counts[b] = total
            counts[buckets + b] = total + first
            total += first + second
        }
        starts[buckets] = total
        self.starts = starts
        largestBucket = (0..<buckets).map { starts[$0 + 1] - starts[$0] }.max() ?? 0
        records = .allocate(capacity: total)
        sorted = .allocate(capacity: buckets)
        for b in 0..<buckets { (sorted + b).initialize(to: Atomic(false)) }
        let records = records
        counts.withUnsafeMutableBufferPointer { counts in
            let shared = DisjointWrites(counts)
            let output = DisjointWrites(records)
            DispatchQueue.concurrentPerform(iterations: 2) { half in
                guard let cursor = shared.buffer.baseAddress.map({ $0 + half * buckets }),
                      let out = output.buffer.baseAddress else { return }
                graph.a.withUnsafeBufferPointer { a in
                    graph.b.withUnsafeBufferPointer { b in
                        graph.w.withUnsafeBufferPointer { w in
                            for e in halves[half] where keep?[e] ?? true {
                                let d = Int(EdgeOrder.key(w[e]) >> Self.lowBits)
                                (out + cursor[d]).initialize(to: WeightedEdge(w: w[e], a: a[e], b: b[e]))
                                cursor[d] += 1
                            }
                        }
                    }
                }
            }
        }
    }

    deinit {
        records.deallocate()
        sorted.deinitialize(count: Self.bucketCount)
        sorted.deallocate()
    }

    /// Number of edges.
    var count: Int { records.count }

    /// Sorts unclaimed buckets in ascending order until none is left (the helper thread's loop).
    func sortRemaining() {
        let workspace = SortWorkspace(capacity: largestBucket)
        while let b = claim() { sort(bucket: b, workspace) }
    }

    /// Returns once bucket `b` is sorted; meanwhile sorts the next unclaimed buckets itself (when `b` is still
    /// unclaimed, the next unclaimed bucket is at most `b`).
    func waitUntilSorted(_ b: Int, _ workspace: SortWorkspace) {
        while !sorted[b].load(ordering: .acquiring) {
            if let c = claim() { sort(bucket: c, workspace) }
        }
    }

    private func claim() -> Int? {
        let b = nextClaim.wrappingAdd(1, ordering: .relaxed).oldValue
        return b < Self.bucketCount ? b : nil
    }

    /// Stable sort of one bucket by the low 21 key bits; the result ends in `records`.
    private func sort(bucket b: Int, _ workspace: SortWorkspace) {
        defer { sorted[b].store(true, ordering: .releasing) }
        let start = starts[b], n = starts[b + 1] - start
        guard n > 1, let base = records.baseAddress, let other = workspace.scratch.baseAddress else { return }
        let edges = base + start, histogram = workspace.histogram
        if n <= 32 {
            // Stable insertion by key (equal keys keep their order).
            for i in 1..<n {
                let e = edges[i], key = EdgeOrder.key(e.w)
                var j = i
                while j > 0, EdgeOrder.key(edges[j - 1].w) > key { edges[j] = edges[j - 1]; j -= 1 }
                edges[j] = e
            }
            return
        }
        var source = edges, target = other
        for (shift, bits) in [(UInt32(0), UInt32(11)), (11, 10)] {
            let mask: UInt32 = (1 << bits) - 1
            for d in 0...Int(mask) { histogram[d] = 0 }
            for i in 0..<n { histogram[Int((EdgeOrder.key(source[i].w) >> shift) & mask)] += 1 }
            if histogram[Int((EdgeOrder.key(source[0].w) >> shift) & mask)] == n { continue }  // one digit: no-op
            var sum = 0
            for d in 0...Int(mask) { let c = histogram[d]; histogram[d] = sum; sum += c }
            for i in 0..<n {
                let e = source[i]
                let d = Int((EdgeOrder.key(e.w) >> shift) & mask)
                target[histogram[d]] = e
                histogram[d] += 1
            }
            swap(&source, &target)
        }
        if source != edges { edges.update(from: source, count: n) }
    }
}

/// One sorting thread's scratch space: a digit histogram and room for the largest bucket.
final class SortWorkspace {
    let histogram: UnsafeMutableBufferPointer<Int>
    let scratch: UnsafeMutableBufferPointer<WeightedEdge>

    init(capacity: Int) {
        histogram = .allocate(capacity: 2048)
        scratch = .allocate(capacity: max(capacity, 1))
    }

    deinit {
        histogram.deallocate()
        scratch.deallocate()
    }
}

