import Foundation
import _TestSupport
import SceneIO
import Testing

/// `ovseg3r prepare`: recon → superpoints → lift in one command, resumable, with clear input errors.
@Suite struct PrepareCommandTests {
    @Test func preparesAVideoThenSkipsEveryFinishedStage() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let video = try PrepareTestSupport.synthVideos(cli, in: scratch.file("videos"), count: 1, frames: 4)[0]
        let scene = scratch.file("scene")

        let first = try cli.run(["prepare", video.path, "--out", scene.path, "--json"])
        try #require(first.status == 0, "prepare failed: \(first.stderr.suffix(3000))")
        let summary = try PrepareTestSupport.lastJSONObject(first.stdout)
        #expect(summary["status"] as? String == "ok")
        let stages = try #require(summary["stages"] as? [[String: Any]])
        #expect(stages.compactMap { $0["name"] as? String } == ["recon", "superpoints", "lift"])
        #expect(stages.allSatisfy { $0["status"] as? String == "ran" }, "\(stages)")
        let points = try #require(summary["points"] as? Int)
        let superpoints = try #require(summary["superpoints"] as? Int)
        #expect(points > 100 && superpoints > 1 && superpoints < points)
        #expect((summary["view_instances"] as? Int ?? 0) > 0, "the simulated 2D model's masks lift to view-level labels")
        let folder = try SceneFolder(scene)
        #expect(folder.manifest.arrays["superpoints"]?.shape == [points])
        #expect(folder.manifest.arrays["vl_offsets"] != nil)
        for name in ["view_labels.json", "prepare.json", "mesh.ply"] {
            #expect(FileManager.default.fileExists(atPath: scene.appendingPathComponent(name).path), "missing \(name)")
        }

        // Resumes: every stage is complete, so a second run only reads the scene.
        let second = try cli.run(["prepare", video.path, "--out", scene.path, "--json"])
        try #require(second.status == 0, "second prepare failed: \(second.stderr.suffix(3000))")
        let again = try #require(try PrepareTestSupport.lastJSONObject(second.stdout)["stages"] as? [[String: Any]])
        #expect(again.allSatisfy { $0["status"] as? String == "skipped" }, "\(again)")

        // A scene whose lift never finished (its record missing from stages.json) re-runs only the lift.
        var records = folder.stageRecords()
        records.stages["lift"] = nil
        try JSONFile.write(records, to: folder.url(of: .stages))
        let third = try cli.run(["prepare", video.path, "--out", scene.path])
        try #require(third.status == 0, "third prepare failed: \(third.stderr.suffix(3000))")
        let lines = third.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("ran ") }.count == 1 && lines.contains { $0.hasPrefix("ran ") && $0.contains("lift") },
                "\(third.stdout)")

        // A changed --mode re-runs superpoints (and so lift), naming the option.
        let fourth = try cli.run(["prepare", video.path, "--out", scene.path, "--mode", "geometric"])
        try #require(fourth.status == 0, "fourth prepare failed: \(fourth.stderr.suffix(3000))")
        #expect(fourth.stderr.contains("superpoints (again: mode was ibsp, now geometric)"), "\(fourth.stderr)")
        #expect(fourth.stdout.split(separator: "\n").filter { $0.hasPrefix("ran ") }.count == 2, "\(fourth.stdout)")
        #expect(try SceneFolder(scene).stageRecords().stages["superpoints"]?["mode"] == "geometric")
    }

    @Test func rejectsInputsItCannotPrepareNamingTheFix() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let notVideo = scratch.file("rgbd_dataset")
        try FileManager.default.createDirectory(at: notVideo, withIntermediateDirectories: true)
        try Data("# timestamp filename\n".utf8).write(to: notVideo.appendingPathComponent("rgb.txt"))
        let tum = try cli.run(["prepare", notVideo.path, "--out", scratch.file("a").path, "--json"])
        #expect(tum.status != 0)
        #expect(tum.stderr.contains("not a video folder") && tum.stderr.contains("ovseg3r import"), "\(tum.stderr)")
        let failed = try PrepareTestSupport.lastJSONObject(tum.stdout)
        #expect(failed["status"] as? String == "failed")
        #expect((failed["error"] as? String ?? "").contains(notVideo.path))

        let video = try PrepareTestSupport.synthVideos(cli, in: scratch.file("videos"), count: 1, frames: 2)[0]
        try FileManager.default.removeItem(at: video.appendingPathComponent("pred2d"))
        let bare = try cli.run(["prepare", video.path, "--out", scratch.file("b").path])
        #expect(bare.status != 0)
        #expect(bare.stderr.contains("no 2D model output") && bare.stderr.contains("tools/adapters"), "\(bare.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("b").path), "nothing is written before the checks pass")

        let badMode = try cli.run(["prepare", video.path, "--out", scratch.file("c").path, "--mode", "voxels"])
        #expect(badMode.status != 0 && badMode.stderr.contains("'voxels' is invalid for '--mode") && badMode.stderr.contains("ibsp"), "\(badMode.stderr)")
    }
}
