import Foundation
import _TestSupport
import Testing

/// `ovseg3r synth --resume`: finished scenes (their synth.json, written last, records seed and options) are kept,
/// the rest are written as a fresh run would write them.
@Suite struct SynthResumeTests {
    func modified(_ url: URL) throws -> Date {
        try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date)
    }

    @Test func resumeWritesOnlyTheMissingScenes() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let grown = scratch.file("grown"), fresh = scratch.file("fresh")
        let base = ["synth", "--preset", "tiny", "--frames", "3", "--seed", "5"]
        try cli.succeed(base + ["--scenes", "2", "--out", grown.path])
        let first = grown.appendingPathComponent("scene_0000/synth.json")
        let before = try modified(first)
        // An interrupted scene: its record was never written, so it is written again.
        try FileManager.default.removeItem(at: grown.appendingPathComponent("scene_0001/synth.json"))
        try FileManager.default.removeItem(at: grown.appendingPathComponent("scene_0001/poses.txt"))
        let stdout = try cli.succeed(base + ["--scenes", "3", "--out", grown.path, "--resume"])
        #expect(stdout.contains("kept 1 finished scene, wrote 2"), "\(stdout)")
        #expect(!stdout.contains("scene_0000"), "\(stdout)")
        #expect(try modified(first) == before, "a finished scene is not written again")
        try cli.succeed(base + ["--scenes", "3", "--out", fresh.path])
        for scene in ["scene_0001", "scene_0002"] {
            for file in ["synth.json", "poses.txt", "gt/instances.json", "color/000002.jpg", "pred2d/objects.npy"] {
                let a = try Data(contentsOf: grown.appendingPathComponent("\(scene)/\(file)"))
                let b = try Data(contentsOf: fresh.appendingPathComponent("\(scene)/\(file)"))
                #expect(a == b, "\(scene)/\(file) as a fresh run writes it")
            }
        }
        // Other options make other scenes: nothing is kept.
        let other = try cli.succeed(["synth", "--preset", "tiny", "--frames", "4", "--seed", "5", "--scenes", "3",
                                     "--out", grown.path, "--resume"])
        #expect(other.contains("kept 0 finished scenes, wrote 3"), "\(other)")
        #expect(try modified(first) > before)
    }
}
