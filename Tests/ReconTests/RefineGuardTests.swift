import Foundation
import _TestSupport
import Geometry
import Testing
@testable import Recon

@Suite struct RefineGuardTests {
    let intrinsics = PinholeIntrinsics(width: 80, height: 60, fx: 60, fy: 60, cx: 39.5, cy: 29.5)

    func prepared(_ camera: RigidTransform) -> PreparedFrame { BoxRoom.prepared(camera, intrinsics: intrinsics) }

    /// Four cameras sweeping one corner of the box: every pair overlaps.
    func sweep() -> [RigidTransform] {
        (0..<4).map { i in
            BoxRoom.camera(at: SIMD3(2.4 + 0.1 * Double(i), 1.6, 1.3), looking: SIMD3(1, 0.6 + 0.1 * Double(i), -0.2))
        }
    }

    @Test func trueTrajectoryScoresBetterThanADriftedOne() throws {
        let truth = sweep()
        let frames = truth.map(prepared)
        // Drift grows along the trajectory, as device odometry does.
        let drifted = truth.enumerated().map { i, pose in
            pose * RigidTransform(rotationVector: SIMD3(0, 0.01 * Double(i), 0), translation: SIMD3(0.02 * Double(i), 0, 0))
        }
        var guardOptions = ReconOptions.RefineGuardOptions()
        guardOptions.minMatches = 20
        let keepTruth = TrajectoryConsistency.judge(frames: frames, refined: truth, device: drifted, options: guardOptions,
                                                    loop: .init())
        #expect(keepTruth.kept == .refined)
        #expect(keepTruth.pairs == 6)
        #expect(keepTruth.refinedMedianResidual < 0.002)
        #expect(keepTruth.deviceMedianResidual > 2 * keepTruth.refinedMedianResidual)
        #expect(keepTruth.refinedInlierRatio > keepTruth.deviceInlierRatio)
        // Swapped: the guard keeps the (now better) device trajectory.
        let keepDevice = TrajectoryConsistency.judge(frames: frames, refined: drifted, device: truth, options: guardOptions,
                                                     loop: .init())
        #expect(keepDevice.kept == .device)
        // Identical trajectories: refinement did not improve, so the device poses stay.
        let tie = TrajectoryConsistency.judge(frames: frames, refined: truth, device: truth, options: guardOptions, loop: .init())
        #expect(tie.kept == .device)
    }

    @Test func halvedFrameKeepsGeometry() throws {
        let camera = sweep()[0]
        let frame = prepared(camera)
        let half = frame.halved()
        #expect(half.intrinsics == intrinsics.scaled(by: 0.5))
        #expect(half.depth.count == 40 * 30 && half.intensity.count == 40 * 30 && half.rgb.count == 3 * 40 * 30)
        #expect(half.byteCount * 4 == frame.byteCount)
        // Every half-resolution depth lies on the box: its back-projection is within a few mm of a wall.
        var worst = 0.0
        for v in 0..<30 {
            for u in 0..<40 where half.depth[v * 40 + u] > 0 {
                let p = camera.apply(to: half.intrinsics.unproject(pixel: SIMD2(Double(u), Double(v)),
                                                                   depth: Double(half.depth[v * 40 + u])))
                worst = max(worst, BoxRoom.distanceToSurface(p))
            }
        }
        #expect(worst < 0.02)
        #expect(half.validDepthFraction > 0.9)
    }

    /// With exact device poses, `refine` must not make the trajectory worse; the guard reports its choice.
    @Test func refineKeepsExactDevicePoses() throws {
        let folder = try TemporaryDirectory("guard-exact")
        let video = try writeSynthVideo(in: folder.url, frames: 16, width: 80, height: 60, seed: 11,
                                        translationDrift: 0, rotationDriftDegrees: 0)
        var options = fastOptions()
        options.poseMode = .refine
        let result = try Reconstruction.run(input: video, output: folder.file("scene"), options: options)
        let device = try #require(result.summary.ateRMSEInputPoses)
        let refined = try #require(result.summary.ateRMSE)
        let verdict = try #require(result.summary.poses?.refineGuard)
        #expect(refined <= device + 0.001, "refined \(refined) vs device \(device), guard \(verdict)")
        #expect(verdict.pairs > 0)
        let summary = try String(contentsOf: folder.file("scene/recon_summary.json"), encoding: .utf8)
        #expect(summary.contains("refineGuard"))
    }
}
