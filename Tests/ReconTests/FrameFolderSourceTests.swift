import Foundation
import _TestSupport
import Geometry
import SceneIO
import Testing
@testable import Recon

/// The box room in ScanNet's export layout: depth 32×24, colour 64×48 (the same optical centre, twice the
/// focal length), frames numbered 0, 10, 20, …; `lostPose` frames get ScanNet's `-inf` pose.
enum ScanNetExportFixture {
    static let depthCamera = PinholeIntrinsics(width: 32, height: 24, fx: 26, fy: 26, cx: 15.5, cy: 11.5)
    static let colorCamera = PinholeIntrinsics(width: 64, height: 48, fx: 52, fy: 52, cx: 31.5, cy: 23.5)

    static func pose(_ n: Int) -> RigidTransform {
        let yaw = 0.08 * Double(n)
        return BoxRoom.camera(at: SIMD3(2, 1.5, 1.2), looking: SIMD3(cos(yaw), sin(yaw), -0.1))
    }

    static func text(_ m: [Double]) -> String {
        (0..<4).map { r in (0..<4).map { String(m[4 * r + $0]) }.joined(separator: " ") }.joined(separator: "\n") + "\n"
    }

    static func intrinsic(_ k: PinholeIntrinsics) -> [Double] { [k.fx, 0, k.cx, 0, 0, k.fy, k.cy, 0, 0, 0, 1, 0, 0, 0, 0, 1] }

    @discardableResult
    static func write(to url: URL, frames: Int, lostPose: Set<Int> = [], depthUnitsPerMetre: Double = 1000) throws -> URL {
        for dir in ["color", "depth", "pose", "intrinsic"] {
            try FileManager.default.createDirectory(at: url.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        try text(intrinsic(depthCamera)).write(to: url.appendingPathComponent("intrinsic/intrinsic_depth.txt"), atomically: true, encoding: .utf8)
        try text(intrinsic(colorCamera)).write(to: url.appendingPathComponent("intrinsic/intrinsic_color.txt"), atomically: true, encoding: .utf8)
        for n in 0..<frames {
            let number = 10 * n, pose = pose(n)
            let depth = BoxRoom.render(worldFromCamera: pose, intrinsics: depthCamera).depth
                .map { UInt16(min(65535, (Double($0) * depthUnitsPerMetre / BoxRoom.depthScale).rounded())) }
            let color = BoxRoom.render(worldFromCamera: pose, intrinsics: colorCamera).color
            try JPEG.write(color, to: url.appendingPathComponent("color/\(number).jpg"), quality: 98)
            try PNG.write(try GrayImage16(width: depthCamera.width, height: depthCamera.height, pixels: depth),
                          to: url.appendingPathComponent("depth/\(number).png"))
            let poseText = lostPose.contains(number) ? String(repeating: "-inf -inf -inf -inf\n", count: 4) : text(pose.matrix4x4)
            try poseText.write(to: url.appendingPathComponent("pose/\(number).txt"), atomically: true, encoding: .utf8)
        }
        return url
    }
}

@Suite struct FrameFolderSourceTests {
    @Test func colourIsRegisteredIntoTheDepthCameraByTheIntrinsicsGiven() throws {
        let pose = ScanNetExportFixture.pose(1)
        let atDepth = BoxRoom.render(worldFromCamera: pose, intrinsics: ScanNetExportFixture.depthCamera)
        let big = BoxRoom.render(worldFromCamera: pose, intrinsics: ScanNetExportFixture.colorCamera).color
        let registered = ColorRegistration.register(big, colorCamera: ScanNetExportFixture.colorCamera, depth: atDepth.depth,
                                                    depthCamera: ScanNetExportFixture.depthCamera,
                                                    depthScale: BoxRoom.depthScale, colorFromDepth: .identity)
        func meanDifference(_ image: RGBImage) -> Double {
            Double(zip(image.pixels, atDepth.color.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +)) / Double(image.pixels.count)
        }
        // The control: colour taken at the depth pixel's own coordinates (the intrinsics ignored).
        var cropped = RGBImage(width: 32, height: 24)
        for v in 0..<24 { for u in 0..<32 { cropped[u, v] = big[u, v] } }
        let good = meanDifference(registered)
        #expect(good < 4, "registered colour differs by \(good) grey levels from the depth-camera render")
        #expect(meanDifference(cropped) > 3 * good + 4, "the wrong registration (a crop) should differ clearly")
    }

    @Test func scanNetExportReconstructsAndReportsLostPoses() throws {
        let folder = try TemporaryDirectory("scannet-frames")
        let input = try ScanNetExportFixture.write(to: folder.file("scene0000_00"), frames: 5, lostPose: [20])
        let source = try RGBDInput.open(input)
        #expect(source.kind == .scanNetFrames)
        #expect(source.intrinsics == ScanNetExportFixture.depthCamera)
        #expect(source.devicePoses?.map { $0 == nil } == [false, false, true, false, false])
        var options = fastOptions()
        options.poseMode = .given
        let result = try Reconstruction.run(source: source, output: folder.file("scene"), options: options)
        #expect(result.summary.framesUsed == 4)
        #expect(result.summary.framesDropped == ["no_pose": 1])
        #expect(result.summary.skippedFrames == [ReconSummary.SkippedFrame(frame: 2, file: "pose/20.txt", reason: "no finite device pose")])
        #expect(result.summary.text.contains("skipped frame 2 (pose/20.txt)"))
        #expect(result.viewFrames == [0, 1, 3, 4])
        #expect(result.summary.points > 100)
    }

    @Test func depthInAnotherUnitIsAClearErrorAndDepthScaleFixesIt() throws {
        let folder = try TemporaryDirectory("depth-unit")
        // 0.1 mm units (10,000 per metre) where the export says millimetres: a room ten times too large.
        let input = try ScanNetExportFixture.write(to: folder.file("tenth-mm"), frames: 3, depthUnitsPerMetre: 10_000)
        var options = fastOptions()
        options.poseMode = .given
        let unitError = #expect(throws: ReconError.self) {
            try Reconstruction.run(input: input, output: folder.file("scene"), options: options)
        }
        if case let .implausibleDepth(url, frame, median, scale) = unitError {
            #expect(url.lastPathComponent == "0.jpg" && frame == 0 && scale == 1000)
            #expect(median > 15 && median < 60)
            #expect(unitError?.description.contains("--depth-scale 10000") == true)
        } else {
            Issue.record("expected implausibleDepth, got \(String(describing: unitError))")
        }
        options.input.depthScale = 10_000
        let result = try Reconstruction.run(input: input, output: folder.file("scene"), options: options)
        #expect(result.summary.framesUsed == 3)
    }

    @Test func open3DFolderReconstructsWithItsTrajectory() throws {
        let folder = try TemporaryDirectory("open3d")
        let url = folder.file("livingroom")
        for dir in ["color", "depth"] { try FileManager.default.createDirectory(at: url.appendingPathComponent(dir), withIntermediateDirectories: true) }
        let k = ScanNetExportFixture.depthCamera
        let json = #"{"width": \#(k.width), "height": \#(k.height), "intrinsic_matrix": [\#(k.fx), 0, 0, 0, \#(k.fy), 0, \#(k.cx), \#(k.cy), 1]}"#
        try json.write(to: url.appendingPathComponent("camera_intrinsic.json"), atomically: true, encoding: .utf8)
        var log = ""
        for n in 0..<4 {
            let frame = BoxRoom.render(worldFromCamera: ScanNetExportFixture.pose(n), intrinsics: k)
            let stem = String(format: "%06d", n)
            try PNG.write(frame.color, to: url.appendingPathComponent("color/\(stem).png"))
            try PNG.write(try GrayImage16(width: k.width, height: k.height, pixels: frame.depth), to: url.appendingPathComponent("depth/\(stem).png"))
            let m = n == 1 ? [Double](repeating: .nan, count: 16) : ScanNetExportFixture.pose(n).matrix4x4
            log += "\(n) \(n) \(n + 1)\n" + ScanNetExportFixture.text(m)
        }
        try log.write(to: url.appendingPathComponent("trajectory.log"), atomically: true, encoding: .utf8)
        let source = try RGBDInput.open(url)
        #expect(source.kind == .open3D && source.intrinsics == k)
        var options = fastOptions()
        options.poseMode = .given
        let result = try Reconstruction.run(source: source, output: folder.file("scene"), options: options)
        #expect(result.viewFrames == [0, 2, 3])
        #expect(result.summary.skippedFrames.map(\.file) == ["trajectory.log"])
        let expected = ScanNetExportFixture.pose(2)
        #expect(result.poses[1].translationDistance(to: expected) < 1e-9)
    }

    @Test func badCaptureFoldersNameTheFileAndFrame() throws {
        let folder = try TemporaryDirectory("bad-frames")
        let fewer = try ScanNetExportFixture.write(to: folder.file("fewer"), frames: 3)
        try FileManager.default.removeItem(at: fewer.appendingPathComponent("pose/10.txt"))
        #expect(throws: ReconError.malformedFile(url: fewer.appendingPathComponent("pose/10.txt"), line: nil,
                                                 reason: "2 poses for 3 frames")) { try RGBDInput.open(fewer) }
        let counts = try ScanNetExportFixture.write(to: folder.file("counts"), frames: 3)
        try FileManager.default.removeItem(at: counts.appendingPathComponent("color/20.jpg"))
        #expect(throws: ReconError.unreadableFrame(url: counts.appendingPathComponent("color/20.jpg"), index: 20,
                                                   reason: "the file is missing (colour and depth frames must pair up)")) {
            try RGBDInput.open(counts)
        }
        let nonRigid = try ScanNetExportFixture.write(to: folder.file("nonrigid"), frames: 2)
        try ScanNetExportFixture.text([2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])
            .write(to: nonRigid.appendingPathComponent("pose/10.txt"), atomically: true, encoding: .utf8)
        let rigidError = #expect(throws: ReconError.self) { try RGBDInput.open(nonRigid) }
        if case let .malformedFile(url, _, reason) = rigidError {
            #expect(url.lastPathComponent == "10.txt" && reason.contains("frame 10"))
        } else {
            Issue.record("expected malformedFile, got \(String(describing: rigidError))")
        }
    }
}
