import Foundation
import Geometry
import SceneIO
import Testing
@testable import Recon

/// The correspondence pass re-reads each view's depth from the input instead of holding every frame: the
/// written table must be byte-identical to the one built from all depth frames held in memory.
@Suite struct StreamingCorrespondenceTests {
    @Test func reReadDepthGivesTheTableBuiltFromHeldFrames() throws {
        let folder = try TemporaryFolder("streaming")
        let video = try writeSynthVideo(in: folder.url, frames: 12, width: 80, height: 60)
        var options = fastOptions()
        options.poseMode = .given
        let out = folder.path("scene")
        let result = try Reconstruction.run(input: video, output: out, options: options)
        let scene = try SceneFolder(out)
        let points = try ScenePoints.read(from: scene)
        let written = try SceneCorrespondences.read(from: scene, pointCount: points.count)
        let normals = try #require(points.normals)

        let source = try RGBDInput.open(video)
        let held = try result.viewFrames.map { try source.frame($0).depth }
        let positions = stride(from: 0, to: points.coords.count, by: 3).map {
            SIMD3(points.coords[$0], points.coords[$0 + 1], points.coords[$0 + 2])
        }
        let normalVectors = stride(from: 0, to: normals.count, by: 3).map { SIMD3(normals[$0], normals[$0 + 1], normals[$0 + 2]) }
        let fromHeld = CorrespondenceTable.build(
            points: positions, normals: normalVectors, worldFromCamera: result.poses, depths: held, intrinsics: source.intrinsics,
            depthScale: source.depthScale,
            tolerance: (options.correspondences.toleranceVoxels * options.fusion.voxelSize, options.correspondences.toleranceFraction),
            threads: 1)
        #expect(written.count > 1000)
        #expect(written == fromHeld)
        // A depth frame that cannot be read stops the pass with its view's error.
        let failing = #expect(throws: ReconError.self) {
            try CorrespondenceTable.build(points: positions, normals: normalVectors, worldFromCamera: result.poses,
                                          depth: { (view) throws(ReconError) in
                                              if view == 3 { throw .unreadableFrame(url: video, index: 3, reason: "gone") }
                                              return held[view]
                                          },
                                          intrinsics: source.intrinsics, depthScale: source.depthScale, tolerance: (0.06, 0.01),
                                          threads: 2)
        }
        #expect(failing == .unreadableFrame(url: video, index: 3, reason: "gone"))
    }
}
