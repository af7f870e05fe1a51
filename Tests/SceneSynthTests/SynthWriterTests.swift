import _TestSupport
import Foundation
import Testing
import SceneIO
@testable import SceneSynth

@Suite(.serialized) struct SynthWriterTests {
    /// All files under `folder` with their bytes, sorted by relative path.
    func contents(_ folder: URL) throws -> [(String, Data)] {
        let fm = FileManager.default
        guard let e = fm.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var out: [(String, Data)] = []
        for case let url as URL in e where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            out.append((String(url.path.dropFirst(folder.path.count)), try Data(contentsOf: url)))
        }
        return out.sorted { $0.0 < $1.0 }
    }

    @Test func sameSeedGivesByteIdenticalOutputAndAnotherSeedDoesNot() throws {
        let writer = try SynthWriter(options: tinyOptions(frames: 3))
        let a = temporaryFolder("det-a"), b = temporaryFolder("det-b"), c = temporaryFolder("det-c")
        defer { for u in [a, b, c] { try? FileManager.default.removeItem(at: u) } }
        _ = try writer.write(seed: 42, to: a)
        _ = try writer.write(seed: 42, to: b)
        _ = try writer.write(seed: 43, to: c)
        let ca = try contents(a), cb = try contents(b), cc = try contents(c)
        #expect(ca.count > 20)
        #expect(ca.map(\.0) == cb.map(\.0))
        for (x, y) in zip(ca, cb) { #expect(x.1 == y.1, "\(x.0) differs between runs") }
        #expect(zip(ca, cc).contains { $0.1 != $1.1 })
    }

    @Test func tinySceneWritesTheVideoFolderLayout() throws {
        let options = tinyOptions(frames: 3)
        let folder = temporaryFolder("e2e")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try SynthWriter(options: options).write(seed: 7, to: folder)
        #expect(result.frames == 3)
        let fm = FileManager.default
        for name in ["intrinsics.json", "poses.txt", "synth.json", "gt/poses.txt", "gt/mesh.ply", "gt/instances.json",
                     "pred2d/objects.npy"] {
            #expect(fm.fileExists(atPath: folder.appendingPathComponent(name).path), "\(name)")
        }
        // The shared video-folder reader accepts the output.
        let video = try VideoFolder(folder)
        #expect(video.frames.count == 3 && video.hasPred2D && video.poses?.poses.count == 3)
        #expect(video.intrinsics.width == 64 && video.intrinsics.height == 48 && video.intrinsics.depthScale == 1000)
        #expect(try video.pred2DInstances(1)?.allSatisfy { $0.object != nil } == true)
        var rows = 0
        for i in 0..<3 {
            let name = String(format: "%06d", i)
            let colour = try JPEG.read(folder.appendingPathComponent("color/\(name).jpg"))
            #expect(colour.width == 64 && colour.height == 48)
            for path in ["depth", "gt/instance", "gt/semantic", "pred2d/masks"] {
                let image = try PNG.readGray16(folder.appendingPathComponent("\(path)/\(name).png"))
                #expect(image.width == 64 && image.height == 48, "\(path)")
            }
            let mask = try PNG.readGray16(folder.appendingPathComponent("pred2d/masks/\(name).png"))
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("pred2d/instances/\(name).json")))
            let items = try #require(json as? [[String: Any]])
            let ids = Set(items.compactMap { $0["id"] as? Int })
            #expect(Set(mask.pixels.filter { $0 > 0 }.map(Int.init)) == ids)
            for item in items {
                #expect(item["object"] as? Int == rows)
                #expect(Simulated2DModel.labelVocabulary.contains(item["label"] as? String ?? ""))
                rows += 1
            }
            let features = try Npy.read(folder.appendingPathComponent("pred2d/features/\(name).npy"))
            #expect(features.shape == [6, 8, 16])
        }
        #expect(try Npy.read(folder.appendingPathComponent("pred2d/objects.npy")).shape == [rows, 16])
        let poses = try String(contentsOf: folder.appendingPathComponent("gt/poses.txt"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(poses.count == 3 && poses.allSatisfy { $0.split(separator: " ").count == 8 })
        let mesh = try Ply.read(folder.appendingPathComponent("gt/mesh.ply"))
        #expect(mesh.scalar(named: "instance") != nil && mesh.scalar(named: "semantic") != nil)
        #expect(mesh.colors.count == mesh.positions.count && mesh.triangleCount > 100)
        // numpy reads every .npy as written.
        let script = """
        import numpy as np, glob, sys
        files = sorted(glob.glob(sys.argv[1] + '/pred2d/**/*.npy', recursive=True))
        for f in files:
            a = np.load(f)
            assert a.dtype == np.float16, (f, a.dtype)
        print(len(files))
        """
        let python = try runProcess("python3", ["-c", script, folder.path])
        #expect(python.status == 0, "python3 failed: \(python.stderr)")
        #expect(python.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "4")
    }

    @Test(arguments: SynthPreset.allCases)
    func optionsRoundTripThroughJSON(preset: SynthPreset) throws {
        let folder = temporaryFolder("options")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("options.json")
        try Data(preset.options.jsonString().utf8).write(to: url)
        #expect(try SynthOptions.load(url) == preset.options)
    }

    @Test func unwritableDestinationIsATypedError() throws {
        let folder = temporaryFolder("blocked")
        defer { try? FileManager.default.removeItem(at: folder) }
        let blocker = folder.appendingPathComponent("scene")
        try Data("not a folder".utf8).write(to: blocker)
        #expect(throws: SceneSynthError.self) { try SynthWriter(options: tinyOptions(frames: 1)).write(seed: 1, to: blocker) }
    }

    @Test func invalidOptionsAreRejectedWithTheValue() {
        var o = SynthOptions()
        o.model2D.splitRate = 1.5
        #expect(throws: SceneSynthError.invalidOption(name: "model2D.splitRate", value: "1.5", expected: "0…1")) {
            try SynthWriter(options: o)
        }
        #expect(throws: SceneSynthError.self) { try SynthPreset.named("huge") }
    }
}
