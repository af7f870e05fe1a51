import _TestSupport
import Foundation
import Testing
@testable import Eval

/// Ground-truth scenes without predictions are counted as missed and listed, or (`--missing error`) refused;
/// they are never left out, which would inflate AP.
@Suite struct MissingPredictionTests {
    /// Scene a: its one chair found. Scene b: a chair too, but no prediction file.
    func folders(_ tag: String) throws -> (root: URL, pred: URL, gt: URL) {
        let root = temporaryFolder(tag)
        let pred = root.appendingPathComponent("pred"), gt = root.appendingPathComponent("gt")
        try FileManager.default.createDirectory(at: pred, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: gt, withIntermediateDirectories: true)
        let ids = benchmarkIDs([(3001, 200), (0, 100)])
        try writeBenchmarkScene(name: "a", ids: ids, predictions: [TestPrediction(3, 0.9, 0..<200)], pred: pred, gt: gt)
        try (ids.map(String.init).joined(separator: "\n") + "\n").write(to: gt.appendingPathComponent("b.txt"), atomically: true, encoding: .utf8)
        return (root, pred, gt)
    }

    @Test func aSceneWithoutPredictionsCountsAsMissedAndIsListed() throws {
        let (root, pred, gt) = try folders("missing-count")
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try FolderEvaluation.scenesWithoutPredictions(predictions: pred, groundTruth: gt) == ["b"])
        let r = try FolderEvaluation.evaluate(predictions: pred, groundTruth: gt, options: testOptions, threads: 1)
        #expect(r.sceneCount == 2 && r.scenesWithoutPredictions == ["b"])
        // One of two chairs found at confidence 0.9 with no false positive: AP = recall-weighted precision = 0.5.
        #expect(close(r.score("chair")?.ap ?? .nan, 0.5), "\(String(describing: r.score("chair")))")
        #expect(r.score("chair")?.groundTruthCount == 2)
        #expect(r.terminalTable(perClass: false).contains("1 ground-truth scene(s) without predictions"))
        let back = try EvaluationResult(json: r.jsonData(), source: root)
        #expect(back.scenesWithoutPredictions == ["b"])
        let object = try #require(try JSONSerialization.jsonObject(with: r.jsonData()) as? [String: Any])
        #expect(object["scenes_without_predictions_count"] as? Int == 1)
    }

    @Test func missingErrorStopsNamingTheScenes() throws {
        let (root, pred, gt) = try folders("missing-error")
        defer { try? FileManager.default.removeItem(at: root) }
        var options = testOptions
        options.missingPredictions = .error
        let error = #expect(throws: EvalError.self, "a ground-truth scene without predictions was accepted") {
            try FolderEvaluation.evaluate(predictions: pred, groundTruth: gt, options: options, threads: 1)
        }
        #expect(error == .scenesWithoutPredictions(folder: pred, scenes: ["b"]))
        // Every scene predicted: nothing to report, under either policy.
        try FileManager.default.removeItem(at: gt.appendingPathComponent("b.txt"))
        let r = try FolderEvaluation.evaluate(predictions: pred, groundTruth: gt, options: options, threads: 1)
        #expect(r.scenesWithoutPredictions.isEmpty && close(r.score("chair")?.ap ?? .nan, 1))
    }

    @Test func theCommandWarnsAndHonoursMissingError() throws {
        let exe = try #require(EvalCommandTests.binary(), "build the ovseg3r product first (swift build)")
        let (root, pred, gt) = try folders("missing-cli")
        defer { try? FileManager.default.removeItem(at: root) }
        let classes = root.appendingPathComponent("classes.json")
        try Data(#"[{"id": 3, "name": "chair"}, {"id": 5, "name": "table"}]"#.utf8).write(to: classes)
        let base = ["eval", "--pred", pred.path, "--gt", gt.path, "--classes", classes.path]
        let counted = try runProcess(exe.path, base)
        #expect(counted.status == 0, "\(counted.stderr)")
        #expect(counted.stderr.contains("without predictions") && counted.stdout.contains("2 scenes"), "\(counted.stdout)\(counted.stderr)")
        let refused = try runProcess(exe.path, base + ["--missing", "error"])
        #expect(refused.status != 0 && refused.stderr.contains("b"), "\(refused.stderr)")
    }
}
