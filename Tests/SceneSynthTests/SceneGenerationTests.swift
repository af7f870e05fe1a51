import Foundation
import Testing
import Geometry
@testable import SceneSynth

@Suite struct SceneGenerationTests {
    @Test func baseNovelAndFlatCategoriesAppearOverAFewTinyScenes() throws {
        let layout = RoomLayout(options: SynthPreset.tiny.options.room)
        var categories: [SynthCategory] = []
        for seed in 0..<3 { categories += try layout.generate(seed: UInt64(seed)).instances.map(\.category) }
        let objects = categories.filter { !$0.isStructural }
        #expect(objects.contains { $0.split == .base })
        #expect(objects.contains { $0.split == .novel })
        #expect(objects.contains { $0.isFlat })
    }

    @Test func instanceIdsAreDenseAndBoundsLieInsideTheRoom() throws {
        let room = try RoomLayout(options: RoomOptions()).generate(seed: 11)
        for (i, inst) in room.instances.enumerated() {
            #expect(Int(inst.id) == i + 1)
            #expect(inst.boundsMin.x >= -0.01 && inst.boundsMax.x <= room.size.x + 0.01)
            #expect(inst.boundsMin.y >= -0.01 && inst.boundsMax.y <= room.size.y + 0.01)
            #expect(inst.boundsMin.z >= -0.01 && inst.boundsMax.z <= room.size.z + 0.01)
        }
        #expect(room.instances.filter { !$0.category.isStructural }.count >= 12)
        #expect(room.instances.contains { $0.partCount >= 3 })
    }

    @Test func desksCarryMonitorKeyboardMouseAndBedsCarryPillows() throws {
        let layout = RoomLayout(options: RoomOptions())
        var desks = 0, beds = 0
        for seed in 0..<12 {
            let room = try layout.generate(seed: UInt64(seed))
            for holder in room.instances where ["desk", "bed"].contains(holder.category.name) {
                let carried = Set(room.instances.filter { $0.supportedBy == holder.id }.map(\.category.name))
                if holder.category.name == "desk" {
                    desks += 1
                    #expect(carried.isSuperset(of: ["monitor", "keyboard", "mouse"]), "desk \(holder.id) carries \(carried)")
                } else {
                    beds += 1
                    #expect(carried.contains("pillow"))
                }
            }
        }
        #expect(desks > 0 && beds > 0)
    }

    @Test func rasterizedDepthIsPerspectiveCorrectOnATiltedPlane() {
        var builder = MeshBuilder()
        builder.instance = 1
        // Plane x + 0.5·y = 2 (tilted), facing the camera at the origin looking along +x.
        builder.quad([2 + 2, -4, -3], [2 - 2, 4, -3], [2 - 2, 4, 3], [2 + 2, -4, 3], outward: [-1, -0.5, 0])
        let camera = PinholeIntrinsics.synthStandard(width: 40, height: 30)
        let pose = SynthPose.lookAt(eye: .zero, target: [1, 0, 0])
        let vis = Rasterizer().render(builder.mesh, pose: pose, camera: camera, instanceCount: 1)
        var checked = 0
        for y in stride(from: 2, to: 28, by: 5) {
            for x in stride(from: 2, to: 38, by: 5) {
                // Camera ray (OpenCV) → world: x_c → −y_w, y_c → −z_w, z_c → +x_w.
                let r = SIMD3<Double>((Double(x) - camera.cx) / camera.fx, (Double(y) - camera.cy) / camera.fy, 1)
                let world = pose.rotation.apply(r)
                let t = 2 / (world.x + 0.5 * world.y)   // ray parameter = camera z
                #expect(abs(Double(vis.depth[y * 40 + x]) - t) < 1e-3 * t, "pixel (\(x), \(y))")
                checked += 1
            }
        }
        #expect(checked > 30)
    }

    @Test(arguments: [21, 5, 9])
    func walkThroughIsSmoothAndRevisitsEarlierPlaces(seed: Int) throws {
        var options = SynthPreset.demo.options
        options.frames = 60
        let synth = try SceneSynthesizer(options: options)
        let scene = try synth.makeScene(seed: UInt64(seed))
        let poses = scene.trajectory.worldFromCamera
        #expect(poses.count == 60)
        for i in 1..<poses.count {
            #expect(poses[i].translationDistance(to: poses[i - 1]) < 0.2)
            #expect(poses[i].rotationAngle(to: poses[i - 1]) < 0.35)
        }
        // The last frames come back within 30 cm of a place seen in the first third.
        let early = poses[0..<20].map(\.translation)
        let revisit = poses[50...].contains { p in early.contains { length($0 - p.translation) < 0.3 } }
        #expect(revisit)
        // It passes within a metre of some object's centre (horizontally).
        let centres = scene.room.objectCentres
        let closest = poses.map { p in centres.map { length(SIMD3($0.x - p.translation.x, $0.y - p.translation.y, 0)) }.min() ?? 9 }.min() ?? 9
        #expect(closest < 1.0, "closest approach \(closest) m")
    }
}
