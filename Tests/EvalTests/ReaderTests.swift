import Foundation
import _TestSupport
import Testing
import Geometry
@testable import Eval
import SceneIO

@Suite struct ReaderTests {
    @Test func maskLinesAcceptSpacesCarriageReturnsAndAnyNonzero() throws {
        let root = temporaryFolder("mask")
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("m.txt")
        try Data("0\n1\r\n 2 \n-1\n0".utf8).write(to: url)
        #expect(try FolderEvaluation.maskPoints(url, expectedCount: 5) == [1, 2, 3])
        #expect(throws: EvalError.pointCountMismatch(url: url, expected: 6, actual: 5)) {
            try FolderEvaluation.maskPoints(url, expectedCount: 6)
        }
        try Data("0\n1.0\n".utf8).write(to: url)
        #expect(throws: EvalError.malformedFile(url: url, line: 2, reason: "expected one integer on the line")) {
            try FolderEvaluation.maskPoints(url, expectedCount: 2)
        }
    }

    @Test func predictionFileKeepsFirstPositionAndLastValues() throws {
        let root = temporaryFolder("predfile")
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("s.txt")
        try Data("m/a.txt 3 0.5\nm/b.txt 5.0 0.25\nm/a.txt 7 0.75\n\n".utf8).write(to: url)
        let entries = try PredictionFile.read(url, root: root)
        #expect(entries.map(\.mask.lastPathComponent) == ["a.txt", "b.txt"])
        #expect(entries.map(\.labelID) == [7, 5] && entries.map(\.confidence) == [0.75, 0.25])
        try Data("../x.txt 3 0.5\n".utf8).write(to: url)
        #expect(throws: EvalError.self) { try PredictionFile.read(url, root: root) }
        try Data("m/a.txt  3 0.5\n".utf8).write(to: url)
        #expect(throws: EvalError.malformedFile(url: url, line: 1,
                                                reason: "expected `<relative mask path> <label id> <confidence>` separated by single spaces, got 4 fields")) {
            try PredictionFile.read(url, root: root)
        }
    }

    /// Scene folders with semantic.npy + instance.npy give the same result as the benchmark encoding.
    @Test func sceneFolderGroundTruthEqualsBenchmarkText() throws {
        let root = temporaryFolder("npy")
        defer { try? FileManager.default.removeItem(at: root) }
        let pred = root.appendingPathComponent("pred"), textGT = root.appendingPathComponent("gt-text"),
            npyGT = root.appendingPathComponent("gt-npy")
        for folder in [pred, textGT, npyGT] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        var rng = SeededGenerator(seed: 99)
        for s in 0..<3 {
            let scene = RandomScene.make(name: "scene\(s)", rng: &rng, crossInstance: true, quantizedScores: false)
            try writeBenchmarkScene(name: scene.name, ids: scene.ids, predictions: scene.predictions, pred: pred, gt: textGT)
            // Scene-folder convention: instance −1 where unannotated, otherwise any per-scene instance number.
            let folder = npyGT.appendingPathComponent(scene.name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Npy.write(scene.ids.map { Int32($0 / 1000) }, shape: [scene.ids.count], to: folder.appendingPathComponent("semantic.npy"))
            try Npy.write(scene.ids.map { Int64($0 == 0 ? -1 : 7 * ($0 % 1000)) }, shape: [scene.ids.count],
                          to: folder.appendingPathComponent("instance.npy"))
        }
        let fromText = try FolderEvaluation.evaluate(predictions: pred, groundTruth: textGT, options: testOptions)
        let fromNpy = try FolderEvaluation.evaluate(predictions: pred, groundTruth: npyGT, options: testOptions)
        #expect(fromText.classes.contains { $0.isEvaluated })
        for (a, b) in zip(fromText.classes, fromNpy.classes) {
            #expect(close(a.ap, b.ap) && close(a.ap25, b.ap25) && a.groundTruthCount == b.groundTruthCount, "\(a.name)")
        }
    }

    /// A scene folder of this toolkit (with scene.json) is read through the scene contract: int64 labels are
    /// accepted, and an array that disagrees with the scene's point count is refused naming the file.
    @Test func toolkitSceneFoldersAreReadThroughTheContract() throws {
        let root = temporaryFolder("contract-gt")
        defer { try? FileManager.default.removeItem(at: root) }
        var folder = try SceneFolder.create(at: root.appendingPathComponent("scene0"))
        try ScenePoints(coords: [Float](repeating: 0.5, count: 12)).write(to: &folder)
        try folder.write([Int64](arrayLiteral: 1, 1, 2, 0), shape: [4], named: SceneFile.instance.stem)
        try folder.write([Int64](arrayLiteral: 2, 2, 5, 0), shape: [4], named: SceneFile.semantic.stem)
        let classes = ClassCatalog.scanNet200()
        let truth = try FolderEvaluation.groundTruth(scene: "scene0", in: root, classes: classes)
        #expect(truth.pointCount == 4 && truth.instances.count == 2, "\(truth.instances)")
        try folder.write([Int32](arrayLiteral: 1, 1, 2), shape: [3], named: SceneFile.instance.stem)
        #expect {
            try FolderEvaluation.groundTruth(scene: "scene0", in: root, classes: classes)
        } throws: { error in
            "\(error)".contains("instance.npy") && "\(error)".contains("[4]") && "\(error)".contains("[3]")
        }
    }

    /// Mask files may be `.npy` arrays [N] instead of text; the result is the same.
    @Test func npyMasksEqualTextMasks() throws {
        let root = temporaryFolder("npymask")
        defer { try? FileManager.default.removeItem(at: root) }
        let textPred = root.appendingPathComponent("pred-text"), npyPred = root.appendingPathComponent("pred-npy"),
            gt = root.appendingPathComponent("gt")
        for folder in [textPred, npyPred.appendingPathComponent("m"), gt] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        var rng = SeededGenerator(seed: 17)
        for s in 0..<2 {
            let scene = RandomScene.make(name: "scene\(s)", rng: &rng, crossInstance: true, quantizedScores: false)
            try writeBenchmarkScene(name: scene.name, ids: scene.ids, predictions: scene.predictions, pred: textPred, gt: gt)
            var lines: [String] = []
            for (k, p) in scene.predictions.enumerated() {
                var mask = [UInt8](repeating: 0, count: scene.ids.count)
                for point in p.points { mask[Int(point)] = 1 }
                try Npy.write(mask, shape: [mask.count], to: npyPred.appendingPathComponent("m/\(scene.name)_\(k).npy"))
                lines.append("m/\(scene.name)_\(k).npy \(p.label) \(p.confidence)")
            }
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: npyPred.appendingPathComponent(scene.name + ".txt"))
        }
        let fromText = try FolderEvaluation.evaluate(predictions: textPred, groundTruth: gt, options: testOptions)
        let fromNpy = try FolderEvaluation.evaluate(predictions: npyPred, groundTruth: gt, options: testOptions)
        #expect(fromText.classes.contains { $0.predictionCount > 0 })
        for (a, b) in zip(fromText.classes, fromNpy.classes) {
            #expect(close(a.ap, b.ap) && close(a.ap25, b.ap25) && a.predictionCount == b.predictionCount, "\(a.name)")
        }
    }

    @Test func missingGroundTruthIsNamed() throws {
        let root = temporaryFolder("missing")
        defer { try? FileManager.default.removeItem(at: root) }
        let gt = root.appendingPathComponent("gt")
        try FileManager.default.createDirectory(at: gt, withIntermediateDirectories: true)
        try Data("".utf8).write(to: root.appendingPathComponent("sceneX.txt"))
        #expect(throws: EvalError.missingGroundTruth(scene: "sceneX", expectedAt: gt.appendingPathComponent("sceneX.txt"))) {
            try FolderEvaluation.evaluate(predictions: root, groundTruth: gt, options: testOptions)
        }
    }

    @Test func classIdZeroIsRejected() throws {
        let catalog = try ClassCatalog(entries: [.init(id: 0, name: "zero")])
        #expect(throws: EvalError.self) { try EvaluationOptions(classes: catalog).validated() }
    }

    @Test func jsonRoundTripKeepsNaNAsNull() throws {
        let result = evaluate([scene(ids: benchmarkIDs([(3001, 200)]), [TestPrediction(3, 0.9, 0..<160)])])
        let data = try result.jsonData()
        #expect(String(decoding: data, as: UTF8.self).contains("null"), "lamp and table have no ground truth")
        let back = try EvaluationResult(json: data, source: URL(fileURLWithPath: "/r.json"))
        #expect(close(back.ap, result.ap) && back.classes.count == 3 && back.score("lamp")?.ap.isNaN == true)
        for (a, b) in zip(back.classes, result.classes) {
            #expect(a.apByThreshold.count == 9 && zip(a.apByThreshold, b.apByThreshold).allSatisfy { close($0, $1) })
        }
    }
}
