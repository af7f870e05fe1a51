import Foundation
import _TestSupport
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
        let dir = try TemporaryDirectory("cli-tests")
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
        let dir = try TemporaryDirectory("cli-tests")
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
        let dir = try TemporaryDirectory("cli-tests")
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
        let dir = try TemporaryDirectory("cli-tests")
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
