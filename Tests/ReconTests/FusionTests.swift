import Foundation
import Geometry
import Testing
@testable import Recon

@Suite struct FusionTests {
    let intrinsics = PinholeIntrinsics(width: 64, height: 48, fx: 50, fy: 50, cx: 31.5, cy: 23.5)

    static let boxRoomCameras = [
        BoxRoom.camera(at: SIMD3(2, 1.5, 1.2), looking: SIMD3(1, 0.2, -0.1)),
        BoxRoom.camera(at: SIMD3(2, 1.5, 1.2), looking: SIMD3(-1, 0.3, 0)),
        BoxRoom.camera(at: SIMD3(2.2, 1.4, 1.3), looking: SIMD3(0.2, 1, -0.3)),
    ]

    func fusedBoxRoom(voxel: Double, threads: Int = 2, cameras: [RigidTransform] = FusionTests.boxRoomCameras)
        throws -> (TSDFVolume, TriangleMesh, [RigidTransform]) {
        let volume = try TSDFVolume(voxelSize: voxel, truncation: 4 * voxel, depthRange: 0.1...6, threads: threads)
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

    /// The ray-cast rendering of the fused volume (frame-to-model tracking's target) reproduces the room's depth and
    /// grey levels from a fused view and from a view between the fused ones.
    @Test func renderingReproducesTheFusedSurface() throws {
        let voxel = 0.04
        let (volume, _, cameras) = try fusedBoxRoom(voxel: voxel)
        let between = BoxRoom.camera(at: SIMD3(2.05, 1.48, 1.22), looking: SIMD3(1, 0.5, -0.15))
        for camera in [cameras[0], between] {
            let rendered = try volume.render(intrinsics: intrinsics, worldFromCamera: camera)
            let truth = PreparedFrame(BoxRoom.render(worldFromCamera: camera, intrinsics: intrinsics), intrinsics: intrinsics,
                                      depthScale: BoxRoom.depthScale, depthRange: 0.1...6)
            var errors: [Double] = [], greyErrors: [Double] = []
            for i in truth.depth.indices where truth.depth[i] > 0 && rendered.depth[i] > 0 {
                errors.append(abs(Double(rendered.depth[i] - truth.depth[i])))
                greyErrors.append(abs(Double(rendered.intensity[i] - truth.intensity[i])))
            }
            let covered = Double(errors.count) / Double(truth.depth.filter { $0 > 0 }.count)
            #expect(covered > 0.8, "rendered \(covered) of the visible surface")
            errors.sort()
            #expect(errors[errors.count / 2] < 0.25 * voxel)
            #expect(errors[errors.count * 95 / 100] < voxel)
            #expect(greyErrors.reduce(0, +) / Double(greyErrors.count) < 0.06)
            #expect(rendered.validDepthFraction == Double(rendered.depth.filter { $0 > 0 }.count) / Double(rendered.depth.count))
        }
        // Outside the room looking away from it: nothing to render.
        let away = BoxRoom.camera(at: SIMD3(-1, 1.5, 1.2), looking: SIMD3(-1, 0, 0))
        #expect(try volume.render(intrinsics: intrinsics, worldFromCamera: away).validDepthFraction == 0)
        // A non-finite pose is an error naming the bridge call, not a rendering of garbage.
        let broken = RigidTransform(rotation: cameras[0].rotation, translation: SIMD3(.nan, 1.5, 1.2))
        let error = #expect(throws: ReconError.self) { try volume.render(intrinsics: intrinsics, worldFromCamera: broken) }
        #expect(error.map { "\($0)" }?.contains("cb_tsdf_raycast") == true)
    }

    @Test func fusionIsDeterministic() throws {
        let (_, a, _) = try fusedBoxRoom(voxel: 0.05)
        let (_, b, _) = try fusedBoxRoom(voxel: 0.05)
        #expect(a == b)
    }

    /// The same mesh bit for bit whatever the thread count: positions, normals and colours of every vertex in the
    /// same order and the same triangles. The views overlap and are fused one after another, so the blocks (cut
    /// into contiguous ranges in allocation order) of different ranges meet along the walls and share vertices that
    /// the merge must number as one sequential pass does.
    @Test func meshIsTheSameForAnyThreadCount() throws {
        let cameras = Self.boxRoomCameras + [
            BoxRoom.camera(at: SIMD3(1.8, 1.6, 1.1), looking: SIMD3(1, -0.6, 0.2)),
            BoxRoom.camera(at: SIMD3(2.1, 1.5, 1.2), looking: SIMD3(-0.4, -1, -0.2)),
        ]
        let (volume, reference, _) = try fusedBoxRoom(voxel: 0.03, threads: 1, cameras: cameras)
        #expect(volume.statistics.blocks > 200)
        #expect(reference.vertexCount > 5000)
        for threads in [2, 3, 4, 7] {
            let (_, mesh, _) = try fusedBoxRoom(voxel: 0.03, threads: threads, cameras: cameras)
            expectSameBits(mesh, reference, "\(threads) threads")
        }
    }

    /// More threads than blocks: one block per range, so every vertex on a block face, edge or corner that two
    /// blocks both reach is shared by two ranges, in many allocation orders (several views and voxel sizes).
    @Test func meshIsTheSameWithMoreThreadsThanBlocks() throws {
        let cameras = Self.boxRoomCameras + [
            BoxRoom.camera(at: SIMD3(1.8, 1.6, 1.1), looking: SIMD3(1, -0.6, 0.2)),
            BoxRoom.camera(at: SIMD3(2.1, 1.5, 1.2), looking: SIMD3(-0.4, -1, -0.2)),
            BoxRoom.camera(at: SIMD3(2.5, 1.2, 1.5), looking: SIMD3(0.3, 0.4, 1)),
            BoxRoom.camera(at: SIMD3(1.5, 1.7, 1.0), looking: SIMD3(-0.5, 0.2, -1)),
        ]
        for voxel in [0.13, 0.17, 0.2, 0.23] {
            let (volume, reference, _) = try fusedBoxRoom(voxel: voxel, threads: 1, cameras: cameras)
            let blocks = volume.statistics.blocks
            #expect(blocks > 4 && blocks < 400)
            #expect(reference.vertexCount > 100)
            let (_, mesh, _) = try fusedBoxRoom(voxel: voxel, threads: blocks + 3, cameras: cameras)
            expectSameBits(mesh, reference, "voxel \(voxel): \(blocks + 3) threads for \(blocks) blocks")
        }
    }

    /// Compares element by element and reports the first difference (an `#expect(a == b)` on arrays this long
    /// would have the test library diff them, which takes minutes).
    func expectSameBits(_ mesh: TriangleMesh, _ reference: TriangleMesh, _ label: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        func bits(_ v: [SIMD3<Float>]) -> [UInt32] { v.flatMap { [$0.x.bitPattern, $0.y.bitPattern, $0.z.bitPattern] } }
        func firstDifference<T: Equatable>(_ a: [T], _ b: [T]) -> Int? {
            a.count != b.count ? min(a.count, b.count) : a.indices.first { a[$0] != b[$0] }
        }
        let differences = [
            ("triangles", firstDifference(mesh.triangles, reference.triangles)),
            ("positions", firstDifference(bits(mesh.positions), bits(reference.positions))),
            ("normals", firstDifference(bits(mesh.normals), bits(reference.normals))),
            ("colours", firstDifference(mesh.colors, reference.colors)),
        ]
        for (name, index) in differences {
            #expect(index == nil, "\(label): \(name) differ from index \(index ?? -1)", sourceLocation: sourceLocation)
        }
    }

    @Test func invalidVolumeOptionsAreRejected() {
        #expect(throws: ReconError.self) {
            _ = try TSDFVolume(voxelSize: 0.05, truncation: 0.01, depthRange: 0.1...4)
        }
    }
}
