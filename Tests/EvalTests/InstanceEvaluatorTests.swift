import Foundation
import Testing
@testable import Eval

/// Hand-computed cases of the ScanNet benchmark rules. Layout used throughout: chair 3001 on points
/// 0..<200, table 5001 on 200..<350, unannotated (0) on 350..<500.
private let chairTableVoid = benchmarkIDs([(3001, 200), (5001, 150), (0, 150)])

@Suite struct InstanceEvaluatorTests {
    @Test func perfectPredictionScoresOne() throws {
        let result = evaluate([scene(ids: chairTableVoid, [TestPrediction(3, 0.9, 0..<200), TestPrediction(5, 0.8, 200..<350)])])
        #expect(result.ap == 1 && result.ap50 == 1 && result.ap25 == 1)
        let chair = try #require(result.score("chair"))
        #expect(chair.apByThreshold == [Double](repeating: 1, count: 9))
        #expect(result.score("lamp")?.ap.isNaN == true, "lamp has no ground truth")
    }

    /// One of two chairs found: curve points (r 0.5, p 1) and the artificial (0, 1): AP = 0.5.
    @Test func missedInstanceHalvesRecall() {
        let ids = benchmarkIDs([(3001, 200), (3002, 200)])
        let result = evaluate([scene(ids: ids, [TestPrediction(3, 0.9, 0..<200)])])
        #expect(result.score("chair")?.ap == 0.5)
        #expect(result.ap == 0.5)
    }

    /// A higher-scored chair on unannotated points, or on points of a class that is not evaluated, is
    /// ignored: more than t of its points are void.
    @Test(arguments: [0, 9900])
    func falsePositiveOnVoidIsIgnored(voidID: Int) {
        let ids = benchmarkIDs([(3001, 200), (voidID, 150)])
        let result = evaluate([scene(ids: ids, [TestPrediction(3, 0.9, 0..<200), TestPrediction(3, 0.95, 200..<350)])])
        #expect(result.score("chair")?.ap == 1)
    }

    /// A chair predicted on the table is a false positive. Above the true match (0.95 > 0.9): curve
    /// (p ½, r 1) at 0.9, (p 0, r 0) at 0.95, (1, 0): AP = ½·½ + 0·½ + 1·0 = 0.25. Below it: AP = 1.
    @Test(arguments: [(0.95, 0.25), (0.5, 1.0)])
    func falsePositiveOnObject(confidence: Double, expected: Double) {
        let result = evaluate([scene(ids: chairTableVoid, [TestPrediction(3, 0.9, 0..<200), TestPrediction(3, confidence, 200..<350)])])
        #expect(result.score("chair")?.ap == expected)
        #expect(result.score("table")?.ap == 0, "the table has ground truth but no table prediction")
    }

    /// A duplicate (IoU 0.8 = 160/200) of an exact match. The benchmark gives the instance the higher score
    /// and the duplicate the lower. Below (0.6 < 0.9): AP 1 at every threshold. Above (0.9 > 0.6): AP 1 while
    /// the duplicate matches (t ≤ 0.75, six thresholds); at t ≥ 0.8 it is an unmatched false positive above
    /// the match, AP 0.25 — mean (6 + 3·0.25) / 9 = 0.75.
    @Test(arguments: [(0.9, 0.6, 1.0), (0.6, 0.9, 0.75)])
    func duplicates(match: Double, duplicate: Double, expected: Double) {
        let ids = benchmarkIDs([(3001, 200)])
        let result = evaluate([scene(ids: ids, [TestPrediction(3, match, 0..<200), TestPrediction(3, duplicate, 0..<160)])])
        #expect(close(result.score("chair")?.ap ?? .nan, expected))
        #expect(result.score("chair")?.ap50 == 1)
    }

    /// IoU exactly 0.8 passes 0.50 … 0.75 (six thresholds) and fails 0.80 (IoU must be strictly above;
    /// numpy's threshold is 0.8000000000000003): AP = 6/9. IoU exactly 0.6 passes only 0.50 and 0.55,
    /// because numpy's third threshold is 0.6000000000000001: AP = 2/9. IoU exactly 0.5 passes none.
    @Test(arguments: [(160, 6), (120, 2), (100, 0)])
    func iouPassesSomeThresholds(points: Int, passing: Int) throws {
        let result = evaluate([scene(ids: benchmarkIDs([(3001, 200)]), [TestPrediction(3, 0.7, 0..<points)])])
        let chair = try #require(result.score("chair"))
        #expect(chair.apByThreshold == (0..<9).map { $0 < passing ? 1.0 : 0.0 })
        #expect(close(chair.ap, Double(passing) / 9))
        #expect(chair.ap50 == (passing > 0 ? 1 : 0), "IoU exactly 0.5 does not pass 0.5")
        #expect(chair.ap25 == 1)
    }

    /// The ignore rule is "more than t": a chair false positive with exactly half of its points void
    /// (100 void + 100 table) counts at every t ≥ 0.5 (share 0.5 ≤ t; above the match: AP 0.25) and is
    /// ignored at t = 0.25 (AP25 = 1).
    @Test func halfVoidFalsePositiveCountsFromHalf() throws {
        let result = evaluate([scene(ids: chairTableVoid, [TestPrediction(3, 0.8, 0..<200),
                                                           TestPrediction(3, 0.9, Array(250..<350) + Array(350..<450))])])
        let chair = try #require(result.score("chair"))
        #expect(chair.ap50 == 0.25 && close(chair.ap, 0.25) && chair.ap25 == 1)
    }

    /// Regions under 100 points: a 50-point chair is ignored as ground truth, a prediction exactly on it is
    /// dropped, and a 120-point chair prediction made of it plus 70 void points is not a false positive
    /// (ignored share 120/120 > t). With its other 70 points on the table it is one (50/120 ≤ t): AP 0.25,
    /// but at t = 0.25 its IoU 50/120 with the small chair counts as found: AP25 = 1.
    @Test(arguments: [(0, 1.0), (5001, 0.25)])
    func tinyRegionsAreIgnored(otherID: Int, expected: Double) throws {
        let ids = benchmarkIDs([(3001, 200), (3002, 50), (otherID, 70), (5001, 100)])
        let predictions = [TestPrediction(3, 0.8, 0..<200), TestPrediction(3, 0.95, 200..<250),
                           TestPrediction(3, 0.9, 200..<320)]
        let result = evaluate([scene(ids: ids, predictions)])
        let chair = try #require(result.score("chair"))
        #expect(chair.groundTruthCount == 1, "the 50-point chair is below min region")
        #expect(chair.predictionCount == 2, "the 50-point prediction is dropped")
        #expect(close(chair.ap, expected))
        #expect(chair.ap25 == 1)
    }

    /// A class with predictions but no ground truth is NaN and left out of the mean; a class with ground
    /// truth but no prediction is 0 and counted.
    @Test func classWithoutGroundTruthIsLeftOut() {
        let lampOnly = evaluate([scene(ids: chairTableVoid, [TestPrediction(3, 0.9, 0..<200), TestPrediction(5, 0.9, 200..<350),
                                                              TestPrediction(7, 0.99, 350..<500)])])
        #expect(lampOnly.score("lamp")?.ap.isNaN == true)
        #expect(lampOnly.ap == 1)
        let missingTable = evaluate([scene(ids: chairTableVoid, [TestPrediction(3, 0.9, 0..<200)])])
        #expect(missingTable.ap == 0.5)
    }

    /// At IoU 0.25 one prediction can pass two instances, and the benchmark's greedy matching follows file
    /// order: A (0.9) covers half of each of two chairs (IoU 1/3), B (0.8) is the first chair.
    /// Order A, B: A takes chair 1, B becomes a duplicate, chair 2 is missed: AP25 = 0.5.
    /// Order B, A: B takes chair 1, A (a duplicate there, not used) takes chair 2: AP25 = 1.
    @Test func ap25FollowsFileOrder() {
        let ids = benchmarkIDs([(3001, 200), (3002, 200)])
        let a = TestPrediction(3, 0.9, Array(0..<100) + Array(200..<300))
        let b = TestPrediction(3, 0.8, 0..<200)
        let ab = evaluate([scene(ids: ids, [a, b])])
        let ba = evaluate([scene(ids: ids, [b, a])])
        #expect(ab.score("chair")?.ap25 == 0.5)
        #expect(ba.score("chair")?.ap25 == 1)
        #expect(ab.score("chair")?.ap == ba.score("chair")?.ap)
    }

    /// Scenes pool their entries before the curve: one perfect scene and one with a missed chair.
    @Test func scenesArePooled() {
        let perfect = scene("a", ids: benchmarkIDs([(3001, 200)]), [TestPrediction(3, 0.9, 0..<200)])
        let missed = scene("b", ids: benchmarkIDs([(3001, 200)]), [])
        #expect(evaluate([perfect, missed]).score("chair")?.ap == 0.5)
    }

    @Test func groupsAreNanMeansOverTheirClasses() throws {
        var options = testOptions
        options.groups = .init(groups: [.init(name: "furniture", classes: ["chair", "table", "wall"]),
                                        .init(name: "light", classes: ["lamp"])])
        let result = evaluate([scene(ids: chairTableVoid, [TestPrediction(3, 0.9, 0..<200)], options: options)], options: options)
        let furniture = try #require(result.groups.first)
        #expect(furniture.ap == 0.5 && furniture.classCount == 2 && furniture.unlistedClasses == ["wall"])
        #expect(result.groups.last?.ap.isNaN == true)
    }
}
