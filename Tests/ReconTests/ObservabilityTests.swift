import Geometry
import Testing
@testable import Recon

/// Which translations a view pins down: a wall alone leaves the two directions along it unobserved, a corner none.
@Suite struct ObservabilityTests {
    let intrinsics = PinholeIntrinsics(width: 80, height: 60, fx: 60, fy: 60, cx: 39.5, cy: 29.5)

    func prepared(_ camera: RigidTransform) -> PreparedFrame { BoxRoom.prepared(camera, intrinsics: intrinsics) }

    @Test func aWallLeavesTheSlideAlongItUnobserved() {
        // 2 m in front of the wall x = 4, seeing nothing else.
        let camera = BoxRoom.camera(at: SIMD3(2, 1.5, 1.25), looking: SIMD3(1, 0, 0))
        let o = TranslationObservability(prepared(camera), threshold: 0.03, stride: 4)
        #expect(o.normals >= 100)
        #expect(o.unobserved.count == 2, "eigenvalues \(o.eigenvalues)")
        #expect(o.eigenvalues[2] > 0.95 && abs(o.eigenvalues.sum() - 1) < 1e-9)
        func moved(_ d: SIMD3<Double>) -> RigidTransform {
            RigidTransform(rotation: camera.rotation, translation: camera.translation + d)
        }
        // Along the wall (world y and z): counted in full; towards it (world x): not at all.
        #expect(abs(o.displacement(of: moved(SIMD3(0, 0.1, 0)), from: camera) - 0.1) < 0.005)
        #expect(abs(o.displacement(of: moved(SIMD3(0, 0.06, 0.08)), from: camera) - 0.1) < 0.005)
        #expect(o.displacement(of: moved(SIMD3(0.1, 0, 0)), from: camera) < 0.005)
    }

    @Test func twoWallsLeaveTheVerticalUnobservedAndACornerNothing() {
        // Walls x = 4 and y = 3, no floor or ceiling in view: only sliding up and down is free.
        let walls = BoxRoom.camera(at: SIMD3(2.5, 1.8, 1.3), looking: SIMD3(1, 0.8, -0.3))
        let two = TranslationObservability(prepared(walls), threshold: 0.03, stride: 4)
        #expect(two.unobserved.count == 1, "eigenvalues \(two.eigenvalues)")
        if let u = two.unobserved.first {
            #expect(abs(walls.rotation.rotate(u).z) > 0.95, "unobserved direction \(walls.rotation.rotate(u)) in the world")
        }
        // With the floor in view as well, every direction is pinned.
        let corner = BoxRoom.camera(at: SIMD3(2.5, 1.8, 1.8), looking: SIMD3(1, 0.8, -1.2))
        let three = TranslationObservability(prepared(corner), threshold: 0.03, stride: 4)
        #expect(three.unobserved.isEmpty, "eigenvalues \(three.eigenvalues)")
        #expect(three.displacement(of: RigidTransform(rotation: corner.rotation, translation: corner.translation + SIMD3(0.2, 0.1, 0)),
                                   from: corner) == 0)
    }

    @Test func tooFewNormalsSayNothing() {
        let seen = prepared(BoxRoom.camera(at: SIMD3(2, 1.5, 1.25), looking: SIMD3(1, 0, 0)))
        let frame = PreparedFrame(intrinsics: seen.intrinsics, depth: seen.depth.map { _ in 0 }, rgb: seen.rgb,
                                  intensity: seen.intensity, validDepthFraction: 0)
        let o = TranslationObservability(frame, threshold: 0.03)
        #expect(o.normals == 0 && o.unobserved.isEmpty)
    }
}
