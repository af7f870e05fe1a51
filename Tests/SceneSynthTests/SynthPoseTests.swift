import Foundation
import Testing
import Geometry
@testable import SceneSynth

@Suite struct SynthPoseTests {
    static let poses: [SynthPose] = [
        .lookAt(eye: [1, 2, 1.5], target: [3, 0, 1]), .lookAt(eye: [0, 0, 1], target: [-2, -1, 0.2], roll: 0.3),
        .lookAt(eye: [4, 1, 1.4], target: [4.2, 3, 2.5]),
        SynthPose(rotation: Mat3.rotation(vector: [0.3, -1.2, 2.0]), translation: [0.5, -1, 2]),
    ]

    @Test(arguments: poses)
    func rigidTransformRoundTripAppliesTheSameMotion(pose: SynthPose) {
        let rigid = pose.rigid
        for p: SIMD3<Double> in [[0, 0, 0], [1, 2, 3], [-0.5, 0.25, 4]] {
            #expect(length(rigid.apply(to: p) - pose.apply(p)) < 1e-9)
        }
        let back = SynthPose(rigid)
        #expect(length(back.rotation.c0 - pose.rotation.c0) + length(back.rotation.c2 - pose.rotation.c2) < 1e-9)
    }

    @Test(arguments: poses)
    func composeWithInverseIsIdentity(pose: SynthPose) {
        let id = pose * pose.inverse
        #expect(id.rotation.angle < 1e-6 && length(id.translation) < 1e-9)
    }

    @Test func lookAtPointsTheOpticalAxisAtTheTarget() {
        let pose = SynthPose.lookAt(eye: [1, 1, 1.5], target: [3, 2, 1])
        let axis = pose.rotation.c2
        let want = SIMD3<Double>(2, 1, -0.5) / length(SIMD3<Double>(2, 1, -0.5))
        #expect(length(axis - want) < 1e-12)
        #expect(pose.rotation.c1.z < 0)   // image y points down in the world
    }
}
