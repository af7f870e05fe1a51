import Foundation
import _TestSupport
import SceneIO
import Testing

/// `ovseg3r fuse` end to end: synth → prepare → fuse → eval on a tiny room, and its refusals.
@Suite struct FuseCommandTests {
    @Test func fusesAPreparedRoomIntoFilesEvalReads() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let scenes = try PrepareTestSupport.preparedRoom(cli, in: scratch)
        let scene = scenes.appendingPathComponent("room_a")

        let pred = scratch.file("pred")
        // The tiny room has few points, so masks of any size are kept and a single view may carry an instance.
        let stdout = try cli.succeed(["fuse", "--scene", scenes.path, "--out", pred.path, "--min-points", "1", "--min-views", "1"])
        #expect(stdout.contains("room_a: ") && stdout.contains("fuse: 1 scenes"), "\(stdout)")
        let lines = try String(contentsOf: pred.appendingPathComponent("room_a.txt"), encoding: .utf8).split(separator: "\n")
        #expect(!lines.isEmpty, "the simulated 2D model's masks fuse into at least one instance")
        let n = try #require(try SceneFolder(scene).manifest.arrays["coord"]?.shape.first)
        let catalog = ClassCatalog.scanNet200Instances()
        var scores: [Double] = []
        for line in lines {
            let fields = line.split(separator: " ")
            try #require(fields.count == 3, "\(line)")
            #expect(catalog.entry(id: Int(fields[1]) ?? -1) != nil, "label id of the catalog: \(line)")
            scores.append(Double(fields[2]) ?? -1)
            let mask = try String(contentsOf: pred.appendingPathComponent(String(fields[0])), encoding: .utf8)
            #expect(mask.split(separator: "\n").count == n)
        }
        #expect(scores == scores.sorted(by: >) && scores.allSatisfy { $0 > 0 && $0 <= 1 })

        let json = scratch.file("eval.json")
        try cli.succeed(["eval", "--pred", pred.path, "--gt", scenes.path, "--split", "base-novel", "--json", json.path])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        #expect(result["scene_count"] as? Int == 1)
        let classes = try #require(result["classes"] as? [[String: Any]])
        #expect(classes.reduce(0) { $0 + ($1["prediction_count"] as? Int ?? 0) } > 0, "eval counts the fused predictions")
        let groups = try #require(result["groups"] as? [[String: Any]])
        #expect(groups.compactMap { $0["name"] as? String } == ["base", "novel"])

        // The same input gives the same bytes.
        let again = scratch.file("pred-again")
        try cli.succeed(["fuse", "--scene", scene.path, "--out", again.path, "--min-points", "1", "--min-views", "1"])
        #expect(try Data(contentsOf: again.appendingPathComponent("npy/room_a_masks.npy"))
                == (try Data(contentsOf: pred.appendingPathComponent("npy/room_a_masks.npy"))))

        // A scene that was never lifted is refused with the file and the command to run.
        try FileManager.default.removeItem(at: scene.appendingPathComponent("view_labels.json"))
        let missing = try cli.run(["fuse", "--scene", scene.path, "--out", again.path])
        #expect(missing.status != 0 && missing.stderr.contains("view_labels.json is missing"), "\(missing.stderr)")
        let badOption = try cli.run(["fuse", "--scene", scene.path, "--out", again.path, "--consensus", "0"])
        #expect(badOption.status != 0 && badOption.stderr.contains("--consensus must be in (0, 1]"), "\(badOption.stderr)")
        let nothing = try cli.run(["fuse", "--scene", scratch.file("videos").path, "--out", again.path])
        #expect(nothing.status != 0 && nothing.stderr.contains("no scene folder"), "\(nothing.stderr)")
    }
}
