import Foundation
import SceneIO
import Testing
import _TestSupport

/// `ovseg3r merge` end to end: two prediction folders in, one out that `eval` reads; bad arguments are named.
struct MergeCommandTests {
    @Test func twoFoldersMergeAndBadInputIsNamed() throws {
        let cli = try CLIRunner()
        let root = try TemporaryDirectory("merge-cli")
        let a = root.file("lifted"), b = root.file("model"), out = root.file("merged")
        try BenchmarkPredictionWriter.write([BenchmarkMask(labelID: 5, score: 0.9, points: Array(0..<100))], scene: "scene_0000", pointCount: 200, to: a)
        try BenchmarkPredictionWriter.write([BenchmarkMask(labelID: 5, score: 0.8, points: Array(10..<100)),
                                             BenchmarkMask(labelID: 7, score: 0.6, points: Array(120..<200))],
                                            scene: "scene_0000", pointCount: 200, to: b)
        let merged = try cli.run(["merge", "--pred", a.path, "--pred", b.path, "--out", out.path, "--policy", "fill"])
        try #require(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout.contains("scene_0000: 2 instances from 1 + 2"), "\(merged.stdout)")
        let lines = try String(contentsOf: out.appendingPathComponent("scene_0000.txt"), encoding: .utf8).split(separator: "\n")
        #expect(lines == ["pred_mask/scene_0000_0.txt 5 0.950000", "pred_mask/scene_0000_1.txt 7 0.300000"])
        for (arguments, named) in [(["--pred", a.path], "--pred"), (["--pred", a.path, "--pred", b.path, "--iou", "1.5"], "--iou"),
                                   (["--pred", a.path, "--pred", root.file("absent").path], root.file("absent").path),
                                   (["--pred", a.path, "--pred", b.path, "--policy", "vote"], "vote")] {
            let bad = try cli.run(["merge", "--out", root.file("bad").path] + arguments)
            #expect(bad.status != 0 && bad.stderr.contains(named), "\(arguments): \(bad.stderr)")
        }
    }
}
