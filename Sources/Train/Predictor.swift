import Foundation
import SceneIO
import SegDINO3D
import Tensor

/// What to predict and how.
public struct PredictOptions: Sendable {
    /// A checkpoint folder or a run folder (its latest checkpoint).
    public var checkpoint: URL
    /// Scene folders, or folders of scene folders.
    public var scenes: [URL]
    /// Output folder: `<scene>.txt` + `pred_mask/*.txt` (ScanNet benchmark format) and `npy/<scene>_*.npy`.
    public var out: URL
    /// Classes to predict, with the label ids written to the benchmark files (default: ScanNet200 instances).
    public var classes: ClassCatalog = .scanNet200Instances()
    public var postProcess = PostProcessOptions()
    public var embeddings: TextEmbeddings
    /// Withhold the lifted 2D features and 2D objects even if the model was trained with them (DITR's "no images at
    /// test time" rows); when false, the training config's `features2D` decides.
    public var withholdFeatures2D = false

    public init(checkpoint: URL, scenes: [URL], out: URL, embeddings: TextEmbeddings) {
        self.checkpoint = checkpoint
        self.scenes = scenes
        self.out = out
        self.embeddings = embeddings
    }
}

/// One scene's output instances, point level.
public struct PredictedInstance: Sendable {
    public var className: String
    public var labelID: Int
    /// Higher is better.
    public var score: Double
    /// Point indices in the mask, ascending.
    public var points: [Int32]
}

/// What `predict` wrote.
public struct PredictResult: Sendable {
    /// Scene name → instances by descending score.
    public var scenes: [String: [PredictedInstance]]
    public var seconds: Double
}

public enum Predictor {
    /// Runs the model on every scene and writes the benchmark files.
    public static func run(_ options: PredictOptions) throws -> PredictResult {
        let start = Date()
        let checkpoint = try Checkpoint.resolve(options.checkpoint)
        let (model, state) = try Checkpoint.loadModel(from: checkpoint)
        try options.postProcess.check(against: model.config, checkpoint: checkpoint)
        let names = options.classes.names
        let text = try options.embeddings.matrix(for: names)
        var out: [String: [PredictedInstance]] = [:]
        let spArray = SceneFile.superpoints.stem
        for folder in options.scenes.flatMap(SceneList.folders) {
            let scene = try TrainScene.load(folder, superpointArray: spArray, baseClasses: nil)
            let instances = try predict(scene: scene, model: model, text: text, names: names, post: options.postProcess,
                                        features2D: state.config.features2D && !options.withholdFeatures2D,
                                        objectLabelText: options.embeddings).map {
                PredictedInstance(className: $0.className, labelID: options.classes.entry(named: $0.className)?.id ?? 0,
                                  score: $0.score, points: $0.points)
            }
            try write(instances, scene: scene.name, pointCount: scene.pointCount, to: options.out)
            out[scene.name] = instances
        }
        return PredictResult(scenes: out, seconds: Date().timeIntervalSince(start))
    }

    /// Instances for one scene against the vocabulary `names` (`text [K, D]`), with labelID left 0. 2D features
    /// and objects are used when `features2D` (the training config's switch) and the widths agree.
    ///
    /// With `scoredClasses = m`, only the first m names are candidates: each query's probabilities are still the
    /// softmax over all K names + no object, and the other K − m names and no object are pooled into the "rest"
    /// column, so the top-k cut and the NMS see only the classes asked about (what `query` needs: one phrase
    /// against a contrast vocabulary).
    ///
    /// A model trained with `objectLabels` reads each 2D object's label through `objectLabelText`, the embeddings
    /// of the names the 2D model used (not the vocabulary's); it is required for such a model.
    public static func predict(scene: TrainScene, model: SegDINO3DModel, text: Tensor, names: [String],
                               post: PostProcessOptions, features2D: Bool = true, scoredClasses: Int? = nil,
                               objectLabelText: TextEmbeddings? = nil) throws -> [PredictedInstance] {
        let c = model.config
        try post.check(against: c)
        let useFeatures = features2D && c.feature2DWidth > 0 && scene.feature2DWidth == c.feature2DWidth
        var input = ModelInput(coords: scene.coords, colors: scene.colors, normals: scene.normals,
                               features2D: useFeatures ? scene.features2D : [], superpoints: scene.superpoints,
                               superpointCount: scene.superpointCount, objectFeatures: useFeatures ? scene.objectFeatures : [],
                               objectCenters: useFeatures ? scene.objectCenters : [], textEmbeddings: text)
        if c.objectLabels, useFeatures, input.objectCount > 0 {
            guard let objectLabelText else {
                throw TrainError.invalidConfiguration(field: "objectLabelText", value: "none",
                                                      reason: "the model reads 2D object labels (objectLabels), so their embeddings are needed")
            }
            input.objectLabelEmbeddings = scene.objectLabelEmbeddings(rows: Array(0..<input.objectCount), embeddings: objectLabelText)
        }
        let tape = Tape(recording: false)
        guard let final = try model.forward(input, tape: tape).last else { return [] }
        var perSP = [Int](repeating: 0, count: scene.superpointCount)
        var pointsOf = [[Int32]](repeating: [], count: scene.superpointCount)
        for (i, s) in scene.superpoints.enumerated() { perSP[Int(s)] += 1; pointsOf[Int(s)].append(Int32(i)) }
        var logits = final.classLogits.value.floats()
        var classes = names.count
        if let m = scoredClasses, m < names.count {
            logits = pooledLogits(logits, queries: input.querySeeds.count, classes: names.count, kept: m)
            classes = m
        }
        let cands = PostProcess.run(classLogits: logits, maskLogits: final.maskLogits.value.floats(),
                                    qualityLogits: final.qualityLogits?.value.floats(), queries: input.querySeeds.count,
                                    classes: classes, superpoints: scene.superpointCount, pointsPerSuperpoint: perSP,
                                    options: post)
        // Boxes in metres: centres as predicted, sizes are fractions of the scene extent (method §4.4).
        let centers = final.centers.value.floats(), sizes = final.sizes.value.floats()
        let extent = input.superpointCenters().extent
        return cands.compactMap { cand in
            // Step 6 of method §4.5 comes after the size cut of step 5, as the published post-processing orders them.
            let q = cand.query
            let points = PostProcess.boxFiltered(superpoints: cand.superpoints, pointsOf: pointsOf, coords: scene.coords,
                                                 center: Array(centers[(q * 3)..<(q * 3 + 3)]),
                                                 size: (0..<3).map { sizes[q * 3 + $0] * extent[$0] },
                                                 enlargement: post.boxEnlargement, filter: post.boxFilter)
            if points.isEmpty { return nil }
            return PredictedInstance(className: names[cand.classIndex], labelID: 0, score: cand.score, points: points)
        }
    }

    /// `[Q, K+1]` logits → `[Q, m+1]` log-probabilities: the first m classes' own, then log of the rest (the other
    /// classes and no object), so that a softmax over the result gives the same probabilities for the first m.
    static func pooledLogits(_ logits: [Float], queries q: Int, classes k: Int, kept m: Int) -> [Float] {
        var out = [Float](repeating: 0, count: q * (m + 1))
        for qi in 0..<q {
            let row = (0...k).map { Double(logits[qi * (k + 1) + $0]) }
            let mx = row.max() ?? 0
            let e = row.map { exp($0 - mx) }, z = e.reduce(0, +)
            var rest = 1.0
            for c in 0..<m { let p = e[c] / z; rest -= p; out[qi * (m + 1) + c] = Float(log(max(p, 1e-30))) }
            out[qi * (m + 1) + m] = Float(log(max(rest, 1e-30)))
        }
        return out
    }

    /// `OUT/<scene>.txt`, `OUT/pred_mask/<scene>_<k>.txt` and `OUT/npy/<scene>_{masks,scores,labels}.npy`, in the format
    /// SceneIO's `BenchmarkPredictionWriter` documents (shared with `fuse`).
    public static func write(_ instances: [PredictedInstance], scene: String, pointCount n: Int, to out: URL) throws {
        try BenchmarkPredictionWriter.write(instances.map { BenchmarkMask(labelID: $0.labelID, score: $0.score, points: $0.points) },
                                            scene: scene, pointCount: n, to: out)
    }
}
