import Foundation
import _TestSupport
import SceneIO
import Testing

/// tools/adapters: COCO-RLE JSON and PNG id maps → pred2d/. A SceneSynth pred2d is exported to each format and
/// converted back; the result must equal the original, and `ovseg3r prepare --pred2d` must lift it.
@Suite struct AdapterTests {
    static let adapters = PrepareTestSupport.tools.appendingPathComponent("adapters")

    static func script(_ name: String) -> String { adapters.appendingPathComponent(name).path }

    /// Masks pixel for pixel (decoded by SceneIO's libpng reader) and instances without the optional object row.
    static func expectSamePred2D(_ converted: URL, as original: URL, frames: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for frame in 0..<frames {
            let stem = VideoFrame.stem(frame)
            let a = try PNG.readGray16(original.appendingPathComponent("masks/\(stem).png"))
            let b = try PNG.readGray16(converted.appendingPathComponent("masks/\(stem).png"))
            #expect(a.width == b.width && a.height == b.height && a.pixels == b.pixels, "frame \(frame) mask differs",
                    sourceLocation: sourceLocation)
            var expected = try JSONFile.read([Pred2DInstance].self, from: original.appendingPathComponent("instances/\(stem).json"))
            for i in expected.indices { expected[i].object = nil }
            let actual = try JSONFile.read([Pred2DInstance].self, from: converted.appendingPathComponent("instances/\(stem).json"))
            #expect(actual == expected, "frame \(frame) instances differ", sourceLocation: sourceLocation)
        }
    }

    @Test func cocoAndPNGExportsConvertBackExactlyAndLift() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let frames = 4
        let video = try PrepareTestSupport.synthVideos(cli, in: scratch.file("videos"), count: 1, frames: frames, seed: 9)[0]
        let original = video.appendingPathComponent("pred2d")
        // Each route runs twice for PNG: with Pillow's decoder where Python has it, and with our numpy decoder.
        let routes: [(name: String, export: [String], convert: (URL) -> [String], environment: [String: String])] = [
            ("coco", ["coco", video.path, "--out", scratch.file("coco.json").path],
             { [Self.script("coco_to_pred2d.py"), scratch.file("coco.json").path, "--video", video.path, "--out", $0.path] }, [:]),
            ("coco-uncompressed", ["coco", video.path, "--out", scratch.file("plain.json").path, "--uncompressed"],
             { [Self.script("coco_to_pred2d.py"), scratch.file("plain.json").path, "--video", video.path, "--out", $0.path] }, [:]),
            ("png", ["png", video.path, "--out", scratch.file("ids").path],
             { [Self.script("pngids_to_pred2d.py"), scratch.file("ids/masks").path, "--labels", scratch.file("ids/labels.csv").path,
                "--video", video.path, "--out", $0.path] }, [:]),
            ("png-numpy", ["png", video.path, "--out", scratch.file("ids").path],
             { [Self.script("pngids_to_pred2d.py"), scratch.file("ids/masks").path, "--labels", scratch.file("ids/labels.csv").path,
                "--video", video.path, "--out", $0.path] }, ["OVSEG3R_ADAPTERS_NO_PILLOW": "1"]),
        ]
        for route in routes {
            let exported = try PrepareTestSupport.python([Self.script("export_pred2d.py")] + route.export)
            try #require(exported.status == 0, "export \(route.name): \(exported.stderr)")
            let converted = scratch.file("pred2d-\(route.name)")
            let result = try PrepareTestSupport.python(route.convert(converted), environment: route.environment)
            try #require(result.status == 0, "convert \(route.name): \(result.stderr)")
            try Self.expectSamePred2D(converted, as: original, frames: frames)
        }

        // The converted output drives superpoints and lift through --pred2d, and the scene records where it came from.
        let scene = scratch.file("scene")
        let prepared = try cli.run(["prepare", video.path, "--out", scene.path, "--pred2d", scratch.file("pred2d-png").path, "--json"])
        try #require(prepared.status == 0, "prepare --pred2d failed: \(prepared.stderr.suffix(3000))")
        #expect((try PrepareTestSupport.lastJSONObject(prepared.stdout)["view_instances"] as? Int ?? 0) > 0)
        let folder = try SceneFolder(scene)
        #expect(folder.manifest.provenance["pred2d"] == scratch.file("pred2d-png").standardizedFileURL.path)
        #expect(folder.manifest.provenance["lift"]?.contains("pred2d=") == true)
    }

    /// A hand-encoded compressed RLE: counts [3, 2, 3066, 1] over a 48×64 frame (column-major) are "3", "2",
    /// 3066 = 26 + 31·32 + 2·1024 → groups 'j' 'o' '2', and 1 − 2 = −1 → 'O'. Pixels (x 0, y 3), (0, 4), (63, 47).
    @Test func decodesAHandEncodedCompressedRLEAndNamesBadFiles() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let video = try PrepareTestSupport.synthVideos(cli, in: scratch.file("videos"), count: 1, frames: 3)[0]
        func annotation(_ file: String, size: [Int], counts: String) -> [String: Any] {
            ["file_name": file, "label": "desk lamp", "score": 0.5, "segmentation": ["size": size, "counts": counts]]
        }
        func convert(_ annotations: [[String: Any]]) throws -> CLIRunner.Result {
            let input = scratch.file("in.json")
            try JSONSerialization.data(withJSONObject: annotations).write(to: input)
            return try PrepareTestSupport.python([Self.script("coco_to_pred2d.py"), input.path, "--video", video.path,
                                                  "--out", scratch.file("out").path])
        }
        let ok = try convert([annotation("color/frame-2.jpg", size: [48, 64], counts: "32jo2O")])
        try #require(ok.status == 0, "\(ok.stderr)")
        let mask = try PNG.readGray16(scratch.file("out/masks/000002.png"))
        let set = mask.pixels.indices.filter { mask.pixels[$0] != 0 }.map { ($0 % mask.width, $0 / mask.width) }
        #expect(set.map { "\($0.0),\($0.1)" } == ["0,3", "0,4", "63,47"])
        let instances = try JSONFile.read([Pred2DInstance].self, from: scratch.file("out/instances/000002.json"))
        #expect(instances == [Pred2DInstance(id: 1, label: "desk lamp", score: 0.5)])

        let wrongSize = try convert([annotation("000001.jpg", size: [64, 48], counts: "PP3")])
        #expect(wrongSize.status != 0 && wrongSize.stderr.contains("in.json: annotation 0")
                && wrongSize.stderr.contains("intrinsics.json says 64x48"), "\(wrongSize.stderr)")
        let unmatched = try convert([annotation("kitchen.jpg", size: [48, 64], counts: "32jo2O")])
        #expect(unmatched.status != 0 && unmatched.stderr.contains("cannot tell which frame 'kitchen.jpg'"), "\(unmatched.stderr)")
        let beyond = try convert([annotation("000007.jpg", size: [48, 64], counts: "32jo2O")])
        #expect(beyond.status != 0 && beyond.stderr.contains("has only 3 frames"), "\(beyond.stderr)")

        // A PNG id map whose id 2 has no row in the label table.
        let ids = scratch.file("ids")
        try FileManager.default.createDirectory(at: ids, withIntermediateDirectories: true)
        var pixels = [UInt16](repeating: 0, count: 64 * 48)
        pixels[10] = 1
        pixels[20] = 2
        try PNG.write(try GrayImage16(width: 64, height: 48, pixels: pixels), to: ids.appendingPathComponent("000000.png"))
        try Data("id,label,score\n1,chair,0.9\n".utf8).write(to: scratch.file("labels.csv"))
        let missing = try PrepareTestSupport.python([Self.script("pngids_to_pred2d.py"), ids.path, "--labels",
                                                     scratch.file("labels.csv").path, "--video", video.path,
                                                     "--out", scratch.file("out2").path])
        #expect(missing.status != 0 && missing.stderr.contains("000000.png: id 2 has pixels but no row"), "\(missing.stderr)")

        // An RGB id map (id = R + 256 G + 65536 B, COCO panoptic style) with a JSON {id: {label, score}} table whose
        // ids hold in every frame: id 300 is (44, 1, 0).
        let rgbDir = scratch.file("rgb")
        try FileManager.default.createDirectory(at: rgbDir, withIntermediateDirectories: true)
        var rgb = [UInt8](repeating: 0, count: 64 * 48 * 3)
        for pixel in [5, 6, 64 + 5] { rgb[3 * pixel] = 44; rgb[3 * pixel + 1] = 1 }
        try PNG.write(try RGBImage(width: 64, height: 48, pixels: rgb), to: rgbDir.appendingPathComponent("frame-1.png"))
        try Data(#"{"300": {"label": "shelf", "score": 0.7}, "4": "lamp"}"#.utf8).write(to: scratch.file("table.json"))
        let panoptic = try PrepareTestSupport.python([Self.script("pngids_to_pred2d.py"), rgbDir.path, "--labels",
                                                      scratch.file("table.json").path, "--video", video.path,
                                                      "--out", scratch.file("out3").path])
        try #require(panoptic.status == 0, "\(panoptic.stderr)")
        let panopticIDs = try PNG.readGray16(scratch.file("out3/masks/000001.png"))
        #expect(panopticIDs.pixels.indices.filter { panopticIDs.pixels[$0] != 0 } == [5, 6, 69] && panopticIDs.pixels[5] == 300)
        let rows = try JSONFile.read([Pred2DInstance].self, from: scratch.file("out3/instances/000001.json"))
        #expect(rows == [Pred2DInstance(id: 300, label: "shelf", score: 0.7)], "ids without pixels are left out of a global table")
    }
}
