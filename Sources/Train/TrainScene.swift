import Foundation
import SceneIO
import VIP

/// One supervision target: an instance as a set of superpoints with a class name.
public struct InstanceTarget: Sendable, Equatable {
    /// Class name (looked up in the text embeddings).
    public var name: String
    /// Sorted superpoint ids that belong to the instance.
    public var superpoints: [Int32]
    public init(name: String, superpoints: [Int32]) {
        self.name = name
        self.superpoints = superpoints
    }
}

/// One view's lifted labels: what the view sees and its instances (superpoint ids restricted to the view).
public struct ViewTargets: Sendable, Equatable {
    /// Sorted superpoints visible in the view.
    public var visible: [Int32]
    /// The view's lifted instances.
    public var instances: [InstanceTarget]
    public init(visible: [Int32], instances: [InstanceTarget]) {
        self.visible = visible
        self.instances = instances
    }
}

/// A scene folder loaded for training or prediction (SCENE_FORMAT.md), points in world metres.
public struct TrainScene: Sendable {
    public var name: String
    public var coords: [Float]
    public var colors: [Float]
    public var normals: [Float]
    public var superpoints: [Int32]
    public var superpointCount: Int
    /// `[N, C]` or empty.
    public var features2D: [Float]
    public var feature2DWidth: Int
    /// `[O, C]` and `[O, 3]`, or empty.
    public var objectFeatures: [Float]
    public var objectCenters: [Float]
    /// What the 2D model named each object and its score, `[O]` each (from the lifted view labels; "" and 0 for an
    /// object whose detection did not survive lifting), or empty with the objects.
    public var objectLabels: [String] = []
    public var objectLabelScores: [Float] = []
    /// Scene-level base-class ground truth (empty when the scene has none).
    public var sceneTargets: [InstanceTarget]
    /// Lifted view-level labels (empty when the scene was not lifted).
    public var views: [ViewTargets]
    /// Curriculum targets from the tracked labels (`TrackedLabelLoader`): stage 2 per view, stage 3 scene-wide;
    /// `hasTrackedLabels` says whether the scene had them at all.
    public var trackedViews: [ViewTargets] = []
    public var pseudoInstances: [InstanceTarget] = []
    public var hasTrackedLabels = false
    /// The curriculum's stage `fused`: the training-free lifting's instances (`ViewConsensus`), in its order
    /// (descending score); empty unless loaded with `fuse` from a lifted scene.
    public var fusedInstances: [InstanceTarget] = []
    /// Semantic target of each superpoint `[S]` (`ignoredSemantic` where unknown), or empty without 3D labels.
    public var superpointSemantics: [Int32] = []
    /// `coords` and `objectCenters` before elastic distortion, or empty when the scene is not distorted.
    public var undistortedCoords: [Float] = []
    public var undistortedObjectCenters: [Float] = []

    public var pointCount: Int { superpoints.count }

    /// Loads `folder` through the scene contract, which validates every array (lengths against the point count,
    /// index ranges, monotone offsets, finite values) before training touches it. `baseClasses` restricts the 3D
    /// ground truth (nil: every ScanNet200 instance class). `fuse` also fuses the lifted view labels into
    /// `fusedInstances` with these thresholds.
    public static func load(_ folder: URL, superpointArray: String = SceneFile.superpoints.stem, baseClasses: Set<String>?,
                            fuse: FuseThresholds? = nil) throws -> TrainScene {
        let scene = try SceneFolder(folder)
        let name = folder.lastPathComponent
        let points = try ScenePoints.read(from: scene)
        let n = points.count
        let colors = points.colors.map { $0.map { Float($0) / 255 } } ?? [Float](repeating: 0.5, count: n * 3)
        let normals = points.normals ?? [Float](repeating: 0, count: n * 3)
        let superpoints = try SceneSuperpoints.read(from: scene, pointCount: n, array: superpointArray)
        let sp = superpoints.ids, s = superpoints.count
        var out = TrainScene(name: name, coords: points.coords, colors: colors, normals: normals, superpoints: sp, superpointCount: s,
                             features2D: [], feature2DWidth: 0, objectFeatures: [], objectCenters: [], sceneTargets: [], views: [])
        if scene.isComplete(.groundTruth) {
            let truth = try SceneGroundTruthLabels.read(from: scene, pointCount: n)
            out.sceneTargets = Self.sceneTargets(instance: truth.instance, semantic: truth.semantic,
                                                 superpoints: sp, count: s, baseClasses: baseClasses)
            // The stuff classes carry 3D labels wherever the base classes do (ScanNet20 has wall and floor).
            out.superpointSemantics = semanticTargets(semantic: truth.semantic, superpoints: sp, count: s,
                                                      labelled: baseClasses.map { $0.union(["wall", "floor"]) })
        }
        if scene.isComplete(.liftedLabels) {
            let lifted = try SceneLiftedLabels.read(from: scene, pointCount: n, superpointCount: s)
            out.features2D = lifted.pointFeatures
            out.feature2DWidth = lifted.featureChannels
            // Objects enter the model beside the point features, so only with the same width.
            if lifted.objectChannels > 0, lifted.objectChannels == lifted.featureChannels {
                out.objectFeatures = lifted.objectFeatures
                out.objectCenters = lifted.objectCenters
                (out.objectLabels, out.objectLabelScores) = objectNames(lifted, count: lifted.objectCenters.count / 3)
            }
            out.views = ViewLabelLoader.targets(lifted)
            if scene.isComplete(.trackedLabels) {
                let tracked = try SceneTrackedLabels.read(from: scene, maskCount: lifted.maskCount, viewCount: lifted.viewCount,
                                                          superpointCount: s)
                (out.trackedViews, out.pseudoInstances) = TrackedLabelLoader.targets(tracked, lifted: lifted)
                out.hasTrackedLabels = true
            }
            if let fuse {
                let inputs = try FuseInputs(lifted: lifted, pointSuperpoints: sp, source: folder)
                out.fusedInstances = ViewConsensus.fuse(inputs, thresholds: fuse).map {
                    InstanceTarget(name: $0.label, superpoints: $0.superpoints.sorted())
                }
            }
        }
        return out
    }

    /// Scene-level targets: superpoint s belongs to instance g when more than half of its points carry g
    /// (method §4.3); instances of classes outside `baseClasses` (and unannotated ones) are dropped.
    public static func sceneTargets(instance: [Int32], semantic: [Int32], superpoints: [Int32], count s: Int,
                                    baseClasses: Set<String>?) -> [InstanceTarget] {
        let catalog = ClassCatalog.scanNet200Instances()
        var spSize = [Int](repeating: 0, count: s)
        var votes: [Int32: [Int32: Int]] = [:]   // instance → superpoint → points
        var label: [Int32: Int32] = [:]
        for i in 0..<superpoints.count {
            let sp = superpoints[i]
            spSize[Int(sp)] += 1
            let g = instance[i]
            guard g > 0 else { continue }
            votes[g, default: [:]][sp, default: 0] += 1
            label[g] = semantic[i]
        }
        var targets: [InstanceTarget] = []
        for g in votes.keys.sorted() {
            guard let id = label[g], let entry = catalog.entry(id: Int(id)) else { continue }
            if let baseClasses, !baseClasses.contains(entry.name) { continue }
            let members = (votes[g] ?? [:]).filter { 2 * $0.value > spSize[Int($0.key)] }.keys.sorted()
            if !members.isEmpty { targets.append(InstanceTarget(name: entry.name, superpoints: members)) }
        }
        return targets
    }

    /// Each object row's label and score from the view instances that point at it (rows outside `0..<count` are
    /// ignored: the lifted-labels reader has checked them already).
    static func objectNames(_ lifted: SceneLiftedLabels, count: Int) -> (labels: [String], scores: [Float]) {
        var labels = [String](repeating: "", count: count), scores = [Float](repeating: 0, count: count)
        for view in lifted.labels.views {
            for instance in view.instances where (0..<count).contains(instance.object) {
                labels[instance.object] = instance.label
                scores[instance.object] = Float(instance.score)
            }
        }
        return (labels, scores)
    }

    /// The label embeddings of objects `rows` (`ModelInput.objectLabelEmbeddings`): each the text embedding of the
    /// object's label times its score, a zero row where the label is empty or not in `embeddings`.
    func objectLabelEmbeddings(rows: [Int], embeddings: TextEmbeddings) -> [Float] {
        var out = [Float](repeating: 0, count: rows.count * embeddings.dims)
        for (k, o) in rows.enumerated() where o < objectLabels.count {
            guard let vector = embeddings.vector(objectLabels[o]) else { continue }
            let score = objectLabelScores[o]
            for (j, v) in vector.enumerated() { out[k * embeddings.dims + j] = score * v }
        }
        return out
    }

    /// Every name this scene's targets use.
    public var targetNames: Set<String> {
        Set(sceneTargets.map(\.name)).union(views.flatMap { $0.instances.map(\.name) })
    }
}
