import CImageCodecs
import Foundation
import _TestSupport
import Geometry
import SceneIO
import Testing
@testable import Recon

/// Writes a ScanNet `.sens` (version 4) file byte by byte, independently of the reader.
struct SensWriter {
    var bytes: [UInt8] = []

    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func i32(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func f32(_ v: Float) { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
    mutating func matrix(_ m: [Float]) { m.forEach { f32($0) } }

    static func intrinsicMatrix(_ k: PinholeIntrinsics) -> [Float] {
        [Float(k.fx), 0, Float(k.cx), 0, 0, Float(k.fy), Float(k.cy), 0, 0, 0, 1, 0, 0, 0, 0, 1]
    }

    /// zlib through the system library (CImageCodecs' wrapper).
    static func deflate(_ data: [UInt8]) throws -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = ic_zlib_compress(data, data.count, 6, &out, &size, &message, message.count)
        try #require(status == 0)
        defer { ic_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }

    /// Header plus frames (pose nil → −inf matrix); colour as JPEG bytes, depth zlib-compressed u16.
    static func file(depthIntrinsics: PinholeIntrinsics, colorIntrinsics: PinholeIntrinsics,
                     frames: [(pose: RigidTransform?, time: UInt64, jpeg: [UInt8], depth: [UInt16])]) throws -> [UInt8] {
        var w = SensWriter()
        w.u32(4)
        let name = Array("StructureSensor".utf8)
        w.u64(UInt64(name.count)); w.bytes += name
        let identity: [Float] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
        w.matrix(intrinsicMatrix(colorIntrinsics)); w.matrix(identity)
        w.matrix(intrinsicMatrix(depthIntrinsics)); w.matrix(identity)
        w.i32(2); w.i32(1)
        w.u32(UInt32(colorIntrinsics.width)); w.u32(UInt32(colorIntrinsics.height))
        w.u32(UInt32(depthIntrinsics.width)); w.u32(UInt32(depthIntrinsics.height))
        w.f32(1000)
        w.u64(UInt64(frames.count))
        for frame in frames {
            w.matrix(frame.pose.map { $0.matrix4x4.map(Float.init) } ?? [Float](repeating: -.infinity, count: 16))
            w.u64(frame.time); w.u64(frame.time + 5)
            let raw = frame.depth.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] }
            let compressed = try deflate(raw)
            w.u64(UInt64(frame.jpeg.count)); w.u64(UInt64(compressed.count))
            w.bytes += frame.jpeg
            w.bytes += compressed
        }
        w.u64(0)   // IMU frames
        return w.bytes
    }
}

@Suite struct ReaderTests {
    @Test func sensFileRoundTrip() throws {
        let folder = try TemporaryDirectory("sens")
        let depthK = PinholeIntrinsics(width: 40, height: 30, fx: 35, fy: 35, cx: 19.5, cy: 14.5)
        let colorK = PinholeIntrinsics(width: 80, height: 60, fx: 70, fy: 70, cx: 39.5, cy: 29.5)
        var frames: [(pose: RigidTransform?, time: UInt64, jpeg: [UInt8], depth: [UInt16])] = []
        var g = SeededGenerator(seed: 5)
        for i in 0..<3 {
            var color = RGBImage(width: colorK.width, height: colorK.height)
            for p in 0..<(colorK.pixelCount) {
                color.pixels[3 * p] = UInt8(40 * i + 30); color.pixels[3 * p + 1] = 128; color.pixels[3 * p + 2] = UInt8(p % 200)
            }
            let jpegURL = folder.file("c\(i).jpg")
            try JPEG.write(color, to: jpegURL, quality: 95)
            let depth = (0..<depthK.pixelCount).map { _ in UInt16(g.nextIndex(below: 4000)) }
            let pose: RigidTransform? = i == 1 ? nil : RigidTransform(rotationVector: SIMD3(0, 0.1 * Double(i), 0),
                                                                       translation: SIMD3(Double(i), 0.5, 1))
            frames.append((pose, UInt64(1000 * i), [UInt8](try Data(contentsOf: jpegURL)), depth))
        }
        let url = folder.file("scene0000_00.sens")
        try Data(try SensWriter.file(depthIntrinsics: depthK, colorIntrinsics: colorK, frames: frames)).write(to: url)

        let source = try #require(try RGBDInput.open(url) as? SensSource)
        #expect(source.kind == .scanNetSens)
        #expect(source.frameCount == 3)
        #expect(source.intrinsics == depthK)
        #expect(source.colorIntrinsics == colorK)
        #expect(source.depthScale == 1000)
        #expect(source.sensorName == "StructureSensor")
        #expect(source.timestamp(of: 2) == "2000")
        let poses = try #require(source.devicePoses)
        #expect(poses[1] == nil)   // −inf pose: unknown
        let pose2 = try #require(poses[2])
        #expect(pose2.translationDistance(to: try #require(frames[2].pose)) < 1e-6)
        for i in 0..<3 {
            let frame = try source.frame(i)
            #expect(frame.depth == frames[i].depth)
            #expect(frame.color.width == depthK.width && frame.color.height == depthK.height)
            #expect(abs(Int(frame.color.pixels[0]) - (40 * i + 30)) <= 6)   // registered to depth size, JPEG tolerance
        }
    }

    @Test func truncatedSensNamesTheFrame() throws {
        let folder = try TemporaryDirectory("sens-trunc")
        let k = PinholeIntrinsics(width: 8, height: 6, fx: 7, fy: 7, cx: 3.5, cy: 2.5)
        let jpegURL = folder.file("c.jpg")
        try JPEG.write(RGBImage(width: 8, height: 6), to: jpegURL)
        let jpeg = [UInt8](try Data(contentsOf: jpegURL))
        let depth = [UInt16](repeating: 1000, count: 48)
        let bytes = try SensWriter.file(depthIntrinsics: k, colorIntrinsics: k,
                                        frames: [(nil, 0, jpeg, depth), (nil, 1, jpeg, depth)])
        let url = folder.file("cut.sens")
        try Data(bytes.prefix(bytes.count - 20)).write(to: url)   // cuts into frame 1's depth data
        #expect {
            _ = try SensSource(url)
        } throws: { error in
            guard case let .truncatedFile(failing, frame, _) = error as? ReconError else { return false }
            return failing == url && frame == 1
        }
    }

    @Test func tumFolderAssociationAndCalibration() throws {
        let root = try TemporaryDirectory("tum")
        let url = root.file("rgbd_dataset_freiburg2_desk")
        let manager = FileManager.default
        try manager.createDirectory(at: url.appendingPathComponent("rgb"), withIntermediateDirectories: true)
        try manager.createDirectory(at: url.appendingPathComponent("depth"), withIntermediateDirectories: true)
        let rgbTimes = [10.000, 10.033, 10.067, 10.100]
        let depthTimes = [10.005, 10.031, 10.150, 10.098]   // 10.067 has no depth within 0.02 s
        var rgbList = "# color images\n# timestamp filename\n", depthList = "# depth maps\n"
        for (i, t) in rgbTimes.enumerated() {
            let name = String(format: "rgb/%.6f.png", t)
            var image = RGBImage(width: 16, height: 12)
            image.pixels[0] = UInt8(10 * i)
            try PNG.write(image, to: url.appendingPathComponent(name))
            rgbList += String(format: "%.6f ", t) + name + "\n"
        }
        for (i, t) in depthTimes.enumerated() {
            let name = String(format: "depth/%.6f.png", t)
            try PNG.write(try GrayImage16(width: 16, height: 12, pixels: [UInt16](repeating: UInt16(5000 + i), count: 192)),
                          to: url.appendingPathComponent(name))
            depthList += String(format: "%.6f ", t) + name + "\n"
        }
        try rgbList.write(to: url.appendingPathComponent("rgb.txt"), atomically: true, encoding: .utf8)
        try depthList.write(to: url.appendingPathComponent("depth.txt"), atomically: true, encoding: .utf8)
        try "# ground truth\n10.000 1 2 3 0 0 0 1\n10.034 1.5 2 3 0 0 0 1\n10.100 2 2 3 0 0 0 1\n"
            .write(to: url.appendingPathComponent("groundtruth.txt"), atomically: true, encoding: .utf8)

        let source = try #require(try RGBDInput.open(url) as? TUMSource)
        #expect(source.kind == .tum)
        #expect(source.calibration == "freiburg2")
        #expect(source.intrinsics.fx == 520.9 && source.intrinsics.width == 16)
        #expect(source.depthScale == 5000)
        #expect(source.frameCount == 3)
        #expect((0..<3).map { source.timestamp(of: $0) } == ["10.000000", "10.033000", "10.100000"])
        let frames = try (0..<3).map { try source.frame($0) }
        #expect(frames.map { $0.depth[0] } == [5000, 5001, 5003])   // nearest depth within 0.02 s, each used once
        #expect(frames.map { $0.color.pixels[0] } == [0, 10, 30])
        let truth = try #require(source.groundTruthPoses)
        #expect(truth.map { $0?.translation.x } == [1, 1.5, 2])
    }

    @Test func unknownInputIsReported() throws {
        let folder = try TemporaryDirectory("unknown")
        #expect(throws: ReconError.self) { _ = try RGBDInput.open(folder.url) }
        #expect(throws: ReconError.self) { _ = try RGBDInput.open(folder.file("missing.sens")) }
    }
}
