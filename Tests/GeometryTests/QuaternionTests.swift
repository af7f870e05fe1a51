import Foundation
import Testing
@testable import Geometry

@Suite struct QuaternionTests {
    @Test func axisAngleRotatesXIntoY() {
        let q = Quaternion(axis: SIMD3(0, 0, 2), angle: .pi / 2)
        #expect(abs(q.norm - 1) < 1e-15)
        #expect(maxAbsDifference(q.rotate(SIMD3(1, 0, 0)), SIMD3(0, 1, 0)) < 1e-15)
        // Stored order is xyzw: for a z-axis rotation only z and w are non-zero.
        #expect(abs(q.z - sin(.pi / 4)) < 1e-15 && abs(q.w - cos(.pi / 4)) < 1e-15 && q.x == 0 && q.y == 0)
    }

    @Test(arguments: propertySeeds) func matrixRoundTripAndAgreement(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        for _ in 0..<200 {
            let q = g.nextRotation()
            let r = q.rotationMatrix
            #expect((r.transposed * r - .identity).maxAbsElement < 1e-14)
            #expect(abs(r.determinant - 1) < 1e-14)
            #expect(quaternionDistance(Quaternion(rotationMatrix: r), q) < 1e-12)
            let v = g.nextPoint(halfExtent: 3)
            #expect(maxAbsDifference(r * v, q.rotate(v)) < 1e-13)
        }
    }

    @Test func matrixToQuaternionNearHalfTurn() {
        // Angles near π exercise the non-trace branches of Shepperd's method.
        for axis in [SIMD3<Double>(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1), SIMD3(1, -2, 0.5)] {
            let q = Quaternion(axis: axis, angle: .pi - 1e-9)
            #expect(quaternionDistance(Quaternion(rotationMatrix: q.rotationMatrix), q) < 1e-9)
        }
    }

    @Test(arguments: propertySeeds) func compositionMatchesSequentialRotation(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        for _ in 0..<100 {
            let a = g.nextRotation(), b = g.nextRotation(), v = g.nextPoint(halfExtent: 1)
            #expect(maxAbsDifference((a * b).rotate(v), a.rotate(b.rotate(v))) < 1e-13)
            #expect(maxAbsDifference(((a * b).rotationMatrix - a.rotationMatrix * b.rotationMatrix).rowMajor,
                                     Array(repeating: 0, count: 9)) < 1e-13)
            #expect(quaternionDistance(a * a.inverse, .identity) < 1e-14)
            #expect(quaternionDistance(a.conjugate, a.inverse) < 1e-14)
        }
    }

    @Test(arguments: propertySeeds) func rotationVectorRoundTrip(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        for scale in [1e-9, 1e-5, 1e-2, 1.0, 3.0] {
            let v = g.nextUnitVector() * scale
            let q = Quaternion(rotationVector: v)
            #expect(abs(q.norm - 1) < 1e-14)
            #expect(maxAbsDifference(q.rotationVector, v) < 1e-12 * max(1, scale))
            #expect(abs(q.angle - scale) < 1e-12)
        }
    }

    @Test(arguments: propertySeeds) func slerpFollowsTheGeodesic(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        let a = g.nextRotation(), b = g.nextRotation()
        let total = a.angle(to: b)
        #expect(quaternionDistance(a.slerp(to: b, t: 0), a) < 1e-12)
        #expect(quaternionDistance(a.slerp(to: b, t: 1), b) < 1e-12)
        for t in [0.25, 0.5, 0.9] {
            let m = a.slerp(to: b, t: t)
            #expect(abs(m.norm - 1) < 1e-14)
            #expect(abs(a.angle(to: m) - t * total) < 1e-10)
            #expect(abs(m.angle(to: b) - (1 - t) * total) < 1e-10)
        }
    }

    @Test func angleBetweenIgnoresSign() {
        let q = Quaternion(axis: SIMD3(1, 1, 0), angle: 0.7)
        let minusQ = Quaternion(x: -q.x, y: -q.y, z: -q.z, w: -q.w)
        #expect(q.angle(to: minusQ) < 1e-12)
        #expect(abs(Quaternion.identity.angle(to: q) - 0.7) < 1e-14)
    }
}
