import CBridge
import Foundation
import Geometry
import Testing
@testable import Recon

@Suite struct OdometryTests {
    let intrinsics = PinholeIntrinsics(width: 80, height: 60, fx: 60, fy: 60, cx: 39.5, cy: 29.5)

    func prepared(_ camera: RigidTransform) -> PreparedFrame { BoxRoom.prepared(camera, intrinsics: intrinsics) }

    func options(photometricWeight: Double) -> ReconOptions.TrackingOptions {
        var t = ReconOptions.TrackingOptions()
        t.photometricWeight = photometricWeight
        t.pyramidLevels = 3
        t.maxPoints = 1500
        return t
    }

    @Test func recoversARelativeMotionInACorner() throws {
        let target = BoxRoom.camera(at: SIMD3(2.5, 1.8, 1.3), looking: SIMD3(1, 0.8, -0.3))
        let motion = RigidTransform(rotationVector: SIMD3(0.02, -0.04, 0.03), translation: SIMD3(0.05, -0.03, 0.04))
        let source = target * motion
        let bridge = RGBDOdometry.bridgeOptions(options(photometricWeight: 0.1), input: .init(), threads: 1)
        let result = try RGBDOdometry.align(source: prepared(source), target: prepared(target), initial: .identity,
                                            options: bridge)
        #expect(result.targetFromSource.translationDistance(to: motion) < 0.005)
        #expect(result.targetFromSource.rotationAngle(to: motion) < 0.3 * .pi / 180)
        #expect(result.inlierRatio > 0.8)
        #expect(result.rmseGeometric < 0.005)
        #expect(result.information[0] > 0.5)   // translation block ≈ identity per match
    }

    /// Pyramids built once per frame (the tracking path) give exactly the result of building them per alignment, also
    /// when the pyramids are deeper than the alignment asks for; pyramids for another depth range are refused.
    @Test func prebuiltPyramidsGiveTheSameAlignment() throws {
        let target = BoxRoom.camera(at: SIMD3(2.5, 1.8, 1.3), looking: SIMD3(1, 0.8, -0.3))
        let motion = RigidTransform(rotationVector: SIMD3(0.03, -0.02, 0.01), translation: SIMD3(0.04, 0.02, -0.03))
        let range = ReconOptions.InputOptions().minDepth...ReconOptions.InputOptions().maxDepth
        let plainSource = prepared(target * motion), plainTarget = prepared(target)
        let source = try plainSource.withPyramid(levels: 3, depthRange: range)
        let targetFrame = try plainTarget.withPyramid(levels: 3, depthRange: range)
        #expect(source.pyramid != nil && targetFrame.pyramid != nil)
        #expect(plainSource.halved().pyramid == nil)
        for (levels, weight) in [(3, 0.1), (2, 0.0), (1, 0.3)] {
            var tracking = options(photometricWeight: weight)
            tracking.pyramidLevels = levels
            let bridge = RGBDOdometry.bridgeOptions(tracking, input: .init(), threads: 1)
            let built = try RGBDOdometry.align(source: source, target: targetFrame, initial: .identity, options: bridge)
            let perCall = try RGBDOdometry.align(source: plainSource, target: plainTarget, initial: .identity, options: bridge)
            #expect(built == perCall)
            #expect(built.inlierRatio > 0.5)
        }
        var other = ReconOptions.InputOptions()
        other.maxDepth = 3
        let mismatched = RGBDOdometry.bridgeOptions(options(photometricWeight: 0.1), input: other, threads: 1)
        #expect(targetFrame.pyramid?.serves(mismatched) == false)
        let handles = try #require(source.pyramid.flatMap { s in targetFrame.pyramid.map { (s.handle, $0.handle) } })
        var pose = cb_pose(RigidTransform.identity), o = mismatched, out = cb_odometry_result()
        #expect(cb_rgbd_odometry_pyramids(handles.0, handles.1, &pose, &o, &out) == Int32(CB_INVALID_ARGUMENT))
        #expect(String(cString: cb_last_error()).contains("depth range"))
        o.max_depth = 4
        o.levels = 4
        #expect(cb_rgbd_odometry_pyramids(handles.0, handles.1, &pose, &o, &out) == Int32(CB_INVALID_ARGUMENT))
        #expect(String(cString: cb_last_error()).contains("has 3 levels"))
        // Too small for the levels: no pyramid, and the alignment reports the size as before.
        #expect(try plainTarget.withPyramid(levels: 6, depthRange: range).pyramid == nil)
    }

    /// Facing a single flat wall, geometry cannot see a sideways shift; the photometric term can.
    @Test func photometricTermResolvesMotionAlongAPlane() throws {
        let target = BoxRoom.camera(at: SIMD3(3.0, 1.5, 1.2), looking: SIMD3(1, 0, 0))
        let motion = RigidTransform(rotation: .identity, translation: SIMD3(0.04, 0.03, 0))
        let source = target * motion
        func error(_ weight: Double) throws -> Double {
            let bridge = RGBDOdometry.bridgeOptions(options(photometricWeight: weight), input: .init(), threads: 1)
            let result = try RGBDOdometry.align(source: prepared(source), target: prepared(target), initial: .identity,
                                                options: bridge)
            return result.targetFromSource.translationDistance(to: motion)
        }
        let geometricOnly = try error(0)
        let withPhotometric = try error(0.2)
        #expect(geometricOnly > 0.03)
        #expect(withPhotometric < 0.01)
    }

    /// A square of 8 nodes whose odometry edges carry a small yaw and forward bias.
    func biasedSquare() -> (truth: [RigidTransform], drifted: [RigidTransform], edges: [PoseGraphEdge]) {
        var truth: [RigidTransform] = []
        for i in 0..<8 {
            let angle = Double(i) * .pi / 4
            truth.append(RigidTransform(rotationVector: SIMD3(0, 0, angle), translation: SIMD3(cos(angle), sin(angle), 0)))
        }
        let bias = RigidTransform(rotationVector: SIMD3(0, 0, 0.03), translation: SIMD3(0.02, 0, 0))
        var edges: [PoseGraphEdge] = []
        var drifted = [truth[0]]
        for i in 1..<8 {
            let measured = truth[i - 1].inverse * truth[i] * bias
            edges.append(PoseGraphEdge(a: i - 1, b: i, aFromB: measured,
                                       information: PoseEstimator.diagonalInformation(sigma: 0.01), isLoop: false))
            drifted.append(drifted[i - 1] * measured)
        }
        return (truth, drifted, edges)
    }

    @Test func poseGraphSpreadsALoopCorrection() throws {
        var (truth, drifted, edges) = biasedSquare()
        edges.append(PoseGraphEdge(a: 0, b: 7, aFromB: truth[0].inverse * truth[7],
                                   information: PoseEstimator.diagonalInformation(sigma: 0.002), isLoop: false))
        var nodes = drifted
        let norms = try PoseGraph.optimize(&nodes, edges: edges, cauchyScale: 1, maxIterations: 100, threads: 1)
        let before = TrajectoryError.ateRMSE(estimate: drifted, groundTruth: truth) ?? 0
        let after = TrajectoryError.ateRMSE(estimate: nodes, groundTruth: truth) ?? 1
        #expect(after < 0.5 * before)
        #expect(nodes[0] == drifted[0])   // the gauge node is fixed
        #expect(norms.count == edges.count)
    }

    @Test func robustLoopEdgeLimitsAWrongClosure() throws {
        var (truth, drifted, edges) = biasedSquare()
        // A wrong loop closure: node 7 claimed to sit 1 m away from where it is.
        let wrong = truth[0].inverse * truth[7] * RigidTransform(translation: SIMD3(1, 0, 0))
        edges.append(PoseGraphEdge(a: 0, b: 7, aFromB: wrong, information: PoseEstimator.diagonalInformation(sigma: 0.01),
                                   isLoop: true))
        var robust = drifted
        let norms = try PoseGraph.optimize(&robust, edges: edges, cauchyScale: 1, maxIterations: 100, threads: 1)
        edges[edges.count - 1].isLoop = false
        var plain = drifted
        _ = try PoseGraph.optimize(&plain, edges: edges, cauchyScale: 1, maxIterations: 100, threads: 1)
        let robustError = TrajectoryError.ateRMSE(estimate: robust, groundTruth: truth) ?? 1
        let plainError = TrajectoryError.ateRMSE(estimate: plain, groundTruth: truth) ?? 0
        #expect(robustError < 0.5 * plainError)
        #expect((norms.last ?? 0) > 25)   // the pipeline's rejection threshold flags it
    }
}

@Suite struct TrajectoryErrorTests {
    @Test(arguments: [UInt64(1), 7, 99]) func hornAlignmentRecoversARigidMotion(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        let points = (0..<20).map { _ in g.nextPoint(halfExtent: 2) }
        let motion = RigidTransform(rotation: Quaternion(x: g.nextGaussian(), y: g.nextGaussian(), z: g.nextGaussian(),
                                                         w: g.nextGaussian()), translation: g.nextPoint(halfExtent: 3))
        let moved = points.map { motion.apply(to: $0) }
        let found = TrajectoryError.align(points, to: moved)
        #expect(found.translationDistance(to: motion) < 1e-9)
        #expect(found.rotationAngle(to: motion) < 1e-9)
        let poses = points.map { RigidTransform(translation: $0) }
        let truth = moved.map { RigidTransform(translation: $0) }
        #expect((TrajectoryError.ateRMSE(estimate: poses, groundTruth: truth) ?? 1) < 1e-9)
        // A perturbed trajectory has a positive error.
        let noisy = poses.enumerated().map { i, p in RigidTransform(translation: p.translation + SIMD3(i % 2 == 0 ? 0.01 : -0.01, 0, 0)) }
        #expect((TrajectoryError.ateRMSE(estimate: noisy, groundTruth: truth) ?? 0) > 0.005)
    }
}
