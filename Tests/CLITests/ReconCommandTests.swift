import Foundation
import _TestSupport
import SceneIO
import Testing

/// `ovseg3r recon` on its own: one tiny generated scene converted into each input kind (video folder, TUM RGB-D
/// folder, ScanNet .sens), plus a bad input whose error names the file and the frame.
@Suite(.serialized) struct ReconCommandTests {
    static let frames = 5

    /// A tiny SceneSynth video folder (64×48), written by the CLI itself.
    func synthVideo(_ cli: CLIRunner, in scratch: TemporaryDirectory) throws -> URL {
        let out = scratch.file("synth")
        try cli.succeed(["synth", "--preset", "tiny", "--frames", "\(Self.frames)", "--seed", "4", "--out", out.path])
        return out.appendingPathComponent("scene_0000")
    }

    struct Calibration {
        var width: Int, height: Int, fx: Double, fy: Double, cx: Double, cy: Double, depthScale: Double
    }

    func calibration(of video: URL) throws -> Calibration {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: video.appendingPathComponent("intrinsics.json")))
        let k = try #require(object as? [String: Any])
        func number(_ key: String) throws -> Double { try #require((k[key] as? NSNumber)?.doubleValue, "intrinsics.json lacks \(key)") }
        return Calibration(width: Int(try number("width")), height: Int(try number("height")), fx: try number("fx"),
                           fy: try number("fy"), cx: try number("cx"), cy: try number("cy"), depthScale: try number("depth_scale"))
    }

    /// `poses.txt` rows (timestamp tx ty tz qx qy qz qw) as row-major 4×4 world_from_camera matrices.
    func devicePoses(of video: URL) throws -> [[Double]] {
        let text = try String(contentsOf: video.appendingPathComponent("poses.txt"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let v = line.split(separator: " ").compactMap { Double($0) }
            let (x, y, z, w) = (v[4], v[5], v[6], v[7])
            return [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w), v[1],
                    2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w), v[2],
                    2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y), v[3],
                    0, 0, 0, 1]
        }
    }

    /// The same frames as a TUM RGB-D folder: PNG colour, depth rescaled to 5000 units per metre, ground truth.
    func writeTUM(from video: URL, to url: URL) throws {
        let k = try calibration(of: video)
        let manager = FileManager.default
        try manager.createDirectory(at: url.appendingPathComponent("rgb"), withIntermediateDirectories: true)
        try manager.createDirectory(at: url.appendingPathComponent("depth"), withIntermediateDirectories: true)
        var rgbList = "# color images\n", depthList = "# depth maps\n"
        for i in 0..<Self.frames {
            let stamp = String(format: "%.6f", 1000 + 0.1 * Double(i))
            let name = String(format: "%06d", i)
            let color = try JPEG.read(video.appendingPathComponent("color/\(name).jpg"))
            try PNG.write(color, to: url.appendingPathComponent("rgb/\(stamp).png"))
            let depth = try PNG.readGray16(video.appendingPathComponent("depth/\(name).png"))
            let rescaled = depth.pixels.map { UInt16(min(65535, (Double($0) * 5000 / k.depthScale).rounded())) }
            try PNG.write(try GrayImage16(width: depth.width, height: depth.height, pixels: rescaled),
                          to: url.appendingPathComponent("depth/\(stamp).png"))
            rgbList += "\(stamp) rgb/\(stamp).png\n"
            depthList += "\(stamp) depth/\(stamp).png\n"
        }
        try rgbList.write(to: url.appendingPathComponent("rgb.txt"), atomically: true, encoding: .utf8)
        try depthList.write(to: url.appendingPathComponent("depth.txt"), atomically: true, encoding: .utf8)
    }

    /// The same frames as a ScanNet .sens (version 4) file with the device poses; depth as zlib stored blocks.
    func writeSens(from video: URL, to url: URL) throws {
        let k = try calibration(of: video)
        let poses = try devicePoses(of: video)
        var bytes: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        func f32(_ v: Double) { withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { bytes += $0 } }
        let intrinsic = [k.fx, 0, k.cx, 0, 0, k.fy, k.cy, 0, 0, 0, 1, 0, 0, 0, 0, 1]
        let identity: [Double] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
        u32(4)
        let sensor = Array("StructureSensor".utf8)
        u64(UInt64(sensor.count)); bytes += sensor
        for m in [intrinsic, identity, intrinsic, identity] { m.forEach(f32) }
        u32(2); u32(1)   // colour JPEG, depth zlib
        u32(UInt32(k.width)); u32(UInt32(k.height)); u32(UInt32(k.width)); u32(UInt32(k.height))
        f32(k.depthScale)
        u64(UInt64(Self.frames))
        for i in 0..<Self.frames {
            let name = String(format: "%06d", i)
            poses[i].forEach(f32)
            u64(UInt64(100_000 * i)); u64(UInt64(100_000 * i))
            let jpeg = [UInt8](try Data(contentsOf: video.appendingPathComponent("color/\(name).jpg")))
            let depth = try PNG.readGray16(video.appendingPathComponent("depth/\(name).png"))
            let compressed = Self.zlibStored(depth.pixels.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] })
            u64(UInt64(jpeg.count)); u64(UInt64(compressed.count))
            bytes += jpeg
            bytes += compressed
        }
        u64(0)   // no IMU frames
        try Data(bytes).write(to: url)
    }

    /// A valid zlib stream of uncompressed ("stored") deflate blocks; no compressor needed.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let count = min(65535, data.count - offset)
            let final: UInt8 = offset + count == data.count ? 1 : 0
            out += [final, UInt8(count & 0xff), UInt8(count >> 8), UInt8(~count & 0xff), UInt8((~count >> 8) & 0xff)]
            out += data[offset..<(offset + count)]
            offset += count
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        let adler = (b << 16) | a
        out += [UInt8(adler >> 24), UInt8((adler >> 16) & 0xff), UInt8((adler >> 8) & 0xff), UInt8(adler & 0xff)]
        return out
    }

    /// Runs `recon` and checks the scene folder and the printed summary.
    func reconstruct(_ cli: CLIRunner, input: URL, out: URL, kind: String, extra: [String]) throws {
        let result = try cli.run(["recon", input.path, "--out", out.path, "--voxel", "0.03"] + extra)
        try #require(result.status == 0, "recon \(kind) failed: \(result.stderr.suffix(3000))")
        #expect(result.stdout.contains("(\(kind))"), "summary: \(result.stdout)")
        #expect(result.stdout.contains("frames: \(Self.frames) used"), "summary: \(result.stdout)")
        for name in ["scene.json", "poses.txt", "mesh.ply", "views.json", "recon_summary.json", "coord.npy"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(kind): missing \(name)")
        }
        let poses = try String(contentsOf: out.appendingPathComponent("poses.txt"), encoding: .utf8)
        #expect(poses.split(separator: "\n").filter { !$0.hasPrefix("#") }.count == Self.frames)
    }

    @Test func reconstructsVideoFolderTUMAndSens() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let video = try synthVideo(cli, in: scratch)
        try reconstruct(cli, input: video, out: scratch.file("from_video"), kind: "video_folder", extra: [])

        let tum = scratch.file("rgbd_dataset_test")
        try writeTUM(from: video, to: tum)
        let k = try calibration(of: video)
        try reconstruct(cli, input: tum, out: scratch.file("from_tum"), kind: "tum",
                        extra: ["--poses", "track", "--intrinsics", "\(k.fx),\(k.fy),\(k.cx),\(k.cy)"])

        let sens = scratch.file("scene0000_00.sens")
        try writeSens(from: video, to: sens)
        try reconstruct(cli, input: sens, out: scratch.file("from_sens"), kind: "scannet_sens", extra: ["--poses", "refine"])
    }

    @Test func badDepthFramesNameTheFileAndFrame() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let video = try synthVideo(cli, in: scratch)
        let depth3 = video.appendingPathComponent("depth/000003.png")
        let out = scratch.file("scene")
        // An undecodable depth image: the error names the file and the frame.
        try Data("not a png".utf8).write(to: depth3)
        let corrupt = try cli.run(["recon", video.path, "--out", out.path, "--voxel", "0.03"])
        #expect(corrupt.status != 0)
        #expect(corrupt.stderr.contains("depth/000003.png") && corrupt.stderr.contains("frame 3"), "stderr: \(corrupt.stderr)")
        // A missing depth image: the folder check names the depth folder and the missing frame number.
        try FileManager.default.removeItem(at: depth3)
        let missing = try cli.run(["recon", video.path, "--out", out.path, "--voxel", "0.03"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/depth") && missing.stderr.contains("000003"), "stderr: \(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
