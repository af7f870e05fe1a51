import Foundation
import _TestSupport
import Geometry
import Testing
@testable import Train

@Suite struct AugmentationTests {
    /// The field is smooth (neighbours 1 cm apart move almost alike), of the configured size, and zero off the grid.
    @Test func elasticFieldIsSmoothAndScaled() throws {
        var rng = SeededGenerator(seed: 3)
        let field = ElasticDistortion(lower: [0, 0, 0], upper: [3, 3, 2], granularity: 0.4, magnitude: 1, using: &rng)
        var total = 0.0, step = 0.0, n = 0.0
        for i in 0..<200 {
            let p = SIMD3(Double(i % 10) * 0.3, Double(i / 10 % 10) * 0.3, Double(i / 100) * 0.9 + 0.1)
            let d = field.displacement(at: p), e = field.displacement(at: p + SIMD3(0.01, 0, 0))
            total += (d * d).sum().squareRoot(); step += ((d - e) * (d - e)).sum().squareRoot(); n += 1
        }
        // Three 3-tap means, twice, leave a per-axis std of about 0.11 of the raw noise: |d| ≈ 0.19 for magnitude 1.
        #expect(total / n > 0.08 && total / n < 0.4, "mean |d| \(total / n)")
        #expect(step / n < 0.05 * total / n, "1 cm apart: \(step / n) vs mean |d| \(total / n)")
        #expect(field.displacement(at: SIMD3(-5, 0, 0)) == .zero)
        // Twice the magnitude, twice the displacement (same noise).
        var rng2 = SeededGenerator(seed: 3)
        let doubled = ElasticDistortion(lower: [0, 0, 0], upper: [3, 3, 2], granularity: 0.4, magnitude: 2, using: &rng2)
        let p = SIMD3(1.1, 0.7, 0.4)
        let gap: SIMD3<Double> = doubled.displacement(at: p) - 2 * field.displacement(at: p)
        #expect((gap * gap).sum() < 1e-20)
    }

    /// Points and 2D object centres move by the same field (an object on a point stays on it), the undistorted
    /// positions are kept, box targets follow the moved points, and p = 0 draws nothing.
    @Test func elasticMovesPointsObjectsAndBoxesTogether() throws {
        let folder = try TinyScene.write(to: temporaryFolder("elastic").appendingPathComponent("scene0"))
        var scene = try TrainScene.load(folder, baseClasses: ["chair", "table"])
        let onPoints = [150, 200, 300]
        scene.objectCenters = onPoints.flatMap { Array(scene.coords[($0 * 3)..<($0 * 3 + 3)]) }
        scene.objectFeatures = [Float](repeating: 0, count: 3 * 4)
        var options = ElasticOptions()
        options.probability = 1
        var rng = SeededGenerator(seed: 9)
        let bent = scene.elasticallyDistorted(options, using: &rng)
        #expect(bent.undistortedCoords == scene.coords)
        #expect(bent.undistortedObjectCenters == scene.objectCenters)
        #expect(bent.coords != scene.coords)
        for (o, i) in onPoints.enumerated() {
            for a in 0..<3 { #expect(bent.objectCenters[o * 3 + a] == bent.coords[i * 3 + a]) }
        }
        // Published magnitudes at 0.02 m per voxel: about 0.15 m (fine pass) and 0.6 m (coarse pass) per point.
        var sum = 0.0
        for i in 0..<scene.pointCount {
            var squared = 0.0
            for a in 0..<3 { let d = Double(bent.coords[i * 3 + a] - scene.coords[i * 3 + a]); squared += d * d }
            sum += squared.squareRoot()
        }
        let mean = sum / Double(scene.pointCount)
        #expect(mean > 0.1 && mean < 1.5, "mean move \(mean) m")
        // Box targets come from the moved points.
        let target = try #require(BoxMaker(scene: bent).target(bent.sceneTargets[0], columns: nil, labelOf: ["chair": 0]))
        let chair = (0..<bent.pointCount).filter { [4, 5].contains(bent.superpoints[$0]) }
        for a in 0..<3 {
            let xs = chair.map { bent.coords[$0 * 3 + a] }
            #expect(abs(target.center[a] - ((xs.max() ?? 0) + (xs.min() ?? 0)) / 2) < 1e-6)
        }
        options.probability = 0
        var quiet = SeededGenerator(seed: 9)
        let same = scene.elasticallyDistorted(options, using: &quiet)
        #expect(same.coords == scene.coords && same.undistortedCoords.isEmpty && quiet.state == SeededGenerator(seed: 9).state)
    }
}
