import Foundation
import Geometry
import Testing
@testable import Recon

/// `tracking.devicePriorWeight`: the odometry's pull towards its initial guess (the device's relative motion).
@Suite struct DevicePriorTests {
    let intrinsics = PinholeIntrinsics(width: 80, height: 60, fx: 60, fy: 60, cx: 39.5, cy: 29.5)

    func prepared(_ camera: RigidTransform) -> PreparedFrame { BoxRoom.prepared(camera, intrinsics: intrinsics) }

    /// In a corner (fully constrained) the default weight still lets the surfaces correct a 2 cm device error,
    /// while an overwhelming weight keeps the device guess: the prior acts, and only as much as it is weighted.
    @Test func priorIsWeakAgainstSurfacesAndHoldsWhenStrong() throws {
        let target = BoxRoom.camera(at: SIMD3(2.5, 1.8, 1.3), looking: SIMD3(1, 0.8, -0.3))
        let motion = RigidTransform(rotationVector: SIMD3(0.01, -0.02, 0.01), translation: SIMD3(0.05, -0.03, 0.02))
        let device = motion * RigidTransform(rotation: .identity, translation: SIMD3(0.015, -0.01, 0.01))
        var tracking = ReconOptions.TrackingOptions()
        tracking.maxPoints = 1500
        func align(weight: Double) throws -> RigidTransform {
            let bridge = RGBDOdometry.bridgeOptions(tracking, input: .init(), threads: 1, priorWeight: weight)
            return try RGBDOdometry.align(source: prepared(target * motion), target: prepared(target), initial: device,
                                          options: bridge).targetFromSource
        }
        let deviceError = device.translationDistance(to: motion)
        let weak = try align(weight: ReconOptions.TrackingOptions().devicePriorWeight)
        #expect(weak.translationDistance(to: motion) < 0.2 * deviceError, "\(weak.translationDistance(to: motion)) m")
        let strong = try align(weight: 1e5)
        #expect(strong.translationDistance(to: device) < 0.002)
        #expect(strong.translationDistance(to: motion) > 0.8 * deviceError)
    }

    @Test func negativeWeightIsRejected() throws {
        var options = ReconOptions()
        options.tracking.devicePriorWeight = -1
        #expect(throws: ReconError.self) { try options.validate() }
        options = ReconOptions()
        options.globalRefinement.devicePriorWeight = -1
        #expect(throws: ReconError.self) { try options.validate() }
    }
}

/// The guard's second test: refined frame-to-frame motion against the device's.
@Suite struct MotionDisagreementTests {
    @Test func aSlidingStretchIsSeenAndAGlobalBendIsNot() throws {
        let device = (0..<40).map { i in
            RigidTransform(rotationVector: SIMD3(0, 0, 0.02 * Double(i)), translation: SIMD3(0.05 * Double(i), 0, 0))
        }
        // A slow global correction (drift removed): every frame-to-frame motion changes by 0.5 mm at most.
        let corrected = device.enumerated().map { i, pose in
            RigidTransform(translation: SIMD3(0, 0.0005 * Double(i), 0)) * pose
        }
        #expect(TrajectoryConsistency.motionDisagreement(refined: corrected, device: device).p95 < 0.001)
        // Frames 10…14 slid 3 cm sideways (an alignment sliding along a wall): entering and leaving the slide
        // depart by 3 cm, far above the rest.
        let slid = device.enumerated().map { i, pose in
            (10...14).contains(i) ? pose * RigidTransform(translation: SIMD3(0, 0.03, 0)) : pose
        }
        let statistics = TrajectoryConsistency.motionDisagreement(refined: slid, device: device)
        #expect(abs(statistics.p95 - 0.03) < 1e-9)
        #expect(statistics.median < 1e-9)
        let single = TrajectoryConsistency.motionDisagreement(refined: [device[0]], device: [device[0]])
        #expect(single.p95 == 0 && single.median == 0)
    }
}
