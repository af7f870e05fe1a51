import Foundation
import Geometry
import Testing
@testable import SceneSynth

@Suite struct DepthSensorTests {
    @Test(arguments: [1.0, 2.0, 3.0])
    func noiseMatchesTheAxialModel(distance: Double) {
        let options = DepthSensorOptions()
        let probe = DepthNoiseProbe.measure(distance: distance, options: options, width: 96, height: 72)
        let expected = options.sigma(atDepth: distance)
        #expect(abs(probe.sigma - expected) < 0.1 * expected, "σ(\(distance) m) = \(probe.sigma), model \(expected)")
        #expect(probe.missing < 0.02)
    }

    @Test func readingsBeyondMaxRangeAreMissing() {
        var options = DepthSensorOptions()
        options.maxRange = 2.5
        #expect(DepthNoiseProbe.measure(distance: 3, options: options, width: 32, height: 24).missing == 1)
        #expect(DepthNoiseProbe.measure(distance: 2, options: options, width: 32, height: 24).missing < 0.05)
    }

    @Test func grazingSurfacesLoseReadingsAtTheConfiguredRate() {
        var builder = MeshBuilder()
        builder.instance = 1
        builder.quad([0, -20, 0], [40, -20, 0], [40, 20, 0], [0, 20, 0], outward: [0, 0, 1])   // a floor
        let mesh = builder.mesh
        let camera = PinholeIntrinsics.synthStandard(width: 120, height: 90)
        let pose = SynthPose.lookAt(eye: [0, 0, 0.4], target: [3, 0, 0.1])
        let vis = Rasterizer().render(mesh, pose: pose, camera: camera, instanceCount: 1)
        var options = DepthSensorOptions()
        options.maxRange = 100
        options.randomDropout = 0
        options.edgeRelativeJump = 10   // no discontinuities on a plane
        let depth = DepthSensorModel(options: options).measure(vis, mesh: mesh, pose: pose, camera: camera, seed: 4)
        var grazing = 0, grazingMissing = 0, steep = 0, steepMissing = 0
        for y in 0..<camera.height {
            for x in 0..<camera.width where vis.triangle[y * camera.width + x] >= 0 {
                let ray = pose.rotation.apply([(Double(x) - camera.cx) / camera.fx, (Double(y) - camera.cy) / camera.fy, 1])
                let cosine = abs(ray.z) / length(ray)
                let missing = depth[y * camera.width + x] == 0
                if cosine < 0.15 { grazing += 1; if missing { grazingMissing += 1 } }
                if cosine > 0.3 { steep += 1; if missing { steepMissing += 1 } }
            }
        }
        #expect(grazing > 200 && steep > 200)
        let rate = Double(grazingMissing) / Double(grazing)
        #expect(abs(rate - options.grazingDropout) < 0.08, "grazing dropout \(rate)")
        #expect(steepMissing == 0)
    }

    @Test func depthDiscontinuitiesLoseReadings() throws {
        var builder = MeshBuilder()
        builder.instance = 1
        // A wall at 3 m and a box edge at 1.5 m in front of its left half; a floor seen at a grazing angle.
        builder.quad([3, -4, -4], [3, 4, -4], [3, 4, 4], [3, -4, 4], outward: [-1, 0, 0])
        builder.box([1.5, 0, -0.3], [1.7, 0.5, 0.3])
        let mesh = builder.mesh
        let camera = PinholeIntrinsicsFixture.camera
        let pose = SynthPose.lookAt(eye: .zero, target: [1, 0, 0])
        let vis = Rasterizer().render(mesh, pose: pose, camera: camera, instanceCount: 1)
        var options = DepthSensorOptions()
        options.edgeDropout = 1
        options.randomDropout = 0
        let depth = DepthSensorModel(options: options).measure(vis, mesh: mesh, pose: pose, camera: camera, seed: 3)
        var edges = 0, droppedEdges = 0
        for y in 1..<(camera.height - 1) {
            for x in 1..<(camera.width - 1) {
                let i = y * camera.width + x
                let jump = abs(vis.depth[i] - vis.depth[i + 1]) > 0.5 || abs(vis.depth[i] - vis.depth[i - 1]) > 0.5
                if jump { edges += 1; if depth[i] == 0 { droppedEdges += 1 } }
            }
        }
        #expect(edges > 10)
        #expect(droppedEdges == edges)
    }
}

enum PinholeIntrinsicsFixture {
    static let camera = PinholeIntrinsics.synthStandard(width: 80, height: 60)
}
