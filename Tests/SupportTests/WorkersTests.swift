import Foundation
import Synchronization
import Testing
import Support

@Suite struct WorkersTests {
    /// Every call runs at the same time as the others, however many cores the machine has: each call waits until all
    /// of them have started. (With `DispatchQueue.concurrentPerform` on two cores, two of four calls never saw the
    /// others start.)
    @Test(arguments: [1, 3, 6]) func allCallsRunAtOnce(count: Int) {
        let started = Mutex(0)
        let sawAll = Mutex([Int]())
        Workers.run(count: count) { i in
            started.withLock { $0 += 1 }
            let deadline = Date().addingTimeInterval(20)
            while started.withLock({ $0 }) < count, Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
            if started.withLock({ $0 }) == count { sawAll.withLock { $0.append(i) } }
        }
        #expect(sawAll.withLock { $0.sorted() } == Array(0..<count))
    }

    @Test func noCallsForACountBelowOne() {
        let calls = Mutex(0)
        Workers.run(count: 0) { _ in calls.withLock { $0 += 1 } }
        Workers.run(count: -2) { _ in calls.withLock { $0 += 1 } }
        #expect(calls.withLock { $0 } == 0)
    }
}
