import _TestSupport
import Foundation
import SceneIO
import Testing

/// `tools/score_bands.py`: each prediction of a folder, by score band, found right, on another object or on nothing;
/// and its one-name-per-mask copy. Runs where python3 has numpy (`make test` installs it).
@Suite struct ScoreBandsToolTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/score_bands.py")

    /// Ten points: a pillow (novel, id 13) on 0–3, a chair (base, id 2) on 4–7, no instance on 8–9. Mask A covers the
    /// pillow and is written as pillow (0.8) and as monitor (novel, id 19, 0.4); mask B covers points 8–9 as pillow
    /// (0.2), where the benchmark ignores predictions; mask C covers points 3 and 4, part of each object, as pillow (0.1);
    /// mask D covers points 0–2 of the pillow as pillow (0.6), after mask A took it.
    static func write(_ root: URL) throws -> (gt: URL, pred: URL) {
        let scene = root.appendingPathComponent("gt/scene_0000")
        try FileManager.default.createDirectory(at: scene, withIntermediateDirectories: true)
        try Npy.write(NpyArray([Int32]([1, 1, 1, 1, 2, 2, 2, 2, 0, 0])), to: scene.appendingPathComponent("instance.npy"))
        try Npy.write(NpyArray([Int32]([13, 13, 13, 13, 2, 2, 2, 2, 1, 1])), to: scene.appendingPathComponent("semantic.npy"))
        let pred = root.appendingPathComponent("pred")
        try FileManager.default.createDirectory(at: pred.appendingPathComponent("pred_mask"), withIntermediateDirectories: true)
        let a = "1\n1\n1\n1\n0\n0\n0\n0\n0\n0\n", b = "0\n0\n0\n0\n0\n0\n0\n0\n1\n1\n", c = "0\n0\n0\n1\n1\n0\n0\n0\n0\n0\n"
        let d = "1\n1\n1\n0\n0\n0\n0\n0\n0\n0\n"
        try a.write(to: pred.appendingPathComponent("pred_mask/scene_0000_0.txt"), atomically: true, encoding: .utf8)
        try a.write(to: pred.appendingPathComponent("pred_mask/scene_0000_1.txt"), atomically: true, encoding: .utf8)
        try b.write(to: pred.appendingPathComponent("pred_mask/scene_0000_2.txt"), atomically: true, encoding: .utf8)
        try c.write(to: pred.appendingPathComponent("pred_mask/scene_0000_3.txt"), atomically: true, encoding: .utf8)
        try d.write(to: pred.appendingPathComponent("pred_mask/scene_0000_4.txt"), atomically: true, encoding: .utf8)
        try "pred_mask/scene_0000_0.txt 13 0.8\npred_mask/scene_0000_1.txt 19 0.4\npred_mask/scene_0000_2.txt 13 0.2\npred_mask/scene_0000_3.txt 13 0.1\npred_mask/scene_0000_4.txt 13 0.6\n"
            .write(to: pred.appendingPathComponent("scene_0000.txt"), atomically: true, encoding: .utf8)
        return (root.appendingPathComponent("gt"), pred)
    }

    @Test func countsEachPredictionInItsBand() throws {
        guard try runProcess("python3", ["-c", "import numpy"]).status == 0 else { return }
        let dir = try TemporaryDirectory()
        let (gt, pred) = try Self.write(dir.url)
        let run = try runProcess("python3", [Self.script.path, "--gt", gt.path, "--group", "novel", "--min-region", "1", pred.path])
        #expect(run.status == 0, "\(run.stderr)")
        // Bands ≥ 0.9, 0.7, 0.5, 0.3, 0 (right / duplicate / on another object / on nothing / ignored): the pillow
        // at 0.8 is right, the one at 0.6 a duplicate of it, the monitor at 0.4 lies on the pillow, the pillow at 0.2
        // is ignored, the one at 0.1 on nothing.
        #expect(run.stdout.contains("\(pred.path) | 0 / 0 / 0 / 0 / 0 | 1 / 0 / 0 / 0 / 0 | 0 / 1 / 0 / 0 / 0 | 0 / 0 / 1 / 0 / 0 | 0 / 0 / 0 / 1 / 1"),
                "\(run.stdout)")
        // Base classes: no prediction is a base class.
        let base = try runProcess("python3", [Self.script.path, "--gt", gt.path, "--group", "base", "--min-region", "1", pred.path])
        #expect(base.stdout.contains("\(pred.path) | 0 / 0 / 0 / 0 / 0 | 0 / 0 / 0 / 0 / 0 | 0 / 0 / 0 / 0 / 0 | 0 / 0 / 0 / 0 / 0 | 0 / 0 / 0 / 0 / 0"),
                "\(base.stdout)")
    }

    @Test func oneNamePerMaskKeepsTheBestScoringLineOfEachMask() throws {
        guard try runProcess("python3", ["-c", "import numpy"]).status == 0 else { return }
        let dir = try TemporaryDirectory()
        let (_, pred) = try Self.write(dir.url)
        let out = dir.url.appendingPathComponent("one")
        let run = try runProcess("python3", [Self.script.path, "--one-name-per-mask", out.path, pred.path])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try String(contentsOf: out.appendingPathComponent("scene_0000.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(lines == ["pred_mask/scene_0000_0.txt 13 0.8", "pred_mask/scene_0000_2.txt 13 0.2", "pred_mask/scene_0000_3.txt 13 0.1",
                          "pred_mask/scene_0000_4.txt 13 0.6"])
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("pred_mask/scene_0000_2.txt").path))
        // An existing folder is refused and left as it was.
        let again = try runProcess("python3", [Self.script.path, "--one-name-per-mask", out.path, pred.path])
        #expect(again.status != 0 && again.stderr.contains("already exists"), "\(again.stderr)")
        #expect(try String(contentsOf: out.appendingPathComponent("scene_0000.txt"), encoding: .utf8).split(separator: "\n").count == 4)
        // A malformed line and a missing mask file are refused with their file and line, and leave no folder behind.
        let two = dir.url.appendingPathComponent("two")
        try "pred_mask/scene_0000_0.txt 13\n".write(to: pred.appendingPathComponent("scene_0000.txt"), atomically: true, encoding: .utf8)
        let bad = try runProcess("python3", [Self.script.path, "--one-name-per-mask", two.path, pred.path])
        #expect(bad.status != 0 && bad.stderr.contains("scene_0000.txt line 1"), "\(bad.stderr)")
        try "pred_mask/gone.txt 13 0.5\n".write(to: pred.appendingPathComponent("scene_0000.txt"), atomically: true, encoding: .utf8)
        let missing = try runProcess("python3", [Self.script.path, "--one-name-per-mask", two.path, pred.path])
        #expect(missing.status != 0 && missing.stderr.contains("gone.txt is missing"), "\(missing.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.hasPrefix("two") }
        #expect(left.isEmpty, "\(left)")
    }

    /// The oracle gives the pillow to mask A's pillow line (IoU 1); mask D's pillow (IoU 0.75) comes after it and
    /// gets nothing, like every line of another class or on nothing: those keep a thousandth of their score.
    @Test func rankOracleScoresEachInstancesBestMaskByItsIoU() throws {
        guard try runProcess("python3", ["-c", "import numpy"]).status == 0 else { return }
        let dir = try TemporaryDirectory()
        let (gt, pred) = try Self.write(dir.url)
        let out = dir.url.appendingPathComponent("oracle")
        let run = try runProcess("python3", [Self.script.path, "--gt", gt.path, "--min-region", "1", "--rank-oracle", out.path, pred.path])
        #expect(run.status == 0, "\(run.stderr)")
        let scores = try String(contentsOf: out.appendingPathComponent("scene_0000.txt"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: " ").last.map(String.init) ?? "" }
        #expect(scores == ["0.999800", "0.000400", "0.000200", "0.000100", "0.000600"], "\(scores)")
        // It needs the ground truth, and refuses an existing folder.
        let noGT = try runProcess("python3", [Self.script.path, "--rank-oracle", dir.url.appendingPathComponent("x").path, pred.path])
        #expect(noGT.status != 0 && noGT.stderr.contains("--gt"), "\(noGT.stderr)")
        let again = try runProcess("python3", [Self.script.path, "--gt", gt.path, "--rank-oracle", out.path, pred.path])
        #expect(again.status != 0 && again.stderr.contains("already exists"), "\(again.stderr)")
    }

    /// `--without VERDICT` drops that verdict's lines and keeps the others as they were.
    @Test func withoutDropsOneVerdict() throws {
        guard try runProcess("python3", ["-c", "import numpy"]).status == 0 else { return }
        let dir = try TemporaryDirectory()
        let (gt, pred) = try Self.write(dir.url)
        func lines(without verdict: String, tag: String) throws -> [String] {
            let out = dir.url.appendingPathComponent(tag)
            let run = try runProcess("python3", [Self.script.path, "--gt", gt.path, "--min-region", "1", "--without", verdict, out.path, pred.path])
            #expect(run.status == 0, "\(run.stderr)")
            return try String(contentsOf: out.appendingPathComponent("scene_0000.txt"), encoding: .utf8).split(separator: "\n").map(String.init)
        }
        #expect(try lines(without: "on another object", tag: "a") == ["pred_mask/scene_0000_0.txt 13 0.8", "pred_mask/scene_0000_2.txt 13 0.2",
                                                                      "pred_mask/scene_0000_3.txt 13 0.1", "pred_mask/scene_0000_4.txt 13 0.6"])
        #expect(try lines(without: "duplicate", tag: "d") == ["pred_mask/scene_0000_0.txt 13 0.8", "pred_mask/scene_0000_1.txt 19 0.4",
                                                             "pred_mask/scene_0000_2.txt 13 0.2", "pred_mask/scene_0000_3.txt 13 0.1"])
        let bad = try runProcess("python3", [Self.script.path, "--gt", gt.path, "--without", "wrong", dir.url.appendingPathComponent("w").path, pred.path])
        #expect(bad.status != 0 && bad.stderr.contains("the verdicts are"), "\(bad.stderr)")
    }
}
