import Testing
@testable import Geometry

@Suite struct PinholeIntrinsicsTests {
    static let kinect = PinholeIntrinsics(width: 640, height: 480, fx: 577.87, fy: 577.87, cx: 319.5, cy: 239.5)

    @Test(arguments: propertySeeds) func projectUnprojectRoundTrip(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        let k = Self.kinect
        for _ in 0..<200 {
            let pixel = SIMD2(g.nextUniform(in: -0.5..<639.5), g.nextUniform(in: -0.5..<479.5))
            let depth = g.nextUniform(in: 0.2..<8)
            let pointInCamera = k.unproject(pixel: pixel, depth: depth)
            #expect(abs(pointInCamera.z - depth) < 1e-15)
            let back = try #require(k.project(pointInCamera))
            #expect(abs(back.x - pixel.x) < 1e-9 && abs(back.y - pixel.y) < 1e-9)
            #expect(k.contains(back))
        }
    }

    @Test func pointsBehindTheCameraDoNotProject() {
        #expect(Self.kinect.project(SIMD3(0.1, 0.2, -1)) == nil)
        #expect(Self.kinect.project(SIMD3(0.1, 0.2, 0)) == nil)
        let centre = Self.kinect.project(SIMD3(0, 0, 2))
        #expect(centre == SIMD2(319.5, 239.5))
    }

    @Test func halvingKeepsPixelCentresConsistent() {
        let half = Self.kinect.scaled(by: 0.5)
        #expect(half.width == 320 && half.height == 240)
        #expect(half.fx == Self.kinect.fx / 2)
        // A point seen at full-resolution pixel u lands at (u − 0.5)/2 in the half image (2×2 block averaging).
        let p = SIMD3<Double>(0.3, -0.2, 1.7)
        if let full = Self.kinect.project(p), let small = half.project(p) {
            #expect(abs(small.x - (full.x - 0.5) / 2) < 1e-12)
            #expect(abs(small.y - (full.y - 0.5) / 2) < 1e-12)
        } else {
            Issue.record("point in front of the camera did not project")
        }
    }

    @Test func depthImageUnprojection() throws {
        let k = PinholeIntrinsics(width: 4, height: 3, fx: 2, fy: 2, cx: 1.5, cy: 1)
        // Raw millimetres; 0 = invalid.
        let depth: [UInt16] = [1000, 0, 2000, 3000,
                               500, 1500, 0, 4000,
                               0, 0, 2500, 9000]
        let all = try k.unprojectDepth(depth, depthScale: 1000)
        #expect(all.count == 8)
        #expect(all.pixelIndices == [0, 2, 3, 4, 5, 7, 10, 11])
        for (point, index) in zip(all.pointsInCamera, all.pixelIndices) {
            let u = Double(index % 4), v = Double(index / 4)
            let expected = k.unproject(pixel: SIMD2(u, v), depth: Double(depth[Int(index)]) / 1000)
            #expect(maxAbsDifference(SIMD3<Double>(point), expected) < 1e-6)
        }
        let ranged = try k.unprojectDepth(depth, depthScale: 1000, depthRange: 1.0...3.0)
        #expect(ranged.pixelIndices == [0, 2, 3, 5, 10])
        let strided = try k.unprojectDepth(depth, depthScale: 1000, stride: 2)
        #expect(strided.pixelIndices == [0, 2, 10])
    }

    @Test func depthUnprojectionRejectsBadInput() {
        let k = PinholeIntrinsics(width: 4, height: 3, fx: 2, fy: 2, cx: 1.5, cy: 1)
        #expect(throws: GeometryError.sizeMismatch(name: "depth", expected: 12, actual: 5)) {
            try k.unprojectDepth([UInt16](repeating: 1, count: 5), depthScale: 1000)
        }
        #expect(throws: GeometryError.self) { try k.unprojectDepth([UInt16](repeating: 1, count: 12), depthScale: 0) }
        #expect(throws: GeometryError.self) { try k.unprojectDepth([UInt16](repeating: 1, count: 12), depthScale: 1, stride: 0) }
        var bad = k
        bad.fx = -1
        #expect(throws: GeometryError.self) { try bad.unprojectDepth([UInt16](repeating: 1, count: 12), depthScale: 1) }
    }
}
