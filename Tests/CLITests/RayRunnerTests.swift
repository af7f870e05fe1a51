import Foundation
import _TestSupport
import Testing

/// tools/ray_prepare.py: `ovseg3r prepare` over many videos with retries, a manifest, skipping prepared videos and a
/// non-zero exit when a video fails; on a local Ray instance and with the --local process pool.
@Suite(.serialized) struct RayRunnerTests {
    static let rayAvailable: Bool = {
        let available = PrepareTestSupport.canImport("ray")
        if !available {
            print("RayRunnerTests: python3 cannot import ray (tools/setup.sh --test installs it with pip); "
                  + "the Ray run is skipped, the --local run is still checked")
        }
        return available
    }()

    static let script = PrepareTestSupport.tools.appendingPathComponent("ray_prepare.py").path

    /// `count` tiny videos, the last one broken: its first depth image is not a PNG.
    static func videosWithOneBroken(_ cli: CLIRunner, in folder: URL, count: Int) throws -> [URL] {
        let videos = try PrepareTestSupport.synthVideos(cli, in: folder, count: count, frames: 4, seed: 11)
        try Data("not a png".utf8).write(to: videos[count - 1].appendingPathComponent("depth/000000.png"))
        return videos
    }

    static func manifest(_ url: URL) throws -> (totals: [String: Int], videos: [String: [String: Any]], runner: String?) {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let totals = try #require(object["totals"] as? [String: Int])
        let rows = try #require(object["videos"] as? [[String: Any]])
        var byName: [String: [String: Any]] = [:]
        for row in rows { byName[URL(fileURLWithPath: row["video"] as? String ?? "").lastPathComponent] = row }
        return (totals, byName, object["runner"] as? String)
    }

    /// The broken video failed on every attempt with the file named; the others are complete scenes.
    static func expectOutcome(_ m: (totals: [String: Int], videos: [String: [String: Any]], runner: String?),
                              good: [URL], broken: URL, scenes: URL, retries: Int) throws {
        let failed = try #require(m.videos[broken.lastPathComponent])
        #expect(failed["status"] as? String == "failed")
        #expect(failed["attempts"] as? Int == retries + 1)
        let errors = failed["errors"] as? [String] ?? []
        #expect(errors.count == retries + 1 && errors.allSatisfy { $0.contains("000000.png") }, "\(errors)")
        #expect((failed["durations"] as? [Double])?.count == retries + 1)
        for video in good {
            let row = try #require(m.videos[video.lastPathComponent])
            #expect(row["status"] as? String == "succeeded" && row["attempts"] as? Int == 1, "\(row)")
            #expect(((row["summary"] as? [String: Any])?["view_instances"] as? Int ?? 0) > 0)
            let scene = scenes.appendingPathComponent(video.lastPathComponent)
            for name in ["prepare.json", "superpoints.npy", "view_labels.json", "vl_offsets.npy"] {
                #expect(FileManager.default.fileExists(atPath: scene.appendingPathComponent(name).path), "missing \(name)")
            }
        }
    }

    @Test func localPoolRetriesRecordsFailuresAndSkipsPreparedVideos() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let videos = try Self.videosWithOneBroken(cli, in: scratch.file("videos"), count: 2)
        let scenes = scratch.file("scenes")
        let arguments = [Self.script, scratch.file("videos").path, "--out", scenes.path, "--local", "--workers", "2",
                         "--ovseg3r", cli.executable.path]
        let first = try PrepareTestSupport.python(arguments + ["--retries", "1"])
        #expect(first.status == 1, "a failed video makes the runner exit 1: \(first.stderr)")
        let m = try Self.manifest(scenes.appendingPathComponent("manifest.json"))
        #expect(m.runner == "local")
        #expect(m.totals["succeeded"] == 1 && m.totals["failed"] == 1 && m.totals["videos"] == 2, "\(m.totals)")
        try Self.expectOutcome(m, good: [videos[0]], broken: videos[1], scenes: scenes, retries: 1)

        // Again: prepare finds every stage of the good video done with the same options and runs none.
        let second = try PrepareTestSupport.python(arguments + ["--retries", "0"])
        #expect(second.status == 1)
        let again = try Self.manifest(scenes.appendingPathComponent("manifest.json"))
        #expect(again.totals["skipped"] == 1 && again.totals["failed"] == 1, "\(again.totals)")
        #expect(again.videos[videos[0].lastPathComponent]?["attempts"] as? Int == 1)
        // With another voxel size the finished video is not skipped on its old prepare.json: the contract sees the
        // changed recon options and the stages run again.
        let changed = try PrepareTestSupport.python([Self.script, videos[0].path, "--out", scenes.path, "--local",
                                                     "--ovseg3r", cli.executable.path, "--", "--voxel", "0.03"])
        #expect(changed.status == 0, "\(changed.stderr.suffix(2000))")
        let redone = try Self.manifest(scenes.appendingPathComponent("manifest.json"))
        #expect(redone.totals["succeeded"] == 1 && redone.totals["skipped"] == 0, "\(redone.totals)")
        let stages = (redone.videos[videos[0].lastPathComponent]?["summary"] as? [String: Any])?["stages"] as? [[String: Any]] ?? []
        #expect(stages.first?["name"] as? String == "recon" && stages.first?["status"] as? String == "ran", "\(stages)")
    }

    @Test(.enabled(if: rayAvailable, "python3 cannot import ray (tools/setup.sh --test installs it)"))
    func rayRunPreparesThreeVideosAndReportsTheBrokenOne() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let videos = try Self.videosWithOneBroken(cli, in: scratch.file("videos"), count: 4)
        let scenes = scratch.file("scenes")
        let manifestURL = scratch.file("manifest.json")
        let result = try PrepareTestSupport.python(
            [Self.script] + videos.map(\.path) + ["--out", scenes.path, "--manifest", manifestURL.path, "--retries", "1",
                                                  "--workers", "2", "--ovseg3r", cli.executable.path],
            environment: ["RAY_USAGE_STATS_ENABLED": "0"])
        #expect(result.status == 1, "a failed video makes the runner exit 1: \(result.stderr.suffix(3000))")
        let m = try Self.manifest(manifestURL)
        #expect(m.runner == "ray")
        #expect(m.totals["succeeded"] == 3 && m.totals["failed"] == 1 && m.totals["videos"] == 4, "\(m.totals)")
        try Self.expectOutcome(m, good: Array(videos.prefix(3)), broken: videos[3], scenes: scenes, retries: 1)
    }
}
