/// The edge order that the ScanNet segmentator's `std::sort` produces with GNU libstdc++ (the compiler its
/// Makefile uses), reproduced so that `segment-mesh` gives the tool's segment ids exactly, ties included.
///
/// `std::sort` in libstdc++ is an introsort: quicksort with a median-of-three pivot (candidates: second, middle
/// and last element, moved to the front) and an unguarded Hoare partition, while ranges are longer than 16 and
/// the depth budget 2·⌊log2 n⌋ lasts; heapsort for ranges that exhaust it; then one insertion-sort pass over the
/// whole array (guarded over the first 16 elements, unguarded after). It is not stable, so the position of
/// equal weights is a function of this exact sequence of swaps, which is what this type replays on an index
/// permutation compared by weight only. Written from the algorithm's published description, not from its source.
enum IntrosortOrder {
    static let threshold = 16

    /// The permutation of `0..<weights.count` that libstdc++'s `std::sort` leaves for these weights
    /// (comparison `a.w < b.w`; with NaN weights the comparison is not a strict weak order and both tools
    /// follow the same swaps, whatever they are).
    static func order(_ weights: [Float]) -> [Int32] {
        guard weights.count > 1 else { return (0..<Int32(weights.count)).map { $0 } }
        // Sorting (weight, index) records moves them exactly as the C++ edge structs move (the comparison
        // reads the weight only), without an indirection per comparison.
        var entries = weights.enumerated().map { Entry(w: $0.element, index: Int32($0.offset)) }
        entries.withUnsafeMutableBufferPointer { o in
            var sorter = Sorter(o: o)
            let n = o.count
            sorter.introsortLoop(0, n, depth: 2 * (Int.bitWidth - 1 - n.leadingZeroBitCount))
            sorter.finalInsertionSort(0, n)
        }
        return entries.map(\.index)
    }

    struct Entry {
        var w: Float
        var index: Int32
    }

    struct Sorter {
        let o: UnsafeMutableBufferPointer<Entry>

        @inline(__always) func less(_ x: Entry, _ y: Entry) -> Bool { x.w < y.w }
        @inline(__always) func lessAt(_ i: Int, _ j: Int) -> Bool { less(o[i], o[j]) }
        @inline(__always) func swapAt(_ i: Int, _ j: Int) { let t = o[i]; o[i] = o[j]; o[j] = t }

        mutating func introsortLoop(_ first: Int, _ lastIn: Int, depth depthIn: Int) {
            var last = lastIn, depth = depthIn
            while last - first > IntrosortOrder.threshold {
                if depth == 0 {
                    heapSort(first, last)
                    return
                }
                depth -= 1
                let cut = partitionPivot(first, last)
                introsortLoop(cut, last, depth: depth)
                last = cut
            }
        }

        func partitionPivot(_ first: Int, _ last: Int) -> Int {
            let mid = first + (last - first) / 2
            moveMedianToFirst(first, first + 1, mid, last - 1)
            return unguardedPartition(first + 1, last, pivot: first)
        }

        func moveMedianToFirst(_ result: Int, _ a: Int, _ b: Int, _ c: Int) {
            if lessAt(a, b) {
                if lessAt(b, c) { swapAt(result, b) } else if lessAt(a, c) { swapAt(result, c) } else { swapAt(result, a) }
            } else if lessAt(a, c) {
                swapAt(result, a)
            } else if lessAt(b, c) {
                swapAt(result, c)
            } else {
                swapAt(result, b)
            }
        }

        func unguardedPartition(_ firstIn: Int, _ lastIn: Int, pivot: Int) -> Int {
            var first = firstIn, last = lastIn
            while true {
                while lessAt(first, pivot) { first += 1 }
                last -= 1
                while lessAt(pivot, last) { last -= 1 }
                if !(first < last) { return first }
                swapAt(first, last)
                first += 1
            }
        }

        func finalInsertionSort(_ first: Int, _ last: Int) {
            if last - first > IntrosortOrder.threshold {
                insertionSort(first, first + IntrosortOrder.threshold)
                for i in (first + IntrosortOrder.threshold)..<last { unguardedLinearInsert(i) }
            } else {
                insertionSort(first, last)
            }
        }

        func insertionSort(_ first: Int, _ last: Int) {
            guard last - first > 1 else { return }
            for i in (first + 1)..<last {
                if lessAt(i, first) {
                    let value = o[i]
                    var j = i
                    while j > first { o[j] = o[j - 1]; j -= 1 }
                    o[first] = value
                } else {
                    unguardedLinearInsert(i)
                }
            }
        }

        func unguardedLinearInsert(_ lastIn: Int) {
            let value = o[lastIn]
            var last = lastIn, next = lastIn - 1
            while less(value, o[next]) {
                o[last] = o[next]
                last = next
                next -= 1
            }
            o[last] = value
        }

        // MARK: Heapsort (partial_sort over the whole range: make_heap, then sort_heap)

        func heapSort(_ first: Int, _ last: Int) {
            let length = last - first
            if length >= 2 {
                var parent = (length - 2) / 2
                while true {
                    adjustHeap(first, hole: parent, length: length, value: o[first + parent])
                    if parent == 0 { break }
                    parent -= 1
                }
            }
            var end = last
            while end - first > 1 {
                end -= 1
                let value = o[end]
                o[end] = o[first]
                adjustHeap(first, hole: 0, length: end - first, value: value)
            }
        }

        func adjustHeap(_ first: Int, hole holeIn: Int, length: Int, value: Entry) {
            let top = holeIn
            var hole = holeIn, child = holeIn
            while child < (length - 1) / 2 {
                child = 2 * (child + 1)
                if lessAt(first + child, first + child - 1) { child -= 1 }
                o[first + hole] = o[first + child]
                hole = child
            }
            if length & 1 == 0, child == (length - 2) / 2 {
                child = 2 * (child + 1)
                o[first + hole] = o[first + child - 1]
                hole = child - 1
            }
            var parent = (hole - 1) / 2
            while hole > top, less(o[first + parent], value) {
                o[first + hole] = o[first + parent]
                hole = parent
                parent = (hole - 1) / 2
            }
            o[first + hole] = value
        }
    }
}
