import Testing
@testable import Tensor

extension TensorTestSuite {
    /// The timing harness behind `ovseg3r bench tensor`: run counts, warm-up dropping, worker restore.
    @Suite struct BenchmarkHarness {
        @Test func medianDropsTheWarmUpAndResetsAfterEveryRun() {
            var runs = 0, resets = 0
            let ms = TensorBenchmarks.medianMilliseconds(reps: 4, { runs += 1 }, reset: {
                #expect(resets == runs - 1)  // reset follows its run, never precedes it
                resets += 1
            })
            #expect(runs == 5 && resets == 5)
            #expect(ms >= 0 && ms.isFinite)
        }

        @Test func medianOfEvenAndOddCounts() {
            #expect(TensorBenchmarks.median([3, 1, 2]) == 2)
            #expect(TensorBenchmarks.median([4, 1, 3, 2]) == 2.5)
            #expect(TensorBenchmarks.median([]).isNaN)
        }

        @Test func workersAreRestoredAfterATinyBenchmark() {
            let before = TensorThreads.workers
            let inside = TensorBenchmarks.withWorkers(before + 1) { TensorThreads.workers }
            #expect(inside == before + 1)
            #expect(TensorThreads.workers == before)
            let r = TensorBenchmarks.attention(queries: 4, keys: 6, width: 8, heads: 2, workers: 2, reps: 1)
            #expect(r.workers == 2 && r.milliseconds > 0)
            #expect(TensorThreads.workers == before)
        }
    }
}
