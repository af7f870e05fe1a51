import Foundation
import _TestSupport
import Geometry
import SceneIO
import Testing
@testable import Recon

/// The correspondence pass re-reads each view's depth from the input instead of holding every frame, and `recon`
/// writes the table to disk view by view instead of holding it: the written files must be byte-identical to the
/// table built from all depth frames held in memory and written whole, and the ground-truth labels voted view by
/// view equal to the majority over the whole table.
@Suite struct StreamingCorrespondenceTests {
    @Test func reReadDepthGivesTheTableBuiltFromHeldFrames() throws {
        let folder = try TemporaryDirectory("streaming")
        let video = try writeSynthVideo(in: folder.url, frames: 12, width: 80, height: 60)
        var options = fastOptions()
        options.poseMode = .given
        let out = folder.file("scene")
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
        var whole = try SceneFolder.create(at: folder.file("whole"))
        try fromHeld.write(to: &whole, pointCount: points.count)
        for file in SceneArtefact.correspondences.files {
            #expect(try Data(contentsOf: scene.url(of: file)) == Data(contentsOf: whole.url(of: file)), "\(file)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).allSatisfy { !$0.hasPrefix(".") })

        let votes = try #require(try fromHeld.majorityLabels(pointCount: points.count, intrinsics: source.intrinsics, mapCount: 2) {
            (view) throws(ReconError) -> [[UInt16]]? in
            try source.labels(result.viewFrames[view]).map { [$0.instance, $0.semantic] }
        })
        let labels = try SceneGroundTruthLabels.read(from: scene, pointCount: points.count)
        #expect(Set(labels.instance).count > 2)
        #expect(labels.instance == votes[0])
        #expect(labels.semantic == votes[1])
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

    /// A view whose depth cannot be re-read stops `recon` in the middle of writing the table: the scene folder
    /// written before is left as it was, and no partial folder or temporary array remains beside it.
    @Test func aFailureWhileTheTableIsWrittenLeavesTheOldScene() throws {
        let folder = try TemporaryDirectory("streaming-failure")
        let video = try writeSynthVideo(in: folder.url, frames: 12, width: 80, height: 60)
        var options = fastOptions()
        options.poseMode = .given
        let out = folder.file("scene")
        _ = try Reconstruction.run(input: video, output: out, options: options)
        let before = try Data(contentsOf: out.appendingPathComponent(SceneFile.corrPoint.fileName))
        let base = try RGBDInput.open(video)
        let error = #expect(throws: ReconError.self) {
            try Reconstruction.run(source: FailingDepthSource(base: base, failing: 9), output: out, options: options)
        }
        #expect(error == .unreadableFrame(url: video, index: 9, reason: "removed"))
        #expect(try Data(contentsOf: out.appendingPathComponent(SceneFile.corrPoint.fileName)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == ["scene", "video"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).allSatisfy { !$0.hasPrefix(".") })
    }
}

/// A video whose depth frames from `failing` on cannot be re-read (deleted while `recon` runs).
struct FailingDepthSource: RGBDSource {
    let base: any RGBDSource
    let failing: Int

    var kind: InputKind { base.kind }
    var url: URL { base.url }
    var intrinsics: PinholeIntrinsics { base.intrinsics }
    var depthScale: Double { base.depthScale }
    var frameCount: Int { base.frameCount }
    var devicePoses: [RigidTransform?]? { base.devicePoses }
    var groundTruthPoses: [RigidTransform?]? { base.groundTruthPoses }
    var instancesFile: URL? { base.instancesFile }
    func timestamp(of index: Int) -> String { base.timestamp(of: index) }
    func colorPath(of index: Int) -> String { base.colorPath(of: index) }
    func frame(_ index: Int) throws(ReconError) -> RGBDFrame { try base.frame(index) }
    func labels(_ index: Int) throws(ReconError) -> FrameLabels? { try base.labels(index) }

    func depth(_ index: Int) throws(ReconError) -> [UInt16] {
        if index >= failing { throw .unreadableFrame(url: base.url, index: index, reason: "removed") }
        return try base.depth(index)
    }
}
