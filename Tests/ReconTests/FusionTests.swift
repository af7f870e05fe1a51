import Foundation
import Geometry
import Testing
@testable import Recon

@Suite struct FusionTests {
    let intrinsics = PinholeIntrinsics(width: 64, height: 48, fx: 50, fy: 50, cx: 31.5, cy: 23.5)

    func fusedBoxRoom(voxel: Double) throws -> (TSDFVolume, TriangleMesh, [RigidTransform]) {
        let cameras = [
            BoxRoom.camera(at: SIMD3(2, 1.5, 1.2), looking: SIMD3(1, 0.2, -0.1)),
            BoxRoom.camera(at: SIMD3(2, 1.5, 1.2), looking: SIMD3(-1, 0.3, 0)),
            BoxRoom.camera(at: SIMD3(2.2, 1.4, 1.3), looking: SIMD3(0.2, 1, -0.3)),
        ]
        let volume = try TSDFVolume(voxelSize: voxel, truncation: 4 * voxel, depthRange: 0.1...6, threads: 2)
        for (i, camera) in cameras.enumerated() {
            let frame = BoxRoom.render(worldFromCamera: camera, intrinsics: intrinsics, index: i)
            try volume.integrate(frame, intrinsics: intrinsics, depthScale: BoxRoom.depthScale, worldFromCamera: camera)
        }
        return (volume, try volume.extractMesh(), cameras)
    }

    @Test func meshLiesOnTheWallsWithNormalsFacingTheCamera() throws {
        let voxel = 0.04
        let (volume, mesh, _) = try fusedBoxRoom(voxel: voxel)
        #expect(mesh.vertexCount > 500)
        #expect(mesh.triangleCount > 500)
        let distances = mesh.positions.map { BoxRoom.distanceToSurface(SIMD3<Double>($0)) }
        let mean = distances.reduce(0, +) / Double(distances.count)
        #expect(mean < 0.25 * voxel)
        #expect((distances.max() ?? 1) < voxel)
        // Normals point into the room (free space), i.e. towards its centre for wall vertices.
        let centre = SIMD3<Float>(2, 1.5, 1.25)
        let inward = zip(mesh.positions, mesh.normals).filter { dot3($1, centre - $0) > 0 }.count
        #expect(Double(inward) / Double(mesh.vertexCount) > 0.97)
        // Sparse: far fewer blocks than a dense grid over the room.
        let blockSide = 8 * voxel
        let dense = Int((4 / blockSide) * (3 / blockSide) * (2.5 / blockSide))
        #expect(volume.statistics.blocks < dense / 2)
        #expect(volume.statistics.bytes > 0)
        // Indexed and consistent.
        #expect(mesh.triangles.allSatisfy { $0 >= 0 && Int($0) < mesh.vertexCount })
        #expect(mesh.normals.allSatisfy { abs(length3($0) - 1) < 1e-3 })
    }

    @Test func fusionIsDeterministic() throws {
        let (_, a, _) = try fusedBoxRoom(voxel: 0.05)
        let (_, b, _) = try fusedBoxRoom(voxel: 0.05)
        #expect(a == b)
    }

    @Test func invalidVolumeOptionsAreRejected() {
        #expect(throws: ReconError.self) {
            _ = try TSDFVolume(voxelSize: 0.05, truncation: 0.01, depthRange: 0.1...4)
        }
    }
}
