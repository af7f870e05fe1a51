import CBridge
import Testing
@testable import Geometry

/// Correspondences `target = targetFromSource(source)` with random unit normals (all six dof observable).
private struct Correspondences {
    var source: [SIMD3<Double>] = []
    var target: [SIMD3<Double>] = []
    var normals: [SIMD3<Double>] = []

    init(count: Int, targetFromSource: RigidTransform, generator g: inout SeededGenerator) {
        for _ in 0..<count {
            let p = g.nextPoint(halfExtent: 1.5)
            source.append(p)
            target.append(targetFromSource.apply(to: p))
            normals.append(g.nextUnitVector())
        }
    }
}

@Suite struct PointToPlaneAlignmentTests {
    static let truth = RigidTransform(rotation: Quaternion(axis: SIMD3(0.2, -1, 0.4), angle: 0.3),
                                      translation: SIMD3(0.12, -0.16, 0))

    @Test func truthIsThePromisedMotion() {
        #expect(abs(Self.truth.rotationAngle(to: .identity) - 0.3) < 1e-12)
        #expect(abs(Self.truth.translationDistance(to: .identity) - 0.2) < 1e-12)
    }

    @Test(arguments: [UInt64(1), 7]) func recoversAKnownTransformFromExactCorrespondences(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        let data = Correspondences(count: 500, targetFromSource: Self.truth, generator: &g)
        let result = try PointToPlaneAlignment.align(source: data.source, target: data.target,
                                                     targetNormals: data.normals)
        #expect(result.converged, "\(result.message)")
        #expect(result.targetFromSource.rotationAngle(to: Self.truth) < 1e-6)
        #expect(result.targetFromSource.translationDistance(to: Self.truth) < 1e-6)
        #expect(result.initialCost > 1e-3)
        #expect(result.finalCost < 1e-12 && result.finalCost < result.initialCost)
        #expect(result.iterations >= 1 && result.iterations <= 50)
        #expect(abs(result.targetFromSource.rotation.norm - 1) < 1e-12)
    }

    @Test func hubersLossShrugsOffFivePercentGrossOutliers() throws {
        var g = SeededGenerator(seed: 11)
        var data = Correspondences(count: 1000, targetFromSource: Self.truth, generator: &g)
        for i in stride(from: 0, to: data.target.count, by: 20) {  // 5 %: pushed 0.5–2 m off their plane
            data.target[i] += data.normals[i] * g.nextUniform(in: 0.5..<2) * (g.nextUnitDouble() < 0.5 ? -1 : 1)
        }
        var robust = AlignmentOptions()
        robust.huberDelta = 0.005
        robust.threadCount = 2
        let huber = try PointToPlaneAlignment.align(source: data.source, target: data.target,
                                                    targetNormals: data.normals, options: robust)
        let plain = try PointToPlaneAlignment.align(source: data.source, target: data.target,
                                                    targetNormals: data.normals)
        #expect(huber.targetFromSource.rotationAngle(to: Self.truth) < 1e-3)
        #expect(huber.targetFromSource.translationDistance(to: Self.truth) < 1e-3)
        // Least squares is dragged by the outliers by an order of magnitude more.
        #expect(plain.targetFromSource.translationDistance(to: Self.truth) >
                10 * huber.targetFromSource.translationDistance(to: Self.truth))
    }

    @Test func floatOverloadMatches() throws {
        var g = SeededGenerator(seed: 5)
        let data = Correspondences(count: 200, targetFromSource: Self.truth, generator: &g)
        let result = try PointToPlaneAlignment.align(source: data.source.map(SIMD3<Float>.init),
                                                     target: data.target.map(SIMD3<Float>.init),
                                                     targetNormals: data.normals.map(SIMD3<Float>.init))
        #expect(result.targetFromSource.rotationAngle(to: Self.truth) < 1e-5)
        #expect(result.targetFromSource.translationDistance(to: Self.truth) < 1e-5)
    }

    @Test func runningOutOfIterationsIsAValueNotAnError() throws {
        var g = SeededGenerator(seed: 3)
        let data = Correspondences(count: 300, targetFromSource: Self.truth, generator: &g)
        var options = AlignmentOptions()
        options.maxIterations = 1
        let result = try PointToPlaneAlignment.align(source: data.source, target: data.target,
                                                     targetNormals: data.normals, options: options)
        #expect(result.termination == .maxIterationsReached)
        #expect(!result.converged)
        #expect(result.finalCost < result.initialCost)
    }

    @Test func badInputGivesTypedErrors() {
        #expect {
            try PointToPlaneAlignment.align(source: [SIMD3<Double>](), target: [], targetNormals: [])
        } throws: { error in
            guard case let .bridgeFailure(function, status, message) = error as? GeometryError else { return false }
            return function == "cb_align_point_to_plane" && Int(status) == Int(CB_INVALID_ARGUMENT)
                && message.contains("n = 0")
        }
        let p = [SIMD3<Double>(0, 0, 1), SIMD3(1, 0, 1)]
        let n = [SIMD3<Double>(0, 0, 1), SIMD3(0, 0, 1)]
        #expect {
            try PointToPlaneAlignment.align(source: p, target: [p[0], SIMD3(.nan, 0, 1)], targetNormals: n)
        } throws: { error in
            guard case let .bridgeFailure(_, _, message) = error as? GeometryError else { return false }
            return message.contains("target_xyz[3] is not finite")
        }
        #expect(throws: GeometryError.sizeMismatch(name: "targetNormals", expected: 2, actual: 1)) {
            try PointToPlaneAlignment.align(source: p, target: p, targetNormals: [n[0]])
        }
        var options = AlignmentOptions()
        options.huberDelta = -1
        #expect(throws: GeometryError.invalidArgument(name: "huberDelta", value: "-1.0",
                                                      expected: "finite, > 0, or nil")) {
            try PointToPlaneAlignment.align(source: p, target: p, targetNormals: n, options: options)
        }
    }
}

/// A valid evaluation point for every registered residual family. The switch is exhaustive on purpose: adding a
/// `ResidualKind` without test input here does not compile, so no residual escapes the numeric-diff check.
private func sampleInput(_ kind: ResidualKind, _ g: inout SeededGenerator) -> (parameters: [Double], data: [Double]) {
    switch kind {
    case .pointToPlane, .pointToPlaneClosedForm:
        let pose = g.nextTransform(), q = pose.rotation, t = pose.translation
        let source = g.nextPoint(halfExtent: 2), target = g.nextPoint(halfExtent: 2), normal = g.nextUnitVector()
        return ([q.x, q.y, q.z, q.w, t.x, t.y, t.z],
                [source.x, source.y, source.z, target.x, target.y, target.z, normal.x, normal.y, normal.z])
    case .photometric, .photometricClosedForm:
        // A small motion so that the point lands inside the 8×8 image (fx = fy = 3, principal point at its centre).
        let q = Quaternion(rotationVector: SIMD3(g.nextGaussian(), g.nextGaussian(), g.nextGaussian()) * 0.03)
        let t = SIMD3(g.nextGaussian(), g.nextGaussian(), g.nextGaussian()) * 0.02
        let source = SIMD3(g.nextUniform(in: -0.3..<0.3), g.nextUniform(in: -0.3..<0.3), g.nextUniform(in: 1.5..<2.5))
        let image = (0..<64).map { _ in g.nextUnitDouble() }
        return ([q.x, q.y, q.z, q.w, t.x, t.y, t.z],
                [source.x, source.y, source.z, g.nextUnitDouble(), 3, 3, 3.5, 3.5] + image)
    case .poseGraphEdge:
        let a = g.nextTransform(), b = g.nextTransform(), measured = g.nextTransform()
        var sqrtInformation = [Double](repeating: 0, count: 36)
        for row in 0..<6 {
            sqrtInformation[row * 6 + row] = g.nextUniform(in: 0.5..<2)
            for column in (row + 1)..<6 { sqrtInformation[row * 6 + column] = g.nextUniform(in: -0.3..<0.3) }
        }
        func flat(_ p: RigidTransform) -> [Double] {
            [p.translation.x, p.translation.y, p.translation.z, p.rotation.x, p.rotation.y, p.rotation.z, p.rotation.w]
        }
        return (flat(a) + flat(b), flat(measured) + sqrtInformation)
    }
}

@Suite struct ResidualCheckTests {
    @Test(arguments: ResidualKind.allCases) func everyResidualMatchesNumericDiff(kind: ResidualKind) throws {
        var g = SeededGenerator(seed: 77)
        for _ in 0..<25 {
            let (parameters, data) = sampleInput(kind, &g)
            let check = try ResidualCheck.evaluate(kind, parameters: parameters, data: data)
            #expect(maxAbsDifference(check.autodiffResiduals, check.numericResiduals) < 1e-12)
            #expect(check.jacobianRelativeError < 1e-6)
            #expect(check.autodiffJacobian.contains { $0 != 0 })
        }
    }

    /// The closed-form Jacobians agree with automatic differentiation of the same functor to rounding, also for
    /// quaternions off the unit sphere (the solver evaluates between manifold steps) and large rotations.
    @Test(arguments: ResidualKind.allCases.filter { $0.automaticCounterpart != nil })
    func closedFormMatchesAutodiff(kind: ResidualKind) throws {
        let automatic = try #require(kind.automaticCounterpart)
        var g = SeededGenerator(seed: 91)
        var compared = 0
        for trial in 0..<200 {
            var (parameters, data) = sampleInput(kind, &g)
            if trial % 2 == 1 {
                let scale = g.nextUniform(in: 0.7..<1.4)   // a non-unit quaternion
                for i in 0..<4 { parameters[i] *= scale }
            }
            let closed = try ResidualCheck.evaluate(kind, parameters: parameters, data: data)
            let reference = try ResidualCheck.evaluate(automatic, parameters: parameters, data: data)
            #expect(maxAbsDifference(closed.autodiffResiduals, reference.autodiffResiduals) < 1e-14)
            let scaleOfJ = max(reference.autodiffJacobian.map(abs).max() ?? 0, 1e-300)
            #expect(maxAbsDifference(closed.autodiffJacobian, reference.autodiffJacobian) / scaleOfJ < 1e-12)
            if reference.autodiffJacobian.contains(where: { $0 != 0 }) { compared += 1 }
        }
        #expect(compared > 150)
    }

    @Test func pointToPlaneShape() throws {
        let shape = try ResidualCheck.shape(of: .pointToPlane)
        #expect(shape == ResidualShape(residualCount: 1, blockSizes: [4, 3], dataLength: 9))
    }

    @Test(arguments: propertySeeds) func pointToPlaneAutodiffMatchesNumericDiff(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        for _ in 0..<20 {
            let pose = g.nextTransform()
            let source = g.nextPoint(halfExtent: 2), target = g.nextPoint(halfExtent: 2), normal = g.nextUnitVector()
            let q = pose.rotation, t = pose.translation
            let parameters = [q.x, q.y, q.z, q.w, t.x, t.y, t.z]
            let data = [source.x, source.y, source.z, target.x, target.y, target.z, normal.x, normal.y, normal.z]
            let check = try ResidualCheck.evaluate(.pointToPlane, parameters: parameters, data: data)
            // The residual is the signed distance n · (R p + t − q) computed independently in Swift.
            let expected = dot3(normal, pose.apply(to: source) - target)
            #expect(abs(check.autodiffResiduals[0] - expected) < 1e-12)
            #expect(abs(check.numericResiduals[0] - expected) < 1e-12)
            #expect(check.jacobianRelativeError < 1e-6)
            // ∂r/∂t = nᵀ exactly.
            #expect(maxAbsDifference(Array(check.autodiffJacobian[4...]), [normal.x, normal.y, normal.z]) < 1e-14)
        }
    }

    @Test func evaluationRejectsBadInput() {
        #expect(throws: GeometryError.sizeMismatch(name: "parameters", expected: 7, actual: 6)) {
            try ResidualCheck.evaluate(.pointToPlane, parameters: [0, 0, 0, 1, 0, 0], data: Array(repeating: 0, count: 9))
        }
        #expect {
            try ResidualCheck.evaluate(.pointToPlane, parameters: [0, 0, 0, 1, 0, 0, 0],
                                       data: [0, 0, .infinity, 0, 0, 0, 0, 0, 1])
        } throws: { error in
            guard case let .bridgeFailure(_, _, message) = error as? GeometryError else { return false }
            return message.contains("data[2]")
        }
    }
}
