import Foundation
import _TestSupport
import SceneIO
import Testing

@Suite struct ImportTUMCommandTests {
    @Test func importsASequenceAndRejectsABadCamera() throws {
        let cli = try CLIRunner()
        let dir = try TemporaryDirectory("cli-tests")
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
        let dir = try TemporaryDirectory("cli-tests")
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
