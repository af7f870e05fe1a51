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

    @Test func aClassMissingFromAResampleKeepsItsAllRoomsAP() throws {
        // Room 0 holds the only lamp (missed: AP 0); rooms 1–3 hold chairs found exactly (AP 1). The class mean is
        // 0.5 on all rooms; a resample without room 0 would give 1.0 if it dropped the lamp, but keeps 0.5.
        let lamp = scene("r0", ids: benchmarkIDs([(7001, 200), (0, 400)]), [TestPrediction(3, 0.9, 200..<400)])
        let chairs = (1...3).map { scene("r\($0)", ids: benchmarkIDs([(3001, 200), (0, 400)]), [TestPrediction(3, 0.9, 0..<200)]) }
        let run = [lamp] + chairs
        let s = try RoomBootstrap(rooms: run.map(\.name), resamples: 200, seed: 4).scores(runs: [run], options: testOptions)
        #expect(close(s.estimate["all.ap"] ?? .nan, 0.5))
        // With the lamp in the resample it still scores 0, and the chairs 1: every resample gives exactly 0.5.
        #expect((s.samples["all.ap"] ?? []).allSatisfy { close($0, 0.5) })
    }
}
