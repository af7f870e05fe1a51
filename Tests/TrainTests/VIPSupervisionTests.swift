import Foundation
import _TestSupport
import Geometry
import Testing
@testable import Train

@Suite struct VIPSupervisionTests {
    @Test func partitionByHand() throws {
        let p = try viewShare(seeds: [0, 4, 7, 9, 5], visible: [1, 4, 5, 9], superpointCount: 10)
        #expect(p.rows == [1, 3, 4])
        #expect(p.columns == [1, 4, 5, 9])
    }

    @Test func loaderAndStepSetsFollowVIP() throws {
        let folder = try TinyScene.write(to: temporaryFolder("vip").appendingPathComponent("scene0"))
        let scene = try TrainScene.load(folder, baseClasses: ["chair", "table"])
        #expect(scene.superpointCount == 10)
        #expect(scene.sceneTargets.map(\.name) == ["chair", "table"])      // lamp is novel: no scene-level GT
        #expect(scene.sceneTargets.map(\.superpoints) == [[4, 5], [6, 7]])
        #expect(scene.views.map(\.visible) == [[0, 1, 4, 5, 6, 7], [1, 3, 6, 7, 8, 9]])
        #expect(scene.views[1].instances.map(\.name) == ["table", "lamp"])

        var config = TinyScene.config()
        config.supervision.viewsPerStep = 2
        var rng = SeededGenerator(seed: 5)
        let seeds: [Int32] = [0, 3, 4, 6, 8]
        let batch = try StepBatch.make(scene: scene, seeds: seeds, useViews: true, config: config,
                                       embeddings: TinyScene.embeddings(), rng: &rng)
        #expect(batch.vocabulary.count == config.textCount)
        #expect(Array(batch.vocabulary.prefix(3)) == ["chair", "lamp", "table"])
        let sceneSet = try #require(batch.sets.first { $0.kind == .scene })
        #expect(sceneSet.rows == [0, 1, 2, 3, 4] && sceneSet.columns == nil)
        let views = batch.sets.filter { $0.kind == .view }
        #expect(views.count == 2)
        // Whichever order the views were drawn in: view 0 → seeds 0, 4, 6 visible; view 1 → seeds 3, 6, 8.
        let byColumns = Dictionary(uniqueKeysWithValues: views.map { ($0.columns ?? [], $0) })
        let v0 = try #require(byColumns[[0, 1, 4, 5, 6, 7]]), v1 = try #require(byColumns[[1, 3, 6, 7, 8, 9]])
        #expect(v0.rows == [0, 2, 3])
        #expect(v1.rows == [1, 3, 4])
        // Targets are masks over the view's columns; lamp = superpoints 8, 9 = last two columns of view 1.
        #expect(v1.targets.map(\.mask) == [[0, 0, 1, 1, 0, 0], [0, 0, 0, 0, 1, 1]])
        #expect(v1.targets.map { batch.vocabulary[$0.label] } == ["table", "lamp"])

        // Without VIP the view labels supervise every query over every superpoint.
        config.supervision.vip = false
        let plain = try StepBatch.make(scene: scene, seeds: seeds, useViews: true, config: config,
                                       embeddings: TinyScene.embeddings(), rng: &rng)
        #expect(plain.sets.filter { $0.kind == .view }.allSatisfy { $0.rows.count == 5 && $0.columns == nil })
    }

    @Test func augmentationMovesPointsAndObjectsAlike() {
        var t = SceneTransform()
        t.flipX = true; t.angle = Double.pi / 2; t.scale = 2; t.translation = [1, 0, 0]
        // (1, 0, 1): flip → (−1, 0, 1); rotate 90° → (0, −1, 1); scale, translate → (1, −2, 2).
        let p = t.apply([1, 0, 1])
        #expect(zip(p, [1, -2, 2] as [Float]).allSatisfy { abs($0 - $1) < 1e-6 })
        let n = t.apply([1, 0, 0], isDirection: true)
        #expect(zip(n, [0, -1, 0] as [Float]).allSatisfy { abs($0 - $1) < 1e-6 })
    }
}
