import Foundation
import Testing
@testable import Eval

/// The benchmark's bootstrap over held-out rooms: estimates equal the plain evaluation, intervals are
/// deterministic for a seed, and paired differences use the same resamples.
@Suite struct RoomBootstrapTests {
    /// Room k has one chair of 200 points; the prediction covers `hit[k]` of them (plus 200 − hit[k] others).
    static func rooms(_ hits: [Int], prefix: String = "r") -> [SceneMatches] {
        hits.enumerated().map { k, hit in
            scene("\(prefix)\(k)", ids: benchmarkIDs([(3001, 200), (0, 400)]),
                  [TestPrediction(3, 0.9, Array(0..<hit) + Array(200..<(400 - hit)))])
        }
    }

    @Test func estimateIsTheEvaluationOfAllRooms() throws {
        let runs = [Self.rooms([200, 150, 60, 180]), Self.rooms([190, 120, 90, 200])]
        let boot = RoomBootstrap(rooms: runs[0].map(\.name), resamples: 50, seed: 3)
        let s = try boot.scores(runs: runs, options: testOptions)
        let expected = (evaluate(runs[0]).ap + evaluate(runs[1]).ap) / 2
        #expect(close(s.estimate["all.ap"] ?? .nan, expected))
        #expect(s.samples["all.ap"]?.count == 50)
        #expect(s.seedCount == 2 && s.roomCount == 4)
    }

    @Test func intervalsAreDeterministicForASeedAndBracketTheSamples() throws {
        let run = Self.rooms([200, 150, 60, 180, 100, 170])
        let a = try RoomBootstrap(rooms: run.map(\.name), resamples: 200, seed: 7).scores(runs: [run], options: testOptions)
        let b = try RoomBootstrap(rooms: run.map(\.name), resamples: 200, seed: 7).scores(runs: [run], options: testOptions)
        #expect(a.interval("all.ap") == b.interval("all.ap"))
        let i = a.interval("all.ap50")
        #expect(i.low <= i.high)
        let samples = a.samples["all.ap50"] ?? []
        #expect(i.low >= (samples.min() ?? .nan) && i.high <= (samples.max() ?? .nan))
        // Rooms differ (some matched at IoU 0.5, some not), so the interval has width.
        #expect(i.high > i.low)
    }

    @Test func pairedDifferenceOfAnArmWithItselfIsExactlyZero() throws {
        let run = Self.rooms([200, 150, 60, 180])
        let s = try RoomBootstrap(rooms: run.map(\.name), resamples: 100, seed: 1).scores(runs: [run], options: testOptions)
        let d = s.difference(s, "all.ap")
        #expect(d.estimate == 0 && d.low == 0 && d.high == 0 && !d.excludesZero)
    }

    @Test func aUniformlyBetterArmHasAnIntervalAboveZero() throws {
        // Arm A matches every chair exactly; arm B only at IoU 0.5–0.6 in every room.
        let good = Self.rooms([200, 200, 200, 200, 200]), poor = Self.rooms([140, 140, 140, 140, 140])
        let boot = RoomBootstrap(rooms: good.map(\.name), resamples: 100, seed: 2)
        let a = try boot.scores(runs: [good], options: testOptions), b = try boot.scores(runs: [poor], options: testOptions)
        let d = a.difference(b, "all.ap")
        #expect(d.excludesZero && d.low > 0)
    }

    @Test func runsWithMissingRoomsAreRefused() throws {
        let run = Self.rooms([200, 150, 60])
        let boot = RoomBootstrap(rooms: run.map(\.name) + ["r9"], resamples: 10)
        #expect(throws: EvalError.self) { try boot.scores(runs: [run], options: testOptions) }
    }

    @Test func percentileInterpolatesLikeNumpy() {
        // numpy.percentile([1, 2, 3, 4], [2.5, 50, 97.5]) = [1.075, 2.5, 3.925]
        #expect(close(percentile([4, 1, 3, 2], 0.025), 1.075, 1e-12))
        #expect(close(percentile([4, 1, 3, 2], 0.5), 2.5, 1e-12))
        #expect(close(percentile([4, 1, 3, 2], 0.975), 3.925, 1e-12))
        #expect(percentile([], 0.5).isNaN)
    }

    @Test func biasCorrectionIsThePlainPercentileWithoutBiasAndFollowsTheEstimateWithIt() {
        let samples = (0..<1001).map { Double($0) / 1000 }   // uniform on [0, 1]
        let unbiased = biasCorrected(estimate: 0.5, samples: samples, level: 0.95)
        #expect(close(unbiased.low, 0.025, 1e-9) && close(unbiased.high, 0.975, 1e-9))
        // An estimate at the samples' 10th percentile (resampled values biased upwards): both bounds move down and
        // the interval still holds the estimate, where the plain percentile interval [0.025, 0.975] would too but
        // centred on the wrong value.
        let biased = biasCorrected(estimate: 0.1, samples: samples, level: 0.95)
        #expect(biased.low < 0.1 && biased.high > 0.1 && biased.high < 0.975 && biased.low <= 0.025)
        #expect(close(inverseNormal(normalCDF(1.3)), 1.3, 1e-9) && close(inverseNormal(0.975), 1.959963984540054, 1e-9))
    }
}
