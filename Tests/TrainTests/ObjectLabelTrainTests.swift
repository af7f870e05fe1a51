import Foundation
import Geometry
import _TestSupport
import SceneIO
import Testing
@testable import Train

/// `model.objectLabels` end to end: the scene's 2D objects get their 2D labels, a run trains and predicts with them.
@Suite(.serialized) struct ObjectLabelTrainTests {
    /// TinyScene plus per-point 2D features and one 2D object per lifted instance (rows 0–3, one per view instance),
    /// and a fifth object no instance names.
    func writeScene(_ folder: URL) throws {
        try TinyScene.write(to: folder)
        var scene = try SceneFolder(folder)
        let n = try scene.read(SceneArray.coord).shape[0]
        var lifted = try SceneLiftedLabels.read(from: scene, pointCount: n, superpointCount: 10)
        for v in lifted.labels.views.indices {
            for i in lifted.labels.views[v].instances.indices { lifted.labels.views[v].instances[i].object = 2 * v + i }
        }
        let c = 4
        var rng = SeededGenerator(seed: 5)
        // Each object sits at the centre of a superpoint of its box (boxes 0, 1, 1, 2: superpoints 4, 6, 7, 8), within
        // the decoder's 0.2 m radius; the fifth lies on the floor.
        let coords = try scene.read(SceneArray.coord).floats(), sp = try scene.read(SceneArray.superpoints).int32s()
        func centre(_ s: Int32) -> [Float] {
            let members = (0..<n).filter { sp[$0] == s }
            return (0..<3).map { a in members.map { coords[$0 * 3 + a] }.reduce(0, +) / Float(members.count) }
        }
        lifted.objectCenters = [4, 6, 7, 8].flatMap(centre) + [2.5, 2.5, 0]
        lifted.objectViews = [0, 0, 1, 1, 1]
        lifted.objectFeatures = (0..<(5 * c)).map { _ in Float(rng.nextGaussian()) }
        lifted.objectChannels = c
        lifted.pointFeatures = (0..<(n * c)).map { _ in Float(rng.nextGaussian()) }
        lifted.featureChannels = c
        lifted.featureCounts = [UInt16](repeating: 1, count: n)
        try lifted.write(to: &scene, pointCount: n, superpointCount: 10)
    }

    @Test func objectsCarryTheirLabelsAndScores() throws {
        let folder = temporaryFolder("objlabels").appendingPathComponent("scene0")
        try writeScene(folder)
        let scene = try TrainScene.load(folder, baseClasses: nil)
        #expect(scene.objectLabels == ["chair", "table", "table", "lamp", ""])
        #expect(scene.objectLabelScores == [0.9, 0.8, 0.9, 0.7, 0])
        let embeddings = TinyScene.embeddings()
        let rows = scene.objectLabelEmbeddings(rows: [3, 4, 0], embeddings: embeddings)
        let d = embeddings.dims
        #expect(rows.count == 3 * d)
        let lamp = try #require(embeddings.vector("lamp")), chair = try #require(embeddings.vector("chair"))
        for j in 0..<d {
            #expect(abs(rows[j] - 0.7 * lamp[lamp.startIndex + j]) < 1e-6)
            #expect(rows[d + j] == 0)   // no label
            #expect(abs(rows[2 * d + j] - 0.9 * chair[chair.startIndex + j]) < 1e-6)
        }
    }

    @Test func trainsAndPredictsWithObjectLabels() throws {
        let root = temporaryFolder("objlabels-train")
        let data = root.appendingPathComponent("data")
        try writeScene(data.appendingPathComponent("scene0"))
        var c = TinyScene.config(steps: 25)
        c.model.feature2DWidth = 4
        c.model.objectLabels = true
        c.augment.enabled = false
        var o = TrainOptions(data: data, run: root.appendingPathComponent("run"), config: c, embeddings: TinyScene.embeddings())
        o.seed = 7
        o.showProgress = false
        let r = try Trainer(o).run()
        #expect(r.losses.count == 25 && r.losses.allSatisfy(\.isFinite))
        var p = try TinyScene.predictOptions(run: root.appendingPathComponent("run"), data: data)
        p.postProcess.minPoints = 10
        let first = try Predictor.run(p)
        // The labels are read at prediction: other names for the objects give other scores.
        let (model, _) = try Checkpoint.loadModel(from: Checkpoint.resolve(root.appendingPathComponent("run")))
        var scene = try TrainScene.load(data.appendingPathComponent("scene0"), baseClasses: nil)
        let text = try TinyScene.embeddings().matrix(for: TinyScene.classNames)
        func scores(_ s: TrainScene) throws -> [Double] {
            try Predictor.predict(scene: s, model: model, text: text, names: TinyScene.classNames, post: p.postProcess,
                                  objectLabelText: TinyScene.embeddings()).map(\.score)
        }
        #expect(try scores(scene) == first.scenes["scene0"]?.map(\.score))
        scene.objectLabels = ["door", "door", "door", "door", "door"]
        #expect(try scores(scene) != first.scenes["scene0"]?.map(\.score))
        // Such a model cannot predict without the names' embeddings.
        #expect(throws: TrainError.self) {
            try Predictor.predict(scene: scene, model: model, text: text, names: TinyScene.classNames, post: p.postProcess)
        }
    }
}
