import Foundation
import Geometry
import Testing
@testable import Recon

/// `tracking.devicePriorWeight`: the odometry's pull towards its initial guess (the device's relative motion).
@Suite struct DevicePriorTests {
    let intrinsics = PinholeIntrinsics(width: 80, height: 60, fx: 60, fy: 60, cx: 39.5, cy: 29.5)

    func prepared(_ camera: RigidTransform) -> PreparedFrame {
        PreparedFrame(BoxRoom.render(worldFromCamera: camera, intrinsics: intrinsics), intrinsics: intrinsics,
                      depthScale: BoxRoom.depthScale, depthRange: 0.1...6)
    }

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
