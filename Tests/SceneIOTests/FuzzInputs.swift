import Foundation
import SceneIO

/// The untrusted-input formats the fuzz targets exercise (`tools/fuzz/build.sh`), each fed to the reader the
/// toolkit really uses. This file is compiled twice: into SceneIOTests, where `FuzzCorpusTests` replays the
/// regression corpus `Tests/Fixtures/fuzz/<format>/`, and into the libFuzzer binary, so both run the same code.
enum FuzzFormat: String, CaseIterable, Sendable {
    case npy, ply, png, jpeg, sens, tumList = "tum-list", trajectory, pred2d, sceneJSON = "scene-json"
    /// A tiny scene folder with some files replaced or removed, read through every contract type
    /// (`FuzzSceneContract`).
    case sceneContract = "scene-contract"
}

enum FuzzInputs {
    /// Feeds `bytes` to the reader of `format`, using `scratch` (an existing folder of this process) for the
    /// readers that take a path. A typed error is a correct answer; returns whether the input was accepted.
    /// Only a crash, a sanitizer report or a hang is a finding.
    static func parse(_ bytes: [UInt8], as format: FuzzFormat, scratch: URL) -> Bool {
        let url = scratch.appendingPathComponent("input")
        do {
            switch format {
            case .npy:
                _ = try Npy.decode(bytes, url: url)
            case .png:
                _ = try PNG.decode(bytes, url: url)
            case .jpeg:
                _ = try JPEG.decode(bytes, url: url)
            case .ply:
                try Data(bytes).write(to: url)
                _ = try Ply.read(url)
            case .sens:
                try Data(bytes).write(to: url)
                _ = try ScanNetSensFile(url)
            case .trajectory:
                _ = try TUMTrajectory.parse(String(decoding: bytes, as: UTF8.self), url: url)
            case .tumList:
                let folder = scratch.appendingPathComponent("tum")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data(bytes).write(to: folder.appendingPathComponent("rgb.txt"))
                try Data(bytes).write(to: folder.appendingPathComponent("depth.txt"))
                _ = try TUMRGBDSequence(folder)
            case .pred2d:
                let video = try tinyVideo(in: scratch)
                try Data(bytes).write(to: video.appendingPathComponent("pred2d/instances/000000.json"))
                _ = try VideoFolder(video).pred2DInstances(0)
            case .sceneJSON:
                let folder = scratch.appendingPathComponent("scene")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data(bytes).write(to: folder.appendingPathComponent("scene.json"))
                _ = try SceneFolder(folder)
            case .sceneContract:
                return try FuzzSceneContract.parse(bytes, scratch: scratch)
            }
            return true
        } catch {
            return false
        }
    }

    /// A one-frame video folder with a `pred2d/` whose instance file the fuzzer replaces (made once per scratch).
    static func tinyVideo(in scratch: URL) throws -> URL {
        let video = scratch.appendingPathComponent("video")
        if FileManager.default.fileExists(atPath: video.appendingPathComponent("pred2d/masks/000000.png").path) { return video }
        let writer = try VideoFolderWriter(url: video, intrinsics: CameraIntrinsicsFile(width: 4, height: 3, fx: 4, fy: 4, cx: 2, cy: 1.5,
                                                                                       depthScale: 1000))
        try writer.writeFrame(0, color: RGBImage(width: 4, height: 3),
                              depth: GrayImage16(width: 4, height: 3, pixels: [UInt16](repeating: 1000, count: 12)), format: .png)
        try writer.writePred2D(0, mask: GrayImage16(width: 4, height: 3, pixels: [UInt16](repeating: 1, count: 12)),
                               instances: [Pred2DInstance(id: 1, label: "chair", score: 0.9)])
        return video
    }
}
