import CBridge
import Foundation
import Geometry
import Testing
@testable import Recon

@Suite struct GlobalRefinementTests {
    let intrinsics = PinholeIntrinsics(width: 96, height: 72, fx: 72, fy: 72, cx: 47.5, cy: 35.5)

    func prepared(_ camera: RigidTransform) -> PreparedFrame { BoxRoom.prepared(camera, intrinsics: intrinsics) }

    /// Five cameras sweeping one corner of the box, looking down at it: two walls and the floor in view, so every
    /// pose is fully constrained by the surfaces.
    func sweep() -> [RigidTransform] {
        (0..<5).map { i in
            BoxRoom.camera(at: SIMD3(2.3 + 0.08 * Double(i), 1.5 + 0.05 * Double(i), 1.3),
                           looking: SIMD3(1, 0.55 + 0.1 * Double(i), -0.7))
        }
    }

    /// The pairwise residual's AutoDiff Jacobian (registered as CB_RESIDUAL_PAIR_POINT_TO_PLANE) agrees with
    /// central differences, and its value with the distance computed independently here.
    @Test func pairResidualMatchesNumericDiff() throws {
        var g = SeededGenerator(seed: 21)
        var shape = cb_residual_shape()
        #expect(cb_residual_shape_of(Int32(CB_RESIDUAL_PAIR_POINT_TO_PLANE), &shape) == Int32(CB_OK))
        #expect(shape.num_residuals == 1 && shape.num_blocks == 4 && shape.data_length == 9)
        for _ in 0..<25 {
            let a = RigidTransform(rotationVector: g.nextPoint(halfExtent: 1.5), translation: g.nextPoint(halfExtent: 3))
            let b = RigidTransform(rotationVector: g.nextPoint(halfExtent: 1.5), translation: g.nextPoint(halfExtent: 3))
            let point = g.nextPoint(halfExtent: 2), vertex = g.nextPoint(halfExtent: 2), normal = g.nextUnitVector()
            func flat(_ t: RigidTransform) -> [Double] {
                [t.translation.x, t.translation.y, t.translation.z, t.rotation.x, t.rotation.y, t.rotation.z, t.rotation.w]
            }
            let parameters = flat(a) + flat(b)
            let data = [point.x, point.y, point.z, vertex.x, vertex.y, vertex.z, normal.x, normal.y, normal.z]
            var autoResidual = [0.0], numericResidual = [0.0]
            var autoJacobian = [Double](repeating: 0, count: 14), numericJacobian = autoJacobian
            let status = cb_evaluate_residual(Int32(CB_RESIDUAL_PAIR_POINT_TO_PLANE), parameters, data, &autoResidual,
                                              &autoJacobian, &numericResidual, &numericJacobian)
            #expect(status == Int32(CB_OK))
            let expected = dot3(normal, (a.inverse * b).apply(to: point) - vertex)
            #expect(abs(autoResidual[0] - expected) < 1e-12)
            #expect(abs(numericResidual[0] - expected) < 1e-9)
            var difference = 0.0, reference = 0.0
            for (x, y) in zip(autoJacobian, numericJacobian) {
                difference += (x - y) * (x - y)
                reference += x * x
            }
            #expect((difference / reference).squareRoot() < 1e-6)
            // ∂r/∂p_b = (R_a n)ᵀ: moving b's camera moves the point with it.
            let worldNormal = a.rotate(normal)
            #expect(abs(autoJacobian[7] - worldNormal.x) < 1e-12 && abs(autoJacobian[9] - worldNormal.z) < 1e-12)
        }
    }

    /// Perturbed keyframe poses (first one exact, the gauge) move back towards the truth.
    @Test func refinementReducesPerturbedPoseError() throws {
        let truth = sweep()
        let frames = truth.map(prepared)
        var g = SeededGenerator(seed: 5)
        var poses = truth.enumerated().map { i, pose in
            i == 0 ? pose : pose * RigidTransform(rotationVector: g.nextUnitVector() * 0.015, translation: g.nextUnitVector() * 0.03)
        }
        func meanError(_ estimate: [RigidTransform]) -> Double {
            zip(estimate, truth).map { $0.translationDistance(to: $1) }.reduce(0, +) / Double(truth.count - 1)
        }
        let before = meanError(poses)
        var options = ReconOptions.GlobalRefinementOptions()
        options.samplesPerPair = 400
        options.minMatches = 30
        options.outerIterations = 5
        let result = try GlobalRefinement.refine(&poses, frames: frames, priorEdges: [], options: options,
                                                 input: .init(), threads: 1)
        let after = meanError(poses)
        #expect(result.pairs == 10, "every pair of the five overlapping keyframes")
        #expect(result.pairDirectionsUsed > 0 && result.matches > 0)
        #expect(result.rmseAfter < result.rmseBefore)
        #expect(after < 0.1 * before, "mean position error \(after) m after vs \(before) m before")
        #expect(poses[0].translationDistance(to: truth[0]) < 1e-12, "keyframe 0 is fixed")
    }

    /// Keyframes that see each other only after a long gap are still paired (the drift-correcting pairs).
    @Test func pairsKeepRevisitedKeyframes() throws {
        let corner = sweep()
        // 0 and 1 look at the corner, 2…4 elsewhere (the opposite corner), 5 looks at the first corner again.
        let away = (0..<3).map { i in BoxRoom.camera(at: SIMD3(1.6, 1.4 - 0.1 * Double(i), 1.2), looking: SIMD3(-1, -0.6, -0.2)) }
        let poses = [corner[0], corner[1]] + away + [corner[2]]
        let frames = poses.map(prepared)
        var options = ReconOptions.GlobalRefinementOptions()
        options.maxPairsPerKeyframe = 3
        let pairs = GlobalRefinement.pairs(frames: frames, poses: poses, options: options)
        #expect(pairs.contains { $0.a == 0 && $0.b == 5 })
        #expect(pairs.contains { $0.a == 1 && $0.b == 5 })
        #expect(!pairs.contains { ($0.a < 2 && (2...4).contains($0.b)) }, "no pairs between opposite walls: \(pairs)")
    }

    @Test func badInputGivesTypedErrors() throws {
        var options = ReconOptions()
        options.globalRefinement.samplesPerPair = 4
        #expect(throws: ReconError.self) { try options.validate() }
        // A pair naming a keyframe that does not exist is rejected by the bridge, not a crash.
        let frame = prepared(sweep()[0])
        var poses = [cb_pose(RigidTransform.identity)]
        var o = cb_dense_refine_options_default()
        var result = cb_dense_refine_result()
        let pairs = [cb_keyframe_pair(a: 0, b: 3)]
        let status = try frame.withBridged { (view) -> Int32 in
            cb_dense_refine(&poses, 1, &view, pairs, 1, nil, 0, 0, &o, &result)
        }
        #expect(status == Int32(CB_INVALID_ARGUMENT))
        #expect(String(cString: cb_last_error()).contains("pair 0"))
    }
}
