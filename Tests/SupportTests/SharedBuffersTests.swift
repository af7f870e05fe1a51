import Foundation
import Testing
@testable import Support

/// The shared-buffer primitives every parallel kernel uses: disjoint writes land where they should, reads see the
/// caller's data, and indexed results come back in index order and are forgotten once taken.
@Suite struct SharedBuffersTests {
    @Test func disjointWritesFromManyThreadsFillEverySlot() {
        let n = 10_000
        var out = [Int](repeating: -1, count: n)
        let input = (0..<n).map { $0 * 3 }
        out.withUnsafeMutableBufferPointer { buffer in
            input.withUnsafeBufferPointer { source in
                let writes = DisjointWrites(buffer), reads = SharedReads(source)
                #expect(writes.count == n && reads.count == n)
                DispatchQueue.concurrentPerform(iterations: 7) { chunk in
                    for i in stride(from: chunk, to: n, by: 7) { writes[i] = reads[i] + 1 }
                }
            }
        }
        #expect(out == input.map { $0 + 1 })
    }

    @Test func indexedResultsKeepIndexOrderAndForgetTakenValues() {
        let results = IndexedResults<String>(count: 5)
        DispatchQueue.concurrentPerform(iterations: 4) { i in results.set(i, "r\(i)") }
        #expect(results.values == ["r0", "r1", "r2", "r3", nil])
        #expect(results.take(2) == "r2")
        #expect(results.take(2) == nil)
        #expect(results.values == ["r0", "r1", nil, "r3", nil])
    }
}
