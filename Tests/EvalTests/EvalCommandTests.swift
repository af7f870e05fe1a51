import _TestSupport
import Foundation
import Testing
@testable import Eval

@Suite struct EvalCommandTests {
    /// The built binary `ovseg3r`, next to the test bundle (`.build/<config>/`).
    static func binary() -> URL? {
        var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                          Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        candidates.append(Repository.root.appendingPathComponent(".build/debug"))
        return candidates.map { $0.appendingPathComponent("ovseg3r") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Writes a two-scene benchmark folder, runs `ovseg3r eval` and reads its JSON.
    /// Scene a: chair found, table predicted on void points (ignored) → chair 1. Scene b: a second chair
    /// missed, a chair false positive on a table below the matches.
    @Test func evalCommandWritesJSONAndMarkdown() throws {
        let exe = try #require(Self.binary(), "build the ovseg3r product first (swift build)")
        let root = temporaryFolder("cli")
        defer { try? FileManager.default.removeItem(at: root) }
        let pred = root.appendingPathComponent("pred"), gt = root.appendingPathComponent("gt")
        try FileManager.default.createDirectory(at: pred, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: gt, withIntermediateDirectories: true)
        let a = benchmarkIDs([(3001, 200), (5001, 150), (0, 150)])
        let b = benchmarkIDs([(3001, 200), (3002, 120), (5001, 150)])
        let scenesA = [TestPrediction(3, 0.9, 0..<200), TestPrediction(5, 0.7, 350..<500)]
        let scenesB = [TestPrediction(3, 0.8, 0..<200), TestPrediction(3, 0.3, 320..<470), TestPrediction(7, 0.9, 0..<120)]
        try writeBenchmarkScene(name: "a", ids: a, predictions: scenesA, pred: pred, gt: gt)
        try writeBenchmarkScene(name: "b", ids: b, predictions: scenesB, pred: pred, gt: gt)
        let classes = root.appendingPathComponent("classes.json")
        try Data(#"[{"id": 3, "name": "chair"}, {"id": 5, "name": "table"}, {"id": 7, "name": "lamp"}]"#.utf8).write(to: classes)
        let groups = root.appendingPathComponent("groups.json")
        try Data(#"{"seats": ["chair"], "others": ["table", "lamp"]}"#.utf8).write(to: groups)
        let json = root.appendingPathComponent("out.json"), markdown = root.appendingPathComponent("out.md")

        let run = try runProcess(exe.path, ["eval", "--pred", pred.path, "--gt", gt.path, "--classes", classes.path,
                                            "--split", groups.path, "--json", json.path, "--markdown", markdown.path, "--per-class"])
        try #require(run.status == 0, "ovseg3r eval failed: \(run.stderr)")
        let result = try EvaluationResult(json: Data(contentsOf: json), source: json)
        let expected = evaluate([scene("a", ids: a, scenesA), scene("b", ids: b, scenesB)])
        // Chair: TP 0.9, TP 0.8, FP 0.3, one miss → (p, r) = (⅔, ⅔) at 0.3, (1, ⅔) at 0.8, (1, ⅓) at 0.9, (1, 0);
        // widths ½(r₋₁ − r₊₁) = 0, ⅙, ⅓, ⅙ → AP = ⅔·0 + ⅙ + ⅓ + ⅙ = ⅔.
        #expect(close(result.classes[0].ap, 2.0 / 3))
        #expect(close(result.ap, expected.ap) && result.sceneCount == 2)
        #expect(result.groups.map(\.name) == ["seats", "others"])
        #expect(close(result.groups[0].ap, result.classes[0].ap))
        #expect(result.classes[1].ap == 0, "the table prediction sits on void points; the table GT is missed")
        #expect(result.classes[2].ap.isNaN, "lamp: predicted, no ground truth")
        #expect(run.stdout.contains("average") && run.stdout.contains("chair"))
        #expect(try String(contentsOf: markdown, encoding: .utf8).contains("| seats |"))
    }

    /// Without --classes the 198 ScanNet200 instance classes apply (chair = 2, wall = 1 is void), and the
    /// built-in splits name their groups: a perfect chair gives base AP 1, novel NaN (no ground truth).
    @Test func defaultClassesAndBuiltInSplits() throws {
        let exe = try #require(Self.binary(), "build the ovseg3r product first (swift build)")
        let root = temporaryFolder("cli-default")
        defer { try? FileManager.default.removeItem(at: root) }
        let pred = root.appendingPathComponent("pred"), gt = root.appendingPathComponent("gt")
        try FileManager.default.createDirectory(at: pred, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: gt, withIntermediateDirectories: true)
        let ids = benchmarkIDs([(2001, 200), (1001, 300)])
        try writeBenchmarkScene(name: "s", ids: ids, predictions: [TestPrediction(2, 0.9, 0..<200), TestPrediction(2, 0.95, 200..<500)],
                                pred: pred, gt: gt)
        let json = root.appendingPathComponent("out.json")
        let run = try runProcess(exe.path, ["eval", "--pred", pred.path, "--gt", gt.path, "--split", "base-novel",
                                            "--split", "head-common-tail", "--json", json.path])
        try #require(run.status == 0, "ovseg3r eval failed: \(run.stderr)")
        let result = try EvaluationResult(json: Data(contentsOf: json), source: json)
        #expect(result.classes.count == 198 && result.ap == 1, "the chair on the wall is ignored: walls are not evaluated")
        #expect(result.groups.map(\.name) == ["base", "novel", "head", "common", "tail"])
        #expect(result.groups.map(\.classCount) == [51, 147, 64, 68, 66])
        #expect(result.groups[0].ap == 1 && result.groups[1].ap.isNaN)
        #expect(Set(result.groups[2].unlistedClasses) == ["wall", "floor"])
    }
}
