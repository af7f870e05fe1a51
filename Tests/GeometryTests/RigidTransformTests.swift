import Testing
@testable import Geometry

@Suite struct RigidTransformTests {
    @Test(arguments: propertySeeds) func composeWithInverseIsIdentity(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        for _ in 0..<100 {
            let worldFromCamera = g.nextTransform()
            for product in [worldFromCamera * worldFromCamera.inverse, worldFromCamera.inverse * worldFromCamera] {
                #expect(product.rotationAngle(to: .identity) < 1e-12)
                #expect(product.translationDistance(to: .identity) < 1e-12)
            }
            let pointInCamera = g.nextPoint(halfExtent: 5)
            let pointInWorld = worldFromCamera.apply(to: pointInCamera)
            #expect(maxAbsDifference(worldFromCamera.inverse.apply(to: pointInWorld), pointInCamera) < 1e-12)
        }
    }

    @Test(arguments: propertySeeds) func compositionIsAssociativeAndActsInOrder(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        let aFromB = g.nextTransform(), bFromC = g.nextTransform(), cFromD = g.nextTransform()
        let p = g.nextPoint(halfExtent: 1)
        #expect(maxAbsDifference((aFromB * bFromC).apply(to: p), aFromB.apply(to: bFromC.apply(to: p))) < 1e-12)
        let left = (aFromB * bFromC) * cFromD, right = aFromB * (bFromC * cFromD)
        #expect(left.rotationAngle(to: right) < 1e-12 && left.translationDistance(to: right) < 1e-12)
    }

    @Test(arguments: propertySeeds) func matrixRoundTrip(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        for _ in 0..<50 {
            let t = g.nextTransform()
            let m = t.matrix4x4
            #expect(m.count == 16 && Array(m[12...]) == [0, 0, 0, 1])
            let back = try RigidTransform(matrix: m)
            #expect(back.rotationAngle(to: t) < 1e-12)
            #expect(back.translationDistance(to: t) < 1e-15)
            // The matrix acts like the transform on homogeneous points.
            let p = g.nextPoint(halfExtent: 2)
            let viaMatrix = SIMD3((0..<3).map { r in m[4 * r] * p.x + m[4 * r + 1] * p.y + m[4 * r + 2] * p.z + m[4 * r + 3] })
            #expect(maxAbsDifference(viaMatrix, t.apply(to: p)) < 1e-12)
        }
    }

    @Test func nonRigidMatricesThrowTypedErrors() {
        var scaled = RigidTransform.identity.matrix4x4
        scaled[0] = 1.1
        #expect(throws: GeometryError.self) { try RigidTransform(matrix: scaled) }
        var reflection = RigidTransform.identity.matrix4x4
        reflection[10] = -1
        #expect {
            try RigidTransform(matrix: reflection)
        } throws: { error in
            if case .notRigid(let property, _, _) = error as? GeometryError { return property.contains("det") }
            return false
        }
        var projective = RigidTransform.identity.matrix4x4
        projective[12] = 0.5
        #expect(throws: GeometryError.self) { try RigidTransform(matrix: projective) }
        #expect(throws: GeometryError.sizeMismatch(name: "matrix", expected: 16, actual: 9)) {
            try RigidTransform(matrix: Array(repeating: 0, count: 9))
        }
        var nan = RigidTransform.identity.matrix4x4
        nan[5] = .nan
        #expect(throws: GeometryError.nonFinite(name: "matrix", index: 5)) { try RigidTransform(matrix: nan) }
    }

    @Test(arguments: propertySeeds) func expLogRoundTrip(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        for scale in [1e-8, 1e-3, 0.5, 2.5] {
            let twist = Twist(rotation: g.nextUnitVector() * scale, translation: g.nextPoint(halfExtent: 1))
            let t = RigidTransform.exp(twist)
            let back = t.log()
            #expect(maxAbsDifference(back.rotation, twist.rotation) < 1e-12)
            #expect(maxAbsDifference(back.translation, twist.translation) < 1e-10)
        }
    }

    @Test func expOfPureTranslationAndOfSmallTwistMatchesFirstOrder() {
        let pure = RigidTransform.exp(Twist(rotation: .zero, translation: SIMD3(0.1, -0.2, 0.3)))
        #expect(pure.rotationAngle(to: .identity) == 0 && pure.translation == SIMD3(0.1, -0.2, 0.3))
        // exp(ε ξ) applied to p ≈ p + ε (ω × p + ρ).
        let eps = 1e-7, omega = SIMD3<Double>(0.3, -0.1, 0.7), rho = SIMD3<Double>(1, 2, -1), p = SIMD3<Double>(0.5, 0.2, 2)
        let moved = RigidTransform.exp(Twist(rotation: eps * omega, translation: eps * rho)).apply(to: p)
        #expect(maxAbsDifference((moved - p) / eps, cross3(omega, p) + rho) < 1e-6)
    }

    @Test func floatOverloadsAgreeWithDouble() {
        var g = SeededGenerator(seed: 9)
        let t = g.nextTransform()
        let points = (0..<64).map { _ in SIMD3<Float>(g.nextPoint(halfExtent: 3)) }
        let batch = t.apply(to: points)
        for (p, q) in zip(points, batch) {
            let single = t.apply(to: p)
            #expect(maxAbsDifference(SIMD3<Double>(single), SIMD3<Double>(q)) < 1e-5)
            #expect(maxAbsDifference(SIMD3<Double>(single), t.apply(to: SIMD3<Double>(p))) < 1e-6)
        }
    }

    @Test func distancesBetweenKnownTransforms() {
        let a = RigidTransform(rotationVector: SIMD3(0, 0, 0.3), translation: SIMD3(1, 0, 0))
        let b = RigidTransform(rotationVector: SIMD3(0, 0, -0.2), translation: SIMD3(1, 3, 4))
        #expect(abs(a.translationDistance(to: b) - 5) < 1e-15)
        #expect(abs(a.rotationAngle(to: b) - 0.5) < 1e-14)
    }
}
