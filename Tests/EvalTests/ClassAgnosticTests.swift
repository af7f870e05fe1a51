import Foundation
import _TestSupport
import Testing
@testable import Eval
import SceneIO

/// Class-agnostic AP (`ClassAgnostic`): the same matching with labels ignored.
@Suite struct ClassAgnosticTests {
    /// Writes one scene: chair 3001 on points 0..<200, table 5001 on 200..<350, void 350..<500.
    func folders(_ predictions: [TestPrediction]) throws -> (root: URL, pred: URL, gt: URL) {
        let root = temporaryFolder("agnostic")
        let pred = root.appendingPathComponent("pred"), gt = root.appendingPathComponent("gt")
        try FileManager.default.createDirectory(at: pred, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: gt, withIntermediateDirectories: true)
        try writeBenchmarkScene(name: "a", ids: benchmarkIDs([(3001, 200), (5001, 150), (0, 150)]), predictions: predictions,
                                pred: pred, gt: gt)
        return (root, pred, gt)
    }

    /// Perfect masks with swapped labels (and one label that is not evaluated): class-aware AP 0, agnostic AP 1.
    @Test func wrongLabelsScoreZeroAwareAndOneAgnostic() throws {
        let f = try folders([TestPrediction(5, 0.9, 0..<200), TestPrediction(99, 0.8, 200..<350)])
        defer { try? FileManager.default.removeItem(at: f.root) }
        let result = try FolderEvaluation.evaluate(predictions: f.pred, groundTruth: f.gt, options: testOptions, threads: 1)
        #expect(result.ap == 0)
        let agnostic = try #require(result.classAgnostic)
        #expect(agnostic.ap == 1 && agnostic.ap50 == 1 && agnostic.ap25 == 1)
        #expect(agnostic.groundTruthCount == 2 && agnostic.predictionCount == 2)
    }

    /// Agnostic AP equals the class-aware AP when every prediction carries its instance's label and masks do not
    /// overlap instances of other classes; a mask on void points stays ignored, not a false positive.
    @Test func rightLabelsGiveTheSameAP() throws {
        let f = try folders([TestPrediction(3, 0.9, 0..<190), TestPrediction(5, 0.7, 200..<345), TestPrediction(7, 0.95, 350..<500)])
        defer { try? FileManager.default.removeItem(at: f.root) }
        let result = try FolderEvaluation.evaluate(predictions: f.pred, groundTruth: f.gt, options: testOptions, threads: 1)
        let agnostic = try #require(result.classAgnostic)
        #expect(close(result.ap, 1) && close(agnostic.ap, 1))
    }

    /// A half-covering mask ranked above the good one (a false positive at IoU ≥ 0.5): relabelling both masks to a
    /// class with no ground truth drops the class-aware AP to 0 and leaves the agnostic AP as it was, below 1.
    @Test func agnosticIgnoresLabelsOnly() throws {
        let masks = [(0.9, 0..<100), (0.5, 0..<200)]
        let right = try folders(masks.map { TestPrediction(3, $0.0, $0.1) })
        let swapped = try folders(masks.map { TestPrediction(7, $0.0, $0.1) })
        defer { try? FileManager.default.removeItem(at: right.root); try? FileManager.default.removeItem(at: swapped.root) }
        let a = try FolderEvaluation.evaluate(predictions: right.pred, groundTruth: right.gt, options: testOptions, threads: 1)
        let b = try FolderEvaluation.evaluate(predictions: swapped.pred, groundTruth: swapped.gt, options: testOptions, threads: 1)
        let aa = try #require(a.classAgnostic), ba = try #require(b.classAgnostic)
        #expect(aa.ap == ba.ap && aa.ap50 == ba.ap50)
        #expect(b.ap == 0 && a.ap > 0 && aa.ap < 1)
    }

    /// JSON round trip keeps the class-agnostic score.
    @Test func jsonRoundTrip() throws {
        let f = try folders([TestPrediction(5, 0.9, 0..<200)])
        defer { try? FileManager.default.removeItem(at: f.root) }
        let result = try FolderEvaluation.evaluate(predictions: f.pred, groundTruth: f.gt, options: testOptions, threads: 1)
        let back = try EvaluationResult(json: result.jsonData(), source: f.root)
        #expect(back.classAgnostic?.ap == result.classAgnostic?.ap)
        #expect(back.classAgnostic?.groundTruthCount == 2)
        #expect(result.terminalTable(perClass: false).contains("class-agnostic"))
    }
}
