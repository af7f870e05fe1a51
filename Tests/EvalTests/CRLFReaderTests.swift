import Foundation
import _TestSupport
import Testing
@testable import Eval

/// Prediction lists, benchmark ground truth and training logs written with CRLF read as with LF.
@Suite struct CRLFReaderTests {
    @Test func aCRLFPredictionFolderEvaluatesLikeLF() throws {
        let root = temporaryFolder("crlf")
        defer { try? FileManager.default.removeItem(at: root) }
        let pred = root.appendingPathComponent("pred"), gt = root.appendingPathComponent("gt")
        try FileManager.default.createDirectory(at: pred, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: gt, withIntermediateDirectories: true)
        let ids = benchmarkIDs([(3001, 200), (5001, 150), (0, 150)])
        try writeBenchmarkScene(name: "a", ids: ids, predictions: [TestPrediction(3, 0.9, 0..<200), TestPrediction(5, 0.4, 190..<330)],
                                pred: pred, gt: gt)
        let lf = try FolderEvaluation.evaluate(predictions: pred, groundTruth: gt, options: testOptions, threads: 1)
        let lfEntries = try PredictionFile.read(pred.appendingPathComponent("a.txt"), root: pred)
        for file in [pred.appendingPathComponent("a.txt"), gt.appendingPathComponent("a.txt"),
                     pred.appendingPathComponent("masks/a_0.txt"), pred.appendingPathComponent("masks/a_1.txt")] {
            let text = try String(contentsOf: file, encoding: .utf8)
            try Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8).write(to: file)
        }
        let entries = try PredictionFile.read(pred.appendingPathComponent("a.txt"), root: pred)
        #expect(entries.count == 2 && entries == lfEntries)
        let crlf = try FolderEvaluation.evaluate(predictions: pred, groundTruth: gt, options: testOptions, threads: 1)
        #expect(crlf.ap == lf.ap && crlf.sceneCount == 1)
        #expect(crlf.classes.map(\.groundTruthCount) == lf.classes.map(\.groundTruthCount))
        #expect(close(crlf.score("chair")?.ap ?? .nan, 1))
    }

    @Test func aCRLFTrainingLogHasEveryStep() throws {
        let root = temporaryFolder("crlf-log")
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("log.jsonl")
        try Data("{\"step\":1,\"loss\":2.0}\r\n{\"step\":2,\"loss\":1.5}\r\n{\"step\":3,\"loss\":1.0}\r\n".utf8).write(to: url)
        let log = try TrainingLog.read(url)
        let loss = try #require(log.series.first { $0.name == "loss" })
        #expect(loss.points.map(\.y) == [2.0, 1.5, 1.0])
    }
}
