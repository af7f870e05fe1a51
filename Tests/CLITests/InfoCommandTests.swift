import Foundation
import SceneIO
import Testing

/// `ovseg3r info` end to end: files written by SceneIO, described by the built executable.
@Suite struct InfoCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func describesAnNpyFile() throws {
        let cli = try CLIRunner()
        let dir = try ScratchDirectory()
        let url = dir.file("coord.npy")
        try Npy.write([Float](repeating: 0.5, count: 30), shape: [10, 3], to: url)
        let text = try cli.succeed(["info", url.path])
        #expect(text.contains("float32") && text.contains("(10, 3)"))
        let info = try json(try cli.succeed(["info", url.path, "--json"]))
        #expect(info["kind"] as? String == "npy")
        #expect(info["dtype"] as? String == "float32")
        #expect(info["shape"] as? [Int] == [10, 3])
    }

    @Test func describesAPlyFile() throws {
        let cli = try CLIRunner()
        let dir = try ScratchDirectory()
        let url = dir.file("mesh.ply")
        let mesh = PlyMesh(positions: [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(0, 1, 0)],
                           colors: [SIMD3(255, 0, 0), SIMD3(0, 255, 0), SIMD3(0, 0, 255)],
                           scalars: [PlyScalarProperty(name: "instance", type: .int, values: [1, 1, 2])], faces: [0, 1, 2])
        try Ply.write(mesh, to: url)
        let text = try cli.succeed(["info", url.path])
        #expect(text.contains("binary_little_endian") && text.contains("vertex: 3") && text.contains("instance (int)"))
        let info = try json(try cli.succeed(["info", "--json", url.path]))
        #expect(info["kind"] as? String == "ply")
        #expect(info["vertices"] as? Int == 3 && info["faces"] as? Int == 1)
    }

    @Test func describesVideoAndSceneFolders() throws {
        let cli = try CLIRunner()
        let dir = try ScratchDirectory()
        let video = dir.file("video")
        let writer = try VideoFolderWriter(url: video, intrinsics: CameraIntrinsicsFile(
            width: 8, height: 6, fx: 10, fy: 10, cx: 3.5, cy: 2.5, depthScale: 1000))
        for i in 0..<2 {
            try writer.writeFrame(i, color: RGBImage(width: 8, height: 6),
                                  depth: GrayImage16(width: 8, height: 6, pixels: [UInt16](repeating: 1500, count: 48)))
        }
        let videoInfo = try json(try cli.succeed(["info", video.path, "--json"]))
        #expect(videoInfo["kind"] as? String == "video")
        #expect(videoInfo["frames"] as? Int == 2 && videoInfo["width"] as? Int == 8)
        #expect(videoInfo["poses"] as? Bool == false && videoInfo["pred2d"] as? Bool == false)
        #expect(try cli.succeed(["info", video.path]).contains("2 frames of 8x6"))

        var scene = try SceneFolder.create(at: dir.file("scene"), provenance: ["tool": "cli test"])
        try scene.write([Float](repeating: 1, count: 12), shape: [4, 3], named: "coord")
        try scene.write([1, 1, 2, 2] as [Int32], shape: [4], named: "superpoints")
        let sceneInfo = try json(try cli.succeed(["info", scene.url.path, "--json"]))
        #expect(sceneInfo["kind"] as? String == "scene")
        let arrays = try #require(sceneInfo["arrays"] as? [String: [String: Any]])
        #expect(arrays["coord"]?["dtype"] as? String == "float32")
        #expect(arrays["superpoints"]?["shape"] as? [Int] == [4])
        let text = try cli.succeed(["info", scene.url.path])
        #expect(text.contains("coord: float32 (4, 3)") && text.contains("superpoints: int32 (4,)"))
    }

    @Test func badInputsExitNonZeroNamingTheFile() throws {
        let cli = try CLIRunner()
        let dir = try ScratchDirectory()
        let truncated = dir.file("cut.npy")
        let bytes = Npy.encode(try NpyArray([Float](repeating: 2, count: 8), shape: [8]))
        try Data(bytes.dropLast(3)).write(to: truncated)
        let notes = dir.file("notes.txt")
        try Data("hello".utf8).write(to: notes)
        let brokenVideo = dir.file("video")
        try FileManager.default.createDirectory(at: brokenVideo, withIntermediateDirectories: true)
        try Data(#"{"width": 8}"#.utf8).write(to: brokenVideo.appendingPathComponent("intrinsics.json"))
        let cases: [(URL, String)] = [
            (truncated, "truncated"),
            (notes, "unknown file type"),
            (dir.file("missing.ply"), "missing"),
            (brokenVideo.appendingPathComponent("intrinsics.json"), "unknown file type"),
            (brokenVideo, "height"),
        ]
        for (url, mention) in cases {
            let result = try cli.run(["info", url.path])
            #expect(result.status != 0, "\(url.path) should fail")
            #expect(result.stderr.contains(url.path), "stderr should name \(url.path): \(result.stderr)")
            #expect(result.stderr.contains(mention), "stderr should mention '\(mention)': \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func helpListsTheCommands() throws {
        let result = try CLIRunner().run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("info") && result.stdout.contains("bench"))
    }
}

@Suite struct BenchIOCommandTests {
    @Test func tinyRunReportsEveryFigure() throws {
        let result = try CLIRunner().run(["bench", "io", "--points", "1000", "--vertices", "200", "--faces", "300",
                                          "--repeat", "1", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let figures = try #require(object)
        for key in ["npy_write_fresh_s", "npy_write_overwrite_s", "npy_read_s", "ply_write_s", "ply_read_s"] {
            let seconds = try #require(figures[key] as? Double, "missing \(key)")
            #expect(seconds > 0 && seconds < 10)
        }
        #expect(figures["faces"] as? Int == 300)
    }
}

@Suite struct ImportTUMCommandTests {
    @Test func importsASequenceAndRejectsABadCamera() throws {
        let cli = try CLIRunner()
        let dir = try ScratchDirectory()
        let sequence = dir.file("seq")
        // A two-frame 640x480 sequence: the benchmark's calibrations are for that size.
        try FileManager.default.createDirectory(at: sequence.appendingPathComponent("rgb"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: sequence.appendingPathComponent("depth"), withIntermediateDirectories: true)
        var rgb = "", depth = ""
        for i in 0..<2 {
            try PNG.write(RGBImage(width: 640, height: 480), to: sequence.appendingPathComponent("rgb/\(i).png"))
            try PNG.write(try GrayImage16(width: 640, height: 480, pixels: [UInt16](repeating: 7000, count: 640 * 480)),
                          to: sequence.appendingPathComponent("depth/\(i).png"))
            rgb += "\(10 + i).000000 rgb/\(i).png\n"
            depth += "\(10 + i).010000 depth/\(i).png\n"
        }
        try Data(rgb.utf8).write(to: sequence.appendingPathComponent("rgb.txt"))
        try Data(depth.utf8).write(to: sequence.appendingPathComponent("depth.txt"))
        let video = dir.file("video")
        let out = try cli.succeed(["import", "tum", sequence.path, "--out", video.path, "--camera", "fr3"])
        #expect(out.contains("2 frames"))
        let info = try cli.succeed(["info", video.path])
        #expect(info.contains("2 frames of 640x480") && info.contains("fx 535.4"))
        let bad = try cli.run(["import", "tum", sequence.path, "--out", video.path, "--camera", "kinect9"])
        #expect(bad.status != 0 && bad.stderr.contains("kinect9"))
        let missing = try cli.run(["import", "tum", dir.file("nothing").path, "--out", video.path])
        #expect(missing.status != 0 && missing.stderr.contains(dir.file("nothing").path))
    }
}

@Suite struct ImportScanNetCommandTests {
    @Test func importsASensFileWithStride() throws {
        let cli = try CLIRunner()
        let dir = try ScratchDirectory()
        let identity: [Float] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
        let header = ScanNetSensFile.Header(
            version: 4, sensorName: "test", colorIntrinsics: [16, 0, 7.5, 0, 0, 16, 5.5, 0, 0, 0, 1, 0, 0, 0, 0, 1],
            colorExtrinsics: identity, depthIntrinsics: [16, 0, 7.5, 0, 0, 16, 5.5, 0, 0, 0, 1, 0, 0, 0, 0, 1],
            depthExtrinsics: identity, colorCompression: 2, depthCompression: 1, colorWidth: 16, colorHeight: 12,
            depthWidth: 16, depthHeight: 12, depthShift: 1000)
        var frames: [ScanNetSensFile.FrameInput] = []
        for _ in 0..<5 {
            let depth = try GrayImage16(width: 16, height: 12, pixels: [UInt16](repeating: 2000, count: 192))
            frames.append(ScanNetSensFile.FrameInput(cameraToWorld: identity, color: RGBImage(width: 16, height: 12), depth: depth))
        }
        let sens = dir.file("scene.sens")
        try ScanNetSensFile.write(header: header, frames: frames, to: sens)
        let video = dir.file("video")
        let out = try cli.succeed(["import", "scannet", sens.path, "--out", video.path, "--stride", "2"])
        #expect(out.contains("3 frames of 16x12"))
        #expect(try VideoFolder(video).poses?.poses.count == 3)
        try Data("not a sens file".utf8).write(to: dir.file("bad.sens"))
        let bad = try cli.run(["import", "scannet", dir.file("bad.sens").path, "--out", dir.file("v2").path])
        #expect(bad.status != 0 && bad.stderr.contains(dir.file("bad.sens").path))
    }
}
