import Foundation
import _TestSupport
import Testing
@testable import SceneIO

/// Writes a small valid video folder: `frames` frames of 16x12 with poses and pred2d for frame 0.
func makeVideoFolder(at url: URL, frames: Int = 3, colorFormat: VideoFolderWriter.ColorFormat = .jpeg) throws -> VideoFolderWriter {
    let intrinsics = CameraIntrinsicsFile(width: 16, height: 12, fx: 20, fy: 21, cx: 7.5, cy: 5.5, depthScale: 1000)
    let writer = try VideoFolderWriter(url: url, intrinsics: intrinsics)
    var poses: [TUMPose] = []
    for i in 0..<frames {
        var color = RGBImage(width: 16, height: 12)
        for y in 0..<12 { for x in 0..<16 { color[x, y] = SIMD3(UInt8(x * 16), UInt8(y * 20), UInt8(i * 40)) } }
        let depth = try GrayImage16(width: 16, height: 12, pixels: (0..<192).map { UInt16(1000 + $0 * 3 + i) })
        try writer.writeFrame(i, color: color, depth: depth, format: colorFormat)
        poses.append(TUMPose(timestamp: "\(i).0", translation: SIMD3(Double(i) * 0.1, 0, 1.5), rotationXYZW: SIMD4(0, 0, 0, 1)))
    }
    try writer.writePoses(TUMTrajectory(poses: poses))
    let mask = try GrayImage16(width: 16, height: 12, pixels: (0..<192).map { $0 < 96 ? 1 : 0 })
    try writer.writePred2D(0, mask: mask, instances: [Pred2DInstance(id: 1, label: "office chair", score: 0.83, object: 17)])
    return writer
}

@Suite struct VideoFolderTests {
    @Test func writtenFolderOpensWithEverything() throws {
        let dir = try TemporaryDirectory()
        _ = try makeVideoFolder(at: dir.url)
        let video = try VideoFolder(dir.url)
        #expect(video.frames.count == 3)
        #expect(video.intrinsics.fy == 21 && video.intrinsics.depthScale == 1000)
        #expect(video.poses?.poses.count == 3)
        #expect(video.hasPred2D)
        #expect(video.frames[2].colorURL.lastPathComponent == "000002.jpg")
        let depth = try video.depth(1)
        #expect(depth[3, 0] == 1000 + 9 + 1)
        let color = try video.color(0)
        #expect(color.width == 16 && color.height == 12)
        #expect(try video.pred2DMask(0)?.pixels.first == 1)
        #expect(try video.pred2DInstances(0) == [Pred2DInstance(id: 1, label: "office chair", score: 0.83, object: 17)])
        #expect(try video.pred2DMask(1) == nil)
        // The intrinsics file uses the design's snake_case key.
        let json = try String(contentsOf: dir.file("intrinsics.json"), encoding: .utf8)
        #expect(json.contains("\"depth_scale\" : 1000"))
    }

    @Test func pngColorFramesAndNoOptionalParts() throws {
        let dir = try TemporaryDirectory()
        _ = try makeVideoFolder(at: dir.url, frames: 2, colorFormat: .png)
        try FileManager.default.removeItem(at: dir.file("poses.txt"))
        try FileManager.default.removeItem(at: dir.file("pred2d"))
        let video = try VideoFolder(dir.url)
        #expect(video.poses == nil && !video.hasPred2D)
        #expect(try video.color(1)[15, 11] == SIMD3(240, 220, 40))  // PNG is lossless
    }

    /// A 2D model output kept outside the video folder is read from there, and only from there.
    @Test func pred2dFolderElsewhere() throws {
        let dir = try TemporaryDirectory()
        _ = try makeVideoFolder(at: dir.url.appendingPathComponent("video"))
        let elsewhere = dir.url.appendingPathComponent("model-output")
        try FileManager.default.moveItem(at: dir.url.appendingPathComponent("video/pred2d"), to: elsewhere)
        let plain = try VideoFolder(dir.url.appendingPathComponent("video"))
        #expect(!plain.hasPred2D)
        #expect(try plain.pred2DMask(0) == nil)
        let video = try VideoFolder(dir.url.appendingPathComponent("video"), pred2d: elsewhere)
        #expect(video.hasPred2D && video.pred2dURL == elsewhere)
        #expect(try video.pred2DMask(0)?.pixels.first == 1)
        #expect(try video.pred2DInstances(0)?.first?.label == "office chair")
    }

    @Test func missingDepthNamesTheFrame() throws {
        let dir = try TemporaryDirectory()
        _ = try makeVideoFolder(at: dir.url)
        try FileManager.default.removeItem(at: dir.file("depth/000002.png"))
        #expect(throws: SceneIOError.missingFrameFile(url: dir.file("depth/000002.png"), frame: 2)) {
            try VideoFolder(dir.url)
        }
    }

    @Test func gapsAndDuplicatesInNumbering() throws {
        let dir = try TemporaryDirectory()
        _ = try makeVideoFolder(at: dir.url)
        try FileManager.default.moveItem(at: dir.file("color/000001.jpg"), to: dir.file("color/000007.jpg"))
        #expect(throws: SceneIOError.frameNumbering(url: dir.file("color"), expected: "000001", found: "000002")) {
            try VideoFolder(dir.url)
        }
        try FileManager.default.moveItem(at: dir.file("color/000007.jpg"), to: dir.file("color/000001.jpg"))
        try FileManager.default.copyItem(at: dir.file("depth/000001.png"), to: dir.file("color/000001.png"))
        #expect(performing: { try VideoFolder(dir.url) }, throws: { error in
            guard case .duplicateFrame(_, 1)? = error as? SceneIOError else { return false }
            return true
        })
    }

    @Test func sizesMustMatchIntrinsics() throws {
        let dir = try TemporaryDirectory()
        _ = try makeVideoFolder(at: dir.url)
        try PNG.write(try GrayImage16(width: 8, height: 12, pixels: [UInt16](repeating: 1, count: 96)), to: dir.file("depth/000001.png"))
        #expect(throws: SceneIOError.frameSizeMismatch(url: dir.file("depth/000001.png"), frame: 1, expectedWidth: 16,
                                                        expectedHeight: 12, actualWidth: 8, actualHeight: 12)) {
            try VideoFolder(dir.url)
        }
        // A JPEG of the wrong size is caught from its SOF header too.
        try JPEG.write(RGBImage(width: 16, height: 10), to: dir.file("color/000000.jpg"))
        #expect(performing: { try VideoFolder(dir.url) }, throws: { error in
            guard case .frameSizeMismatch(_, 0, 16, 12, 16, 10)? = error as? SceneIOError else { return false }
            return true
        })
    }

    @Test func badIntrinsicsAndPoseCounts() throws {
        let dir = try TemporaryDirectory()
        _ = try makeVideoFolder(at: dir.url)
        try Data(#"{"width": 16, "height": 12, "fx": -20, "fy": 21, "cx": 7.5, "cy": 5.5, "depth_scale": 1000}"#.utf8)
            .write(to: dir.file("intrinsics.json"))
        #expect(throws: SceneIOError.invalidIntrinsics(url: dir.file("intrinsics.json"), field: "fx", value: "-20.0",
                                                        expected: "a finite number > 0")) {
            try VideoFolder(dir.url)
        }
        try Data(#"{"width": 16, "height": 12, "fx": 20, "fy": 21, "cx": 7.5}"#.utf8).write(to: dir.file("intrinsics.json"))
        #expect(performing: { try VideoFolder(dir.url) }, throws: { error in
            guard case let .invalidJSON(url, reason)? = error as? SceneIOError else { return false }
            return url == dir.file("intrinsics.json") && reason.contains("cy")
        })
        try CameraIntrinsicsFile(width: 16, height: 12, fx: 20, fy: 21, cx: 7.5, cy: 5.5, depthScale: 1000)
            .write(to: dir.file("intrinsics.json"))
        try TUMTrajectory(poses: [TUMPose(timestamp: "0", translation: .zero, rotationXYZW: SIMD4(0, 0, 0, 1))])
            .write(to: dir.file("poses.txt"))
        #expect(throws: SceneIOError.poseCountMismatch(url: dir.file("poses.txt"), poses: 1, frames: 3)) {
            try VideoFolder(dir.url)
        }
        try FileManager.default.removeItem(at: dir.file("intrinsics.json"))
        #expect(performing: { try VideoFolder(dir.url) }, throws: { error in
            guard case .missingFile(let url, _)? = error as? SceneIOError else { return false }
            return url == dir.file("intrinsics.json")
        })
    }
}
