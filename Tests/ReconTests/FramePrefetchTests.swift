import Foundation
import Testing
@testable import Recon

/// The background frame loader of recon's two passes: items in order, an error at the item that failed, and never
/// more than `depth` items loaded ahead of the consumer.
@Suite struct FramePrefetchTests {
    final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var loaded = 0
        var mostAhead = 0
        var taken = 0
        func load() { lock.withLock { loaded += 1; mostAhead = max(mostAhead, loaded - taken) } }
        func take() { lock.withLock { taken += 1 } }
    }

    @Test(arguments: [1, 2, 4])
    func itemsComeInOrderAndStayWithinDepth(depth: Int) throws {
        let counter = Counter()
        let prefetch = FramePrefetch(count: 50, depth: depth) { (i) throws(ReconError) -> Int in
            counter.load()
            if i % 7 == 0 { Thread.sleep(forTimeInterval: 0.001) }
            return i * i
        }
        for i in 0..<50 {
            if i % 5 == 0 { Thread.sleep(forTimeInterval: 0.002) }  // a slow consumer lets the loader run ahead
            #expect(try prefetch.take(i) == i * i)
            counter.take()
        }
        #expect(counter.loaded == 50)
        // One item may be loaded while the consumer holds the one it just took.
        #expect(counter.mostAhead <= depth + 1, "loaded \(counter.mostAhead) ahead with depth \(depth)")
    }

    @Test func aFailedLoadIsThrownAtItsItemAndTheOthersStillArrive() throws {
        let prefetch = FramePrefetch(count: 6, depth: 2) { (i) throws(ReconError) -> Int in
            if i == 3 { throw .sizeMismatch(url: URL(fileURLWithPath: "/v"), frame: 3, expected: "4×4", actual: "2×2") }
            return i
        }
        for i in 0..<3 { #expect(try prefetch.take(i) == i) }
        #expect(throws: ReconError.sizeMismatch(url: URL(fileURLWithPath: "/v"), frame: 3, expected: "4×4", actual: "2×2")) {
            try prefetch.take(3)
        }
        #expect(try prefetch.take(4) == 4)
    }
}
