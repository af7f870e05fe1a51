import Foundation
import _TestSupport
import Geometry
import Testing
@testable import SceneIO

/// Writes capture folders in ScanNet's export and Open3D's layouts, independently of the reader.
enum CaptureLayoutFixture {
    static func matrixText(_ m: [Double]) -> String {
        (0..<4).map { r in (0..<4).map { String(m[4 * r + $0]) }.joined(separator: " ") }.joined(separator: "\n") + "\n"
    }

    static func intrinsicMatrix(fx: Double, fy: Double, cx: Double, cy: Double) -> [Double] {
        [fx, 0, cx, 0, 0, fy, cy, 0, 0, 0, 1, 0, 0, 0, 0, 1]
    }

    static func translation(_ x: Double) -> [Double] { [1, 0, 0, x, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] }

    /// ScanNet export: depth 16×12, colour 32×24 (twice the focal length and principal point), frames `numbers`,
    /// pose nil → `-inf` matrix.
    static func scanNet(at url: URL, numbers: [Int], poses: [[Double]?]) throws {
        let fm = FileManager.default
        for dir in ["color", "depth", "pose", "intrinsic"] {
            try fm.createDirectory(at: url.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        try matrixText(intrinsicMatrix(fx: 14, fy: 14, cx: 7.5, cy: 5.5))
            .write(to: url.appendingPathComponent("intrinsic/intrinsic_depth.txt"), atomically: true, encoding: .utf8)
        try matrixText(intrinsicMatrix(fx: 28, fy: 28, cx: 15.5, cy: 11.5))
            .write(to: url.appendingPathComponent("intrinsic/intrinsic_color.txt"), atomically: true, encoding: .utf8)
        for (n, number) in numbers.enumerated() {
            try JPEG.write(RGBImage(width: 32, height: 24), to: url.appendingPathComponent("color/\(number).jpg"))
            let depth = try GrayImage16(width: 16, height: 12, pixels: [UInt16](repeating: 2000, count: 192))
            try PNG.write(depth, to: url.appendingPathComponent("depth/\(number).png"))
            let pose = poses[n].map(matrixText) ?? String(repeating: "-inf -inf -inf -inf\n", count: 4)
            try pose.write(to: url.appendingPathComponent("pose/\(number).txt"), atomically: true, encoding: .utf8)
        }
    }

    /// Open3D folder: `image/` and `depth/` 16×12, the column-major intrinsic JSON, optional trajectory.log.
    static func open3D(at url: URL, frames: Int, jsonSize: (Int, Int) = (16, 12), trajectory: [[Double]]?) throws {
        let fm = FileManager.default
        for dir in ["image", "depth"] { try fm.createDirectory(at: url.appendingPathComponent(dir), withIntermediateDirectories: true) }
        let json = #"{"width": \#(jsonSize.0), "height": \#(jsonSize.1), "intrinsic_matrix": [14, 0, 0, 0, 15, 0, 7.5, 5.5, 1]}"#
        try json.write(to: url.appendingPathComponent("camera_intrinsic.json"), atomically: true, encoding: .utf8)
        for i in 0..<frames {
            let stem = String(format: "%06d", i + 1)
            try PNG.write(RGBImage(width: 16, height: 12), to: url.appendingPathComponent("image/\(stem).png"))
            let depth = try GrayImage16(width: 16, height: 12, pixels: [UInt16](repeating: 1500, count: 192))
            try PNG.write(depth, to: url.appendingPathComponent("depth/\(stem).png"))
        }
        if let trajectory {
            let text = trajectory.enumerated().map { "\($0.offset) \($0.offset) \($0.offset + 1)\n" + matrixText($0.element) }.joined()
            try text.write(to: url.appendingPathComponent("trajectory.log"), atomically: true, encoding: .utf8)
        }
    }
}

@Suite struct RGBDFrameFolderTests {
    @Test func scanNetExportReadsBothCamerasInNumericOrderAndMarksInfinitePoses() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("scene0000_00")
        try CaptureLayoutFixture.scanNet(at: url, numbers: [0, 10, 100, 20],
                                         poses: [CaptureLayoutFixture.translation(0), CaptureLayoutFixture.translation(0.1), nil,
                                                 CaptureLayoutFixture.translation(0.2)])
        #expect(RGBDFrameFolder.detect(url) == .scanNetFrames)
        let folder = try RGBDFrameFolder(url)
        #expect(folder.frames.map(\.index) == [0, 10, 20, 100])
        #expect(folder.depthCamera.camera == PinholeIntrinsics(width: 16, height: 12, fx: 14, fy: 14, cx: 7.5, cy: 5.5))
        #expect(folder.depthCamera.depthScale == 1000)
        #expect(folder.colorCamera == PinholeIntrinsics(width: 32, height: 24, fx: 28, fy: 28, cx: 15.5, cy: 11.5))
        #expect(folder.framesWithoutPose == [100])
        #expect(folder.poses?[2]?[3] == 0.2)
        #expect(folder.colorFromDepth == nil)
        let info = try FileInfo.describe(url)
        #expect(info.text.contains("depth 16x12") && info.text.contains("color 32x24") && info.text.contains("1 non-finite"))
    }

    @Test func scanNetExportErrorsNameTheFileAndFrame() throws {
        let dir = try TemporaryDirectory()
        let poses = [[Double]?](repeating: CaptureLayoutFixture.translation(0), count: 3)
        // A depth image missing for colour frame 20.
        let missingDepth = dir.file("a")
        try CaptureLayoutFixture.scanNet(at: missingDepth, numbers: [0, 10, 20], poses: poses)
        try FileManager.default.removeItem(at: missingDepth.appendingPathComponent("depth/20.png"))
        #expect(throws: SceneIOError.missingFrameFile(url: missingDepth.appendingPathComponent("depth/20.png"), frame: 20)) {
            try RGBDFrameFolder(missingDepth)
        }
        // Fewer poses than frames.
        let fewerPoses = dir.file("b")
        try CaptureLayoutFixture.scanNet(at: fewerPoses, numbers: [0, 10, 20], poses: poses)
        try FileManager.default.removeItem(at: fewerPoses.appendingPathComponent("pose/10.txt"))
        #expect(throws: SceneIOError.poseCountMismatch(url: fewerPoses.appendingPathComponent("pose/10.txt"), poses: 2, frames: 3)) {
            try RGBDFrameFolder(fewerPoses)
        }
        // The colour intrinsics given for the depth camera: the principal point lies outside the depth image.
        let wrongIntrinsics = dir.file("c")
        try CaptureLayoutFixture.scanNet(at: wrongIntrinsics, numbers: [0, 10], poses: Array(poses.prefix(2)))
        let k = wrongIntrinsics.appendingPathComponent("intrinsic")
        try FileManager.default.removeItem(at: k.appendingPathComponent("intrinsic_depth.txt"))
        try FileManager.default.copyItem(at: k.appendingPathComponent("intrinsic_color.txt"), to: k.appendingPathComponent("intrinsic_depth.txt"))
        let wrong = #expect(throws: SceneIOError.self) { try RGBDFrameFolder(wrongIntrinsics) }
        if case let .invalidIntrinsics(url, field, value, expected) = wrong {
            #expect(url.lastPathComponent == "intrinsic_depth.txt" && field == "cx" && value == "15.5")
            #expect(expected.contains("0.png") && expected.contains("frame 0"))
        } else {
            Issue.record("expected invalidIntrinsics, got \(String(describing: wrong))")
        }
        // A malformed pose names its line.
        try "1 0 0\n".write(to: fewerPoses.appendingPathComponent("pose/10.txt"), atomically: true, encoding: .utf8)
        #expect(throws: SceneIOError.unreadable(url: fewerPoses.appendingPathComponent("pose/10.txt"),
                                                reason: "1 rows; a 4×4 matrix has 4")) { try RGBDFrameFolder(fewerPoses) }
    }

    @Test func open3DFolderReadsColumnMajorIntrinsicsAndTrajectory() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("redwood")
        let trajectory = [CaptureLayoutFixture.translation(0), CaptureLayoutFixture.translation(0.5),
                          [Double](repeating: .nan, count: 16)]
        try CaptureLayoutFixture.open3D(at: url, frames: 3, trajectory: trajectory)
        #expect(RGBDFrameFolder.detect(url) == .open3D)
        let folder = try RGBDFrameFolder(url)
        #expect(folder.depthCamera.camera == PinholeIntrinsics(width: 16, height: 12, fx: 14, fy: 15, cx: 7.5, cy: 5.5))
        #expect(folder.frames.map(\.colorURL.lastPathComponent) == ["000001.png", "000002.png", "000003.png"])
        #expect(folder.poses?[1]?[3] == 0.5)
        #expect(folder.framesWithoutPose == [2])
        #expect(try FileInfo.describe(url).json.contains("\"kind\" : \"open3d\""))
    }

    @Test func open3DFolderErrors() throws {
        let dir = try TemporaryDirectory()
        // trajectory.log with fewer poses than frames.
        let short = dir.file("short")
        try CaptureLayoutFixture.open3D(at: short, frames: 3, trajectory: [CaptureLayoutFixture.translation(0)])
        #expect(throws: SceneIOError.poseCountMismatch(url: short.appendingPathComponent("trajectory.log"), poses: 1, frames: 3)) {
            try RGBDFrameFolder(short)
        }
        // The JSON states a size the images do not have.
        let size = dir.file("size")
        try CaptureLayoutFixture.open3D(at: size, frames: 2, jsonSize: (640, 480), trajectory: nil)
        let sizeError = #expect(throws: SceneIOError.self) { try RGBDFrameFolder(size) }
        if case let .invalidIntrinsics(url, field, value, _) = sizeError {
            #expect(url.lastPathComponent == "camera_intrinsic.json" && field == "width/height" && value == "640×480")
        } else {
            Issue.record("expected invalidIntrinsics, got \(String(describing: sizeError))")
        }
        // Colour and depth frame counts differ.
        let counts = dir.file("counts")
        try CaptureLayoutFixture.open3D(at: counts, frames: 3, trajectory: nil)
        try FileManager.default.removeItem(at: counts.appendingPathComponent("depth/000003.png"))
        let countError = #expect(throws: SceneIOError.self) { try RGBDFrameFolder(counts) }
        if case let .missingFrameFile(url, frame) = countError {
            #expect(frame == 2 && url.path.contains("/depth/"))
        } else {
            Issue.record("expected missingFrameFile, got \(String(describing: countError))")
        }
    }
}
