import Testing
@testable import Geometry

@Suite struct SymmetricEigen3Tests {
    /// Eigenvalue triples including repeated and zero values (the hard cases for closed forms).
    static let spectra: [SIMD3<Double>] = [SIMD3(1, 2, 3), SIMD3(0, 1, 1), SIMD3(2, 2, 2), SIMD3(-1, 0, 5), SIMD3(1e-9, 1, 1)]

    @Test(arguments: spectra) func decomposesRandomSymmetricMatrices(spectrum: SIMD3<Double>) {
        var g = SeededGenerator(seed: 8)
        for _ in 0..<20 {
            let r = g.nextRotation().rotationMatrix
            let a = r * Matrix3.diagonal(spectrum) * r.transposed
            let eigen = SymmetricEigen3(a)
            let sorted = [spectrum.x, spectrum.y, spectrum.z].sorted()
            #expect(maxAbsDifference(eigen.eigenvalues, SIMD3(sorted[0], sorted[1], sorted[2])) < 1e-12)
            let v = eigen.eigenvectors
            #expect((v.transposed * v - .identity).maxAbsElement < 1e-12)
            #expect(abs(v.determinant - 1) < 1e-12)
            #expect((v * Matrix3.diagonal(eigen.eigenvalues) * v.transposed - a).maxAbsElement < 1e-12)
        }
    }
}

@Suite struct NormalEstimationTests {
    @Test(arguments: [UInt64(1), 2, 3]) func planeGivesThePlaneNormal(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        let planeFromWorld = g.nextRotation()
        let normal = planeFromWorld.rotate(SIMD3(0, 0, 1))
        let offset = g.nextPoint(halfExtent: 1)
        let points = (0..<2000).map { _ in
            SIMD3<Float>(planeFromWorld.rotate(SIMD3(g.nextUniform(in: -1..<1), g.nextUniform(in: -1..<1), 0)) + offset)
        }
        let up = SIMD3<Float>(1, 0, 0)  // a direction not in the plane (random plane)
        let result = try NormalEstimation.estimate(
            points: points, options: NormalEstimationOptions(neighborCount: 12, orientation: .alongDirection(up)))
        let expected = SIMD3<Float>(normal.x < 0 ? -normal : normal)
        #expect(result.normals.allSatisfy { abs(length3($0) - 1) < 1e-5 })
        #expect(result.normals.map { dot3($0, expected) }.min() ?? 0 > 0.9999)
        #expect(result.surfaceVariation.max() ?? 1 < 1e-5)
    }

    @Test func sphereGivesRadialNormals() throws {
        var g = SeededGenerator(seed: 4)
        let centre = SIMD3<Float>(0.5, -1, 2)
        let points = (0..<4000).map { _ in centre + SIMD3<Float>(g.nextUnitVector()) }
        let tree = try KDTree(points: points)
        let inward = try NormalEstimation.estimate(
            points: points, tree: tree, options: NormalEstimationOptions(orientation: .towardViewpoint(centre)))
        let unoriented = try NormalEstimation.estimate(points: points, tree: tree)
        var worst: Float = 1, worstUnoriented: Float = 1
        for i in points.indices {
            let radial = (points[i] - centre) / length3(points[i] - centre)
            worst = min(worst, dot3(inward.normals[i], -radial))
            worstUnoriented = min(worstUnoriented, abs(dot3(unoriented.normals[i], radial)))
        }
        #expect(worst > 0.99)
        #expect(worstUnoriented > 0.99)
        // Curved but smooth: small surface variation.
        #expect(inward.surfaceVariation.max() ?? 1 < 0.05)
    }

    @Test func tooFewPointsGiveZeroNormals() throws {
        let result = try NormalEstimation.estimate(points: [SIMD3(0, 0, 0), SIMD3(1, 0, 0)])
        #expect(result.normals == [.zero, .zero])
    }

    @Test func badOptionsThrow() throws {
        let points = [SIMD3<Float>(0, 0, 0), SIMD3(1, 0, 0), SIMD3(0, 1, 0)]
        #expect(throws: GeometryError.invalidArgument(name: "neighborCount", value: "2", expected: ">= 3")) {
            try NormalEstimation.estimate(points: points, options: NormalEstimationOptions(neighborCount: 2))
        }
        #expect(throws: GeometryError.self) {
            try NormalEstimation.estimate(points: points, options: NormalEstimationOptions(orientation: .alongDirection(.zero)))
        }
        #expect(throws: GeometryError.sizeMismatch(name: "tree.count", expected: 3, actual: 1)) {
            try NormalEstimation.estimate(points: points, tree: KDTree(points: [.zero]))
        }
    }
}
