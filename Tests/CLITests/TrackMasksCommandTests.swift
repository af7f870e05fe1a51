import Foundation
import _TestSupport
import SceneIO
import Testing

/// `ovseg3r track-masks` end to end: synth → prepare → track-masks → eval on a tiny room, and its refusals.
@Suite struct TrackMasksCommandTests {
    @Test func tracksAPreparedRoomIntoContractFilesAndPredictionsEvalReads() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let scenes = try PrepareTestSupport.preparedRoom(cli, in: scratch)
        let scene = scenes.appendingPathComponent("room_a")

        let pred = scratch.file("pred"), naive = scratch.file("naive")
        let stdout = try cli.succeed(["track-masks", scenes.path, "--pred", pred.path, "--naive", naive.path,
                                      "--min-points", "1", "--min-views", "1"])
        #expect(stdout.contains("room_a: ") && stdout.contains("track-masks: 1 scenes") && stdout.contains("ms per keyframe"), "\(stdout)")
        let folder = try SceneFolder(scene)
        #expect(folder.isComplete(.trackedLabels))
        let l = try #require(folder.manifest.arrays["vl_offsets"]?.shape.first) - 1
        #expect(folder.manifest.arrays["track_view_mask"]?.shape == [l])
        #expect(folder.stageRecords().stages["track_masks"]?["iou"] == "0.3")
        let lines = try String(contentsOf: pred.appendingPathComponent("room_a.txt"), encoding: .utf8).split(separator: "\n")
        #expect(!lines.isEmpty, "the simulated 2D model's masks make at least one pseudo-instance")
        let naiveLines = try String(contentsOf: naive.appendingPathComponent("room_a.txt"), encoding: .utf8).split(separator: "\n")
        #expect(naiveLines.count >= lines.count, "the naive baseline writes every lifted mask")

        let json = scratch.file("eval.json")
        try cli.succeed(["eval", "--pred", pred.path, "--gt", scenes.path, "--json", json.path])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        #expect(result["scene_count"] as? Int == 1 && result["class_agnostic"] != nil)

        // The same input gives the same bytes.
        let first = try Data(contentsOf: scene.appendingPathComponent("track_view_mask.npy"))
        let again = scratch.file("pred-again")
        try cli.succeed(["track-masks", scene.path, "--pred", again.path, "--min-points", "1", "--min-views", "1"])
        #expect(try Data(contentsOf: scene.appendingPathComponent("track_view_mask.npy")) == first)
        #expect(try Data(contentsOf: again.appendingPathComponent("npy/room_a_masks.npy"))
                == (try Data(contentsOf: pred.appendingPathComponent("npy/room_a_masks.npy"))))

        // Refusals: a bad option, no scene, and a scene from another tool without correspondences.
        let badOption = try cli.run(["track-masks", scene.path, "--iou", "0"])
        #expect(badOption.status != 0 && badOption.stderr.contains("--iou must be (0, 1]"), "\(badOption.stderr)")
        let nothing = try cli.run(["track-masks", scratch.file("videos").path])
        #expect(nothing.status != 0 && nothing.stderr.contains("no scene folder"), "\(nothing.stderr)")
        var stripped = folder
        try stripped.remove("corr_offsets")
        let missing = try cli.run(["track-masks", scene.path])
        #expect(missing.status != 0 && missing.stderr.contains("corr_offsets.npy is missing"), "\(missing.stderr)")
        let help = try cli.succeed(["track-masks", "--help"])
        #expect(help.contains("dormant") && help.contains("--containment") && help.contains("supervision.curriculum"), "\(help)")
    }
}
