import Foundation
import _TestSupport
import Testing

/// `ovseg3r demo --quick` end to end: every stage runs, the closing summary prints the AP table, and a second
/// run resumes by skipping every finished stage.
@Suite(.serialized) struct DemoCommandTests {
    @Test func quickDemoRunsEveryStageAndResumes() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let out = scratch.file("demo")

        let first = try cli.run(["demo", "--quick", "--out", out.path])
        try #require(first.status == 0, "demo failed: \(first.stderr.suffix(4000))")
        for stage in ["synth train", "recon train/scene_0000", "superpoints", "lift", "train", "predict", "eval", "fuse held-out rooms",
                      "merge lifting and the model", "eval model + lifting", "report"] {
            #expect(first.stdout.contains("ran ") && first.stdout.contains(stage), "summary lacks \(stage)")
        }
        #expect(first.stdout.contains("AP50"))
        // The model beside training-free lifting of the same 2D masks and the two merged, each with a number.
        for row in ["trained model", "training-free lifting", "model + lifting"] {
            let line = first.stdout.split(separator: "\n").first { $0.hasPrefix(row + " ") }.map(String.init) ?? ""
            #expect(line.split(separator: " ").contains { Double($0) != nil }, "no AP for \(row): \(line)")
        }
        for name in ["run/eval-lifted.json", "run/eval-merged.json", "run/pred-merged/scene_0000.txt"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "missing \(name)")
        }
        for name in ["run/eval.json", "run/log.jsonl", "report.html", "scenes/test/scene_0000/superpoints.npy",
                     "scenes/test/scene_0000/view_labels.json", "run/pred/scene_0000.txt"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "missing \(name)")
        }
        let evaluation = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run/eval.json")))
        let groups = try #require((evaluation as? [String: Any])?["groups"] as? [[String: Any]])
        #expect(Set(groups.compactMap { $0["name"] as? String }) == ["base", "novel"])
        // The quick demo's 2 cm points keep the 1 cm mesh voxel (half the spacing) and the 2 cm correspondence tolerance.
        let preset = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("recon-preset.json")))
        let fusion = (preset as? [String: Any])?["fusion"] as? [String: Any]
        let correspondences = (preset as? [String: Any])?["correspondences"] as? [String: Any]
        #expect(fusion?["voxelSize"] as? Double == 0.01 && fusion?["pointSpacing"] as? Double == 0.02)
        #expect(correspondences?["toleranceVoxels"] as? Double == 2.0)
        // The demo trains towards the training rooms' fused instances beside the view labels.
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("train-config.json"))) as? [String: Any]
        let stages = ((config?["supervision"] as? [String: Any])?["curriculum"] as? [[String: Any]])?.compactMap { $0["stage"] as? String }
        #expect(stages == ["views", "fused"], "\(String(describing: config))")
        let summary = try JSONSerialization.jsonObject(
            with: Data(contentsOf: out.appendingPathComponent("scenes/test/scene_0000/recon_summary.json"))) as? [String: Any]
        #expect((summary?["meshVertices"] as? Int ?? 0) > 0)

        // An interrupted demo resumes: remove the last two stages' outputs and only those run again.
        try FileManager.default.removeItem(at: out.appendingPathComponent("report.html"))
        try FileManager.default.removeItem(at: out.appendingPathComponent("run/eval.json"))
        let second = try cli.run(["demo", "--quick", "--out", out.path])
        try #require(second.status == 0, "resumed demo failed: \(second.stderr.suffix(4000))")
        let ran = second.stdout.split(separator: "\n").filter { $0.hasPrefix("ran ") }
        #expect(ran.count == 2, "expected only eval and report to run again, got: \(ran)")
        #expect(second.stdout.contains("skipped"))
    }
}
