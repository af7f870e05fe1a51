import Foundation
import _TestSupport
import Geometry
import SceneIO
import Testing
@testable import Recon

@Suite struct PipelineTests {
    @Test func givenPosesSceneFolderAndCorrespondences() throws {
        let folder = try TemporaryDirectory("given")
        let video = try writeSynthVideo(in: folder.url, frames: 6)
        var options = fastOptions()
        options.poseMode = .given
        let out = folder.file("scene")
        let result = try Reconstruction.run(input: video, output: out, options: options)
        #expect(result.summary.framesUsed == 6)

        let scene = try SceneFolder(out)
        try scene.verify()
        let coord = try scene.read("coord").floats()
        let n = coord.count / 3
        #expect(n > 100)
        #expect(scene.manifest.counts["points"] == n)
        #expect(scene.manifest.units == "m" && scene.manifest.upAxis == "+z")
        let offsets = try scene.read("corr_offsets").int64s()
        let points = try scene.read("corr_point").int32s()
        let uv = try scene.read("corr_uv").floats()
        #expect(offsets.count == 7 && offsets.first == 0 && Int(offsets.last ?? 0) == points.count)
        #expect(uv.count == 2 * points.count)
        #expect(try scene.read("source_view").int32s().count == n)
        for name in ["mesh.ply", "poses.txt", "views.json", "instances.json", "recon_summary.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name)")
        }
        let mesh = try Ply.read(out.appendingPathComponent("mesh.ply"))
        #expect(mesh.vertexCount == result.summary.meshVertices && mesh.normals.count == mesh.vertexCount)
        #expect(try TUMTrajectory.read(out.appendingPathComponent("poses.txt")).poses.count == 6)

        // The correspondence check: the pixel each correspondence names shows the point's GT instance (the point's
        // label is the majority over its views, so this measures cross-view consistency of C), and re-projecting
        // the point with the view's pose lands on the stored pixel.
        let instance = try scene.read("instance").int32s()
        #expect(instance.contains { $0 > 0 })
        let source = try VideoFolderSource(video)
        var agree = 0, total = 0
        for view in 0..<6 {
            let labels = try #require(try source.labels(view))
            let cameraFromWorld = result.poses[view].inverse
            for i in Int(offsets[view])..<Int(offsets[view + 1]) {
                let p = Int(points[i])
                let pixel = SIMD2(Double(uv[2 * i]), Double(uv[2 * i + 1]))
                let shown = labels.instance[source.intrinsics.nearestPixelIndex(pixel)]
                if Int32(shown) == instance[p] { agree += 1 }
                total += 1
                let point = SIMD3<Double>(Double(coord[3 * p]), Double(coord[3 * p + 1]), Double(coord[3 * p + 2]))
                let projected = try #require(source.intrinsics.project(cameraFromWorld.apply(to: point)))
                #expect(abs(projected.x - pixel.x) < 1e-3 && abs(projected.y - pixel.y) < 1e-3)
            }
        }
        #expect(total > n)
        #expect(Double(agree) / Double(total) > 0.9)
    }

    @Test func refineReducesDeviceDriftAndLoopClosureHelps() throws {
        let folder = try TemporaryDirectory("refine")
        let video = try writeSynthVideo(in: folder.url, frames: 24, width: 80, height: 60, seed: 11,
                                        translationDrift: 0.08, rotationDriftDegrees: 3)
        var options = fastOptions()
        options.poseMode = .refine
        let refined = try Reconstruction.run(input: video, output: folder.file("refined"), options: options)
        let device = try #require(refined.summary.ateRMSEInputPoses)
        let withLoops = try #require(refined.summary.ateRMSE)
        #expect(withLoops < device)
        #expect(refined.summary.poses?.refineGuard?.kept == .refined)
        options.loopClosure.enabled = false
        let noLoops = try Reconstruction.run(input: video, output: folder.file("noloops"), options: options)
        #expect((refined.summary.poses?.loopClosures ?? 0) > 0)
        #expect(withLoops < (noLoops.summary.ateRMSE ?? 0))
    }

    @Test func failingRunLeavesTheExistingSceneIntact() throws {
        let folder = try TemporaryDirectory("atomic")
        let video = try writeSynthVideo(in: folder.url, frames: 4)
        let out = folder.file("scene")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: out.appendingPathComponent("marker.txt"))
        let broken = video.appendingPathComponent("depth/000002.png")
        try Data("not a png".utf8).write(to: broken)
        var options = fastOptions()
        options.poseMode = .given
        #expect {
            _ = try Reconstruction.run(input: video, output: out, options: options)
        } throws: { error in
            guard case let .unreadableFrame(url, index, _) = error as? ReconError else { return false }
            return url.lastPathComponent == "000002.png" && index == 2
        }
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("marker.txt").path))
        let siblings = try FileManager.default.contentsOfDirectory(atPath: folder.url.path)
        #expect(!siblings.contains { $0.contains(".partial-") || $0.contains(".old-") })
        // A successful run replaces the folder as a whole.
        options.frames = .init(start: 0, end: 2)
        _ = try Reconstruction.run(input: video, output: out, options: options)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("marker.txt").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("scene.json").path))
    }

    @Test func framesWithoutDepthAreSkippedAndCounted() throws {
        let folder = try TemporaryDirectory("nodepth")
        let video = try writeSynthVideo(in: folder.url, frames: 4)
        try PNG.write(try GrayImage16(width: 64, height: 48, pixels: [UInt16](repeating: 0, count: 64 * 48)),
                      to: video.appendingPathComponent("depth/000001.png"))
        var options = fastOptions()
        options.poseMode = .given
        let result = try Reconstruction.run(input: video, output: folder.file("scene"), options: options)
        #expect(result.summary.framesDropped["no_depth"] == 1)
        #expect(result.viewFrames == [0, 2, 3])
    }

    @Test func optionsValidateAndPresetsMerge() throws {
        var o = ReconOptions()
        o.fusion.voxelSize = -1
        #expect(throws: ReconError.invalidOption(name: "fusion.voxelSize", value: "-1.0", expected: "0.001…1 m")) {
            try o.validate()
        }
        let folder = try TemporaryDirectory("preset")
        let url = folder.file("p.json")
        try #"{"_comment": "test", "fusion": {"voxelSize": 0.02}, "input": {"intrinsics": [500, 500, 320, 240]}}"#
            .write(to: url, atomically: true, encoding: .utf8)
        let loaded = try ReconOptions.load(preset: url)
        #expect(loaded.fusion.voxelSize == 0.02)
        #expect(loaded.fusion.truncationVoxels == ReconOptions().fusion.truncationVoxels)
        #expect(loaded.input.intrinsics == [500, 500, 320, 240])
        #expect(try ReconOptions.FrameSelection.parse("5:20:3") == .init(start: 5, end: 20, step: 3))
        #expect(try ReconOptions.FrameSelection.parse("::2") == .init(start: 0, end: nil, step: 2))
        #expect(throws: ReconError.self) { try ReconOptions.FrameSelection.parse("a:b") }
    }
}
