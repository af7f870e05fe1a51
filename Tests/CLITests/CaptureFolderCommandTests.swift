import Foundation
import _TestSupport
import SceneIO
import Testing

/// A ScanNet frame export as SensReader writes it: colour 32×24 with its own intrinsics, depth 16×12 (a wall at
/// 2 m), frames 0, 10, 20, 30; frame 20's pose is `-inf`.
private func writeScanNetExport(_ url: URL) throws {
    for dir in ["color", "depth", "pose", "intrinsic"] {
        try FileManager.default.createDirectory(at: url.appendingPathComponent(dir), withIntermediateDirectories: true)
    }
    func matrix(_ m: [Double]) -> String {
        (0..<4).map { r in (0..<4).map { String(m[4 * r + $0]) }.joined(separator: " ") }.joined(separator: "\n") + "\n"
    }
    try matrix([14, 0, 7.5, 0, 0, 14, 5.5, 0, 0, 0, 1, 0, 0, 0, 0, 1])
        .write(to: url.appendingPathComponent("intrinsic/intrinsic_depth.txt"), atomically: true, encoding: .utf8)
    try matrix([28, 0, 15.5, 0, 0, 28, 11.5, 0, 0, 0, 1, 0, 0, 0, 0, 1])
        .write(to: url.appendingPathComponent("intrinsic/intrinsic_color.txt"), atomically: true, encoding: .utf8)
    for (n, number) in [0, 10, 20, 30].enumerated() {
        var color = RGBImage(width: 32, height: 24)
        for v in 0..<24 { for u in 0..<32 { color[u, v] = SIMD3(UInt8(8 * u), UInt8(10 * v), 90) } }
        try PNG.write(color, to: url.appendingPathComponent("color/\(number).png"))
        try PNG.write(try GrayImage16(width: 16, height: 12, pixels: [UInt16](repeating: 2000, count: 192)),
                      to: url.appendingPathComponent("depth/\(number).png"))
        let pose = number == 20 ? String(repeating: "-inf -inf -inf -inf\n", count: 4)
            : matrix([1, 0, 0, 0.01 * Double(n), 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])
        try pose.write(to: url.appendingPathComponent("pose/\(number).txt"), atomically: true, encoding: .utf8)
    }
}

@Suite struct CaptureFolderCommandTests {
    @Test func infoImportAndReconDetectAScanNetExport() throws {
        let cli = try CLIRunner()
        let dir = try TemporaryDirectory("cli-tests")
        let export = dir.file("scene0000_00")
        try writeScanNetExport(export)
        let info = try cli.succeed(["info", export.path])
        #expect(info.contains("ScanNet frame export, 4 frames"))
        #expect(info.contains("depth 16x12") && info.contains("color 32x24") && info.contains("1 non-finite"))

        let video = dir.file("video")
        let imported = try cli.succeed(["import", "frames", export.path, "--out", video.path])
        #expect(imported.contains("3 frames from 4") && imported.contains("pose/20.txt (frame 20)"))
        let folder = try VideoFolder(video)
        #expect(folder.frames.count == 3 && folder.intrinsics.width == 16 && folder.poses?.poses.count == 3)
        // Registered colour: depth pixel (u, v) sees colour pixel (2u + 0.5, 2v + 0.5), so red ≈ 8 · (2u + 0.5).
        let color = try folder.color(0)
        #expect(abs(Int(color[5, 3].x) - 84) <= 6, "red at (5, 3) is \(color[5, 3].x)")

        let scene = dir.file("scene")
        let recon = try cli.succeed(["recon", export.path, "--out", scene.path, "--poses", "given", "--voxel", "0.03"])
        #expect(recon.contains("scannet_frames") && recon.contains("skipped frame 2 (pose/20.txt)"))

        let prepare = try cli.run(["prepare", export.path, "--out", dir.file("prepared").path])
        #expect(prepare.status != 0 && prepare.stderr.contains("ScanNet frame export")
                && prepare.stderr.contains("ovseg3r import frames"))
    }
}
