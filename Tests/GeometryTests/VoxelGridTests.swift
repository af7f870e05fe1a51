import Testing
@testable import Geometry

@Suite struct VoxelGridTests {
    @Test(arguments: [Float(0.05), 0.2, 1.0]) func matchesIndependentGrouping(voxelSize: Float) throws {
        var g = SeededGenerator(seed: 12)
        let points = (0..<3000).map { _ in SIMD3<Float>(g.nextPoint(halfExtent: 1.3)) }
        let colors = (0..<3000).map { _ in SIMD3<UInt8>(UInt8(g.nextIndex(below: 256)), UInt8(g.nextIndex(below: 256)), 7) }
        let result = try VoxelGrid.downsample(points: points, colors: colors, voxelSize: voxelSize)
        let m = result.points.count
        #expect(result.colors.count == m && result.voxelCoordinates.count == m && result.pointCounts.count == m)
        #expect(result.voxelOfPoint.count == points.count)
        #expect(Set(result.voxelCoordinates).count == m)  // one output per voxel
        #expect(result.pointCounts.reduce(0, +) == Int32(points.count))

        // Regroup independently: members of each voxel, by the mapping.
        var members = [[Int]](repeating: [], count: m)
        for (i, v) in result.voxelOfPoint.enumerated() {
            members[Int(v)].append(i)
            // Each point's voxel contains it: floor(p / size) equals the voxel coordinate.
            let expected = SIMD3<Int32>((SIMD3<Double>(points[i]) / Double(voxelSize)).rounded(.down))
            #expect(result.voxelCoordinates[Int(v)] == expected)
        }
        for v in 0..<m {
            #expect(members[v].count == Int(result.pointCounts[v]))
            let mean = members[v].reduce(SIMD3<Double>.zero) { $0 + SIMD3<Double>(points[$1]) } / Double(members[v].count)
            #expect(maxAbsDifference(SIMD3<Double>(result.points[v]), mean) < 1e-6)
            let red = Double(members[v].reduce(0) { $0 + Int(colors[$1].x) }) / Double(members[v].count)
            #expect(abs(Double(result.colors[v].x) - red) <= 0.5)
            #expect(result.colors[v].z == 7)
        }
        // First-occurrence order: voxel 0 holds point 0.
        #expect(result.voxelOfPoint.first == 0)
    }

    @Test func negativeCoordinatesFloorDownward() throws {
        let result = try VoxelGrid.downsample(points: [SIMD3(-0.01, 0.01, 0), SIMD3(0.01, 0.01, 0), SIMD3(-0.09, 0.02, 0.05)],
                                              voxelSize: 0.1)
        #expect(result.voxelCoordinates == [SIMD3(-1, 0, 0), SIMD3(0, 0, 0)])
        #expect(result.voxelOfPoint == [0, 1, 0])
        #expect(result.colors.isEmpty)
    }

    @Test func rejectsBadInput() {
        #expect(throws: GeometryError.self) { try VoxelGrid.downsample(points: [.zero], voxelSize: 0) }
        #expect(throws: GeometryError.nonFinite(name: "points", index: 1)) {
            try VoxelGrid.downsample(points: [.zero, SIMD3(.infinity, 0, 0)], voxelSize: 0.1)
        }
        #expect(throws: GeometryError.sizeMismatch(name: "colors", expected: 2, actual: 1)) {
            try VoxelGrid.downsample(points: [.zero, .zero], colors: [.zero], voxelSize: 0.1)
        }
        #expect(throws: GeometryError.self) { try VoxelGrid.downsample(points: [SIMD3(1e6, 0, 0)], voxelSize: 0.01) }
    }
}
