import Foundation
import _TestSupport
import Geometry
import IBSp
import Recon
import SceneIO
import SceneSynth
import Testing
@testable import VIP

/// One tiny synthetic scene, generated, reconstructed, segmented and lifted once for the suite.
final class TinyLiftedScene: Sendable {
    static let shared: Result<TinyLiftedScene, any Error> = Result { try TinyLiftedScene() }

    let video: URL
    let scene: URL
    let result: LiftResult

    init() throws {
        let root = temporaryFolder("vip-tests")
        video = root.appendingPathComponent("video")
        scene = root.appendingPathComponent("scene")
        var options = SynthPreset.tiny.options
        options.frames = 6
        _ = try SynthWriter(options: options).write(seed: 7, to: video)
        var recon = ReconOptions()
        recon.poseMode = .given
        recon.fusion.voxelSize = 0.02
        recon.fusion.pointSpacing = 0.03
        _ = try Reconstruction.run(input: video, output: scene, options: recon)
        var sp = SuperpointOptions()
        sp.knn.k = 8
        _ = try Superpoints.run(scene: scene, options: sp)
        result = try Lift.run(scene: scene)
    }
}

@Suite("Lifting on a tiny synthetic scene")
struct LiftTests {
    func fixture() throws -> TinyLiftedScene { try TinyLiftedScene.shared.get() }

    @Test("every lifted superpoint has a strict majority of its visible points in the instance, and none is missed")
    func majorityRule() throws {
        let f = try fixture()
        let inputs = try SceneInputs.load(f.scene)
        let superpoints = try inputs.folder.read("superpoints").int32s()
        let labels = try ViewLabels.load(scene: f.scene)
        let video = try VideoFolder(f.video)
        #expect(labels.views.count == inputs.viewCount)
        var checked = 0
        for (v, view) in inputs.views.enumerated() {
            guard let mask = try video.pred2DMask(view.frame) else { continue }
            var visible: [Int32: Int] = [:], votes: [SIMD2<Int32>: Int] = [:]
            for c in Int(inputs.corrOffsets[v])..<Int(inputs.corrOffsets[v + 1]) {
                let s = superpoints[Int(inputs.corrPoint[c])]
                let x = min(max(Int(inputs.corrUV[2 * c].rounded()), 0), mask.width - 1)
                let y = min(max(Int(inputs.corrUV[2 * c + 1].rounded()), 0), mask.height - 1)
                visible[s, default: 0] += 1
                let id = mask[x, y]
                if id != 0 { votes[SIMD2(Int32(id), s), default: 0] += 1 }
            }
            let detections = try video.pred2DInstances(view.frame) ?? []
            let lifted = labels.views[v].instances
            var next = 0
            for d in detections {
                let expected = votes.filter { $0.key.x == Int32(d.id) && 2 * $0.value > visible[$0.key.y, default: 0] }
                    .map(\.key.y).sorted()
                guard !expected.isEmpty else { continue }
                #expect(next < lifted.count)
                guard next < lifted.count else { break }
                #expect(lifted[next].label == d.label)
                #expect(lifted[next].superpoints == expected)
                next += 1
                checked += 1
            }
            #expect(next == lifted.count)
        }
        #expect(checked > 5)
        #expect(checked == f.result.instances)
    }

    @Test("lifted 2D object centres lie in (or within 5 cm of) the GT box of the object they cover")
    func objectCentres() throws {
        let f = try fixture()
        let folder = try SceneFolder(f.scene)
        let instance = try folder.read("instance").int32s()
        let coord = try folder.read("coord").floats()
        let superpoints = try folder.read("superpoints").int32s()
        let labels = try ViewLabels.load(scene: f.scene)
        var lo: [Int32: SIMD3<Float>] = [:], hi: [Int32: SIMD3<Float>] = [:]
        var pointsOf: [Int32: [Int]] = [:]
        for (i, g) in instance.enumerated() {
            let p = SIMD3(coord[3 * i], coord[3 * i + 1], coord[3 * i + 2])
            lo[g] = pointwiseMin(lo[g] ?? p, p)
            hi[g] = pointwiseMax(hi[g] ?? p, p)
            pointsOf[Int32(superpoints[i]), default: []].append(i)
        }
        var inside = 0, total = 0
        for view in labels.views {
            for item in view.instances {
                guard let row = item.object else { continue }
                var count: [Int32: Int] = [:]
                for s in item.superpoints { for i in pointsOf[s] ?? [] { count[instance[i], default: 0] += 1 } }
                guard let g = count.max(by: { $0.value < $1.value })?.key, g != 0, let a = lo[g], let b = hi[g] else { continue }
                let c = labels.objects.centers[row]
                total += 1
                if all(c .>= a - 0.05) && all(c .<= b + 0.05) { inside += 1 }
            }
        }
        #expect(total > 5)
        #expect(Double(inside) >= 0.8 * Double(total), "\(inside) of \(total) centres in their GT box")
        #expect(labels.objects.views.allSatisfy { $0 >= 0 && Int($0) < labels.views.count })
    }

    @Test("per-point features: counts match the correspondences, feature rows are finite")
    func features() throws {
        let f = try fixture()
        let inputs = try SceneInputs.load(f.scene)
        let counts = try inputs.folder.read("feat2d_count").uint16s()
        var expected = [UInt16](repeating: 0, count: inputs.pointCount)
        for p in inputs.corrPoint { expected[Int(p)] += 1 }
        #expect(counts == expected)
        let features = try inputs.folder.read("feat2d")
        #expect(try features.requireShape([inputs.pointCount, nil])[1] == f.result.featureChannels)
        #expect(try features.floats().allSatisfy(\.isFinite))
    }
}
