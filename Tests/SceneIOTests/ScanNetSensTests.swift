import Foundation
import _TestSupport
import Testing
@testable import SceneIO

/// A 3-frame .sens with color 32x24 (fx 40) and depth 16x12 (fx 20): depth pixel u sees color
/// x = 2u + 0.5. Frame 1 lost tracking (-inf pose); frame 2 is turned 90° about z.
func makeSensFile(at url: URL) throws {
    let identity: [Float] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
    let header = ScanNetSensFile.Header(
        version: 4, sensorName: "StructureSensor", colorIntrinsics: [40, 0, 15.5, 0, 0, 40, 11.5, 0, 0, 0, 1, 0, 0, 0, 0, 1],
        colorExtrinsics: identity, depthIntrinsics: [20, 0, 7.5, 0, 0, 20, 5.5, 0, 0, 0, 1, 0, 0, 0, 0, 1],
        depthExtrinsics: identity, colorCompression: 2, depthCompression: 1, colorWidth: 32, colorHeight: 24,
        depthWidth: 16, depthHeight: 12, depthShift: 1000)
    var color = RGBImage(width: 32, height: 24)
    for y in 0..<24 { for x in 0..<32 { color[x, y] = SIMD3(UInt8(8 * x), 100, UInt8(10 * y)) } }
    let turned: [Float] = [0, -1, 0, 1, 1, 0, 0, 2, 0, 0, 1, 3, 0, 0, 0, 1]
    let lost = [Float](repeating: -.infinity, count: 16)
    var frames: [ScanNetSensFile.FrameInput] = []
    for i in 0..<3 {
        let pose: [Float] = i == 1 ? lost : (i == 2 ? turned : identity)
        let depthValues: [UInt16] = (0..<192).map { UInt16(1000 + $0 + 7 * i) }
        let depth = try GrayImage16(width: 16, height: 12, pixels: depthValues)
        frames.append(ScanNetSensFile.FrameInput(cameraToWorld: pose, color: color, depth: depth, timestamp: UInt64(1_000_000 * (i + 1))))
    }
    try ScanNetSensFile.write(header: header, frames: frames, to: url)
}

@Suite struct ScanNetSensTests {
    @Test func readsHeaderFramesAndImages() throws {
        let dir = try TemporaryDirectory()
        try makeSensFile(at: dir.file("scene0000_00.sens"))
        let sens = try ScanNetSensFile(dir.file("scene0000_00.sens"))
        #expect(sens.header.sensorName == "StructureSensor")
        #expect(sens.frames.count == 3)
        #expect(sens.frames.map(\.hasPose) == [true, false, true])
        #expect(try sens.depth(2).pixels[5] == 1000 + 5 + 14)
        let color = try sens.color(0)
        #expect(color.width == 32 && abs(Int(color[10, 3].x) - 80) <= 3)
        #expect(sens.depthCameraIntrinsics == CameraIntrinsicsFile(width: 16, height: 12, fx: 20, fy: 20, cx: 7.5, cy: 5.5, depthScale: 1000))
    }

    @Test func convertsToAVideoFolderOnTheDepthGrid() throws {
        let dir = try TemporaryDirectory()
        try makeSensFile(at: dir.file("s.sens"))
        let video = try ScanNetSensFile(dir.file("s.sens")).writeVideoFolder(to: dir.file("video"))
        #expect(video.frames.count == 2)  // the frame that lost tracking is skipped
        #expect(video.intrinsics.width == 16 && video.intrinsics.fx == 20)
        let color = try video.color(0)
        for u in 1..<15 {  // depth pixel u samples color x = 2u + 0.5, whose red is 16u + 4
            #expect(abs(Int(color[u, 6].x) - (16 * u + 4)) <= 4, "u = \(u): \(color[u, 6])")
        }
        #expect(try video.depth(1).pixels[0] == 1014)  // folder frame 1 is .sens frame 2
        let poses = try #require(video.poses?.poses)
        #expect(poses[0].rotationXYZW == SIMD4(0, 0, 0, 1))
        #expect(poses[1].translation == SIMD3(1, 2, 3))
        let half = 0.5.squareRoot()
        #expect(abs(poses[1].rotationXYZW.z - half) < 1e-6 && abs(poses[1].rotationXYZW.w - half) < 1e-6)
        #expect(poses[1].timestamp == "3.000000")
    }

    @Test func damagedFilesAreTypedErrors() throws {
        let dir = try TemporaryDirectory()
        try makeSensFile(at: dir.file("good.sens"))
        let good = try [UInt8](Data(contentsOf: dir.file("good.sens")))
        let url = dir.file("bad.sens")
        try Data(good.dropLast(100)).write(to: url)
        #expect(throws: SceneIOError.sensFrame(url: url, frame: 2, reason: "image data runs past the end of the file (truncated)")) {
            try ScanNetSensFile(url)
        }
        var wrongVersion = good
        wrongVersion[0] = 7
        try Data(wrongVersion).write(to: url)
        #expect(throws: SceneIOError.sensMalformed(url: url, reason: "version 7, expected 4")) { try ScanNetSensFile(url) }
        try Data(good.prefix(40)).write(to: url)
        #expect(performing: { try ScanNetSensFile(url) }, throws: { error in
            guard case .sensMalformed? = error as? SceneIOError else { return false }
            return "\(error)".contains(url.path)
        })
        // Damage the last frame's zlib stream: the table still reads, the depth does not.
        var damaged = good
        for i in (damaged.count - 40)..<(damaged.count - 10) { damaged[i] ^= 0x5A }
        try Data(damaged).write(to: url)
        let sens = try ScanNetSensFile(url)
        #expect(performing: { try sens.depth(2) }, throws: { error in
            guard case .sensFrame(_, 2, let reason)? = error as? SceneIOError else { return false }
            return reason.hasPrefix("depth")
        })
        #expect(throws: SceneIOError.self) { try sens.depth(3) }
    }
}
