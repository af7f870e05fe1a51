import _TestSupport
import Foundation
import Testing

/// Runs the built `ovseg3r` binary (next to the test bundle in .build/<configuration>/).
@Suite struct SynthCommandTests {
    static var binary: URL {
        var url = Bundle.main.bundleURL
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: url.appendingPathComponent("ovseg3r").path) {
            url = url.deletingLastPathComponent()
        }
        return url.appendingPathComponent("ovseg3r")
    }

    /// The exit status and everything printed (stdout, then stderr).
    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try runProcess(SynthCommandTests.binary.path, arguments)
        return (result.status, result.stdout + result.stderr)
    }

    @Test func synthWritesOneFolderPerSceneAndPrintsStatistics() throws {
        #expect(FileManager.default.fileExists(atPath: SynthCommandTests.binary.path), "ovseg3r binary not built")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("synth-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try run(["synth", "--out", out.path, "--scenes", "2", "--frames", "2", "--seed", "5",
                              "--preset", "tiny", "--size", "48x36", "--stats"])
        #expect(result.status == 0, "\(result.output)")
        for scene in ["scene_0000", "scene_0001"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(scene)/depth/000001.png").path))
        }
        #expect(result.output.contains("recall") && result.output.contains("z = 2 m"))
        let intrinsics = try String(contentsOf: out.appendingPathComponent("scene_0001/intrinsics.json"), encoding: .utf8)
        #expect(intrinsics.contains("\"width\" : 48") && intrinsics.contains("\"height\" : 36"))
    }

    @Test func freeFormLabelsChangeOnlyWhenAskedFor() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("synth-freeform-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func synth(_ name: String, _ extra: [String]) throws -> URL {
            let out = root.appendingPathComponent(name)
            let r = try run(["synth", "--out", out.path, "--frames", "3", "--preset", "tiny", "--seed", "3"] + extra)
            #expect(r.status == 0, "\(r.output)")
            return out.appendingPathComponent("scene_0000/pred2d")
        }
        func labels(_ pred2d: URL) throws -> [String] {
            let files = try FileManager.default.contentsOfDirectory(atPath: pred2d.appendingPathComponent("instances").path).sorted()
            return try files.flatMap { f -> [String] in
                let data = try Data(contentsOf: pred2d.appendingPathComponent("instances/\(f)"))
                return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []).compactMap { $0["label"] as? String }
            }
        }
        let plain = try synth("plain", []), zero = try synth("zero", ["--free-form-labels", "0"])
        let free = try synth("free", ["--free-form-labels", "1"])
        // Rate 0 writes byte for byte what the preset always wrote.
        for sub in ["instances/000000.json", "instances/000002.json", "masks/000001.png", "features/000002.npy"] {
            #expect(try Data(contentsOf: plain.appendingPathComponent(sub)) == Data(contentsOf: zero.appendingPathComponent(sub)), "\(sub)")
        }
        let canonical = Set(try labels(plain))
        let spoken = try labels(free)
        #expect(!spoken.isEmpty && spoken.contains { !canonical.contains($0) }, "\(spoken)")
    }

    @Test func heldOutCategoriesNeverReachTheLabels() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("synth-holdout-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func labels(_ extra: [String]) throws -> [String] {
            let out = root.appendingPathComponent(UUID().uuidString)
            let r = try run(["synth", "--out", out.path, "--frames", "4", "--preset", "tiny", "--seed", "3"] + extra)
            #expect(r.status == 0, "\(r.output)")
            let folder = out.appendingPathComponent("scene_0000/pred2d/instances")
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().flatMap { f -> [String] in
                let data = try Data(contentsOf: folder.appendingPathComponent(f))
                return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []).compactMap { $0["label"] as? String }
            }
        }
        let held = ["light switch", "mirror"]
        let before = try labels([])
        #expect(held.allSatisfy(before.contains), "the seed must show the held-out classes to make this test mean anything: \(before)")
        let after = try labels(["--hold-out", held.joined(separator: ",")])
        #expect(!after.contains { held.contains($0) }, "\(after)")
        #expect(after.count < before.count || after != before)
        let base = try run(["synth", "--out", root.appendingPathComponent("x").path, "--preset", "tiny", "--hold-out", "chair"])
        #expect(base.status != 0 && base.output.contains("model2D.heldOutCategories = chair"), "\(base.output)")
    }

    @Test func badSizeAndUnknownPresetFailWithAMessage() throws {
        let size = try run(["synth", "--out", "/tmp/unused-synth", "--size", "48by36"])
        #expect(size.status != 0 && size.output.contains("WxH"))
        let preset = try run(["synth", "--out", "/tmp/unused-synth", "--preset", "huge"])
        #expect(preset.status != 0 && preset.output.contains("tiny"))
    }

    @Test func printLabelsListsTheVocabulary() throws {
        let result = try run(["synth", "--out", "/tmp/unused-synth", "--print-labels"])
        let labels = result.output.split(separator: "\n").map(String.init)
        #expect(result.status == 0 && labels.contains("trash bin") && labels.contains("sofa chair"))
    }
}
