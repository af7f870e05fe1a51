import Foundation
import SceneIO

/// The lifted view-level labels of a scene, loaded from the files `lift` writes, as plain arrays for training.
///
/// `views[v].instances[i].superpoints` is the instance's superpoint mask in view v (ascending ids); `visibility`
/// gives the superpoints each view sees (the columns VIP truncates predictions to); `objects` are the lifted 2D
/// object queries.
public struct ViewLabels: Sendable, Equatable {
    public struct Instance: Sendable, Equatable {
        public var label: String
        public var score: Double
        /// Row in `objects`, or nil.
        public var object: Int?
        /// Ascending superpoint ids of the instance in this view.
        public var superpoints: [Int32]
    }

    public struct View: Sendable, Equatable {
        public var view: Int
        public var frame: Int
        public var instances: [Instance]
    }

    /// Lifted 2D object queries: `[O, C]` features (row-major), `[O]` centres (world metres), `[O]` source views.
    public struct Objects: Sendable, Equatable {
        public var features: [Float]
        public var channels: Int
        public var centers: [SIMD3<Float>]
        public var views: [Int32]
    }

    public var views: [View]
    public var visibility: SuperpointVisibility
    public var objects: Objects
    /// S, the number of superpoints of the scene.
    public var superpointCount: Int

    /// All distinct label strings, sorted.
    public var labelStrings: [String] {
        Array(Set(views.flatMap { $0.instances.map(\.label) })).sorted()
    }

    /// The labels of a lifted scene folder, read (and validated) through the scene contract's `SceneLiftedLabels`,
    /// the one reader of `lift`'s output.
    public static func load(scene url: URL) throws(VIPError) -> ViewLabels {
        let lifted: SceneLiftedLabels, superpoints: SceneSuperpoints
        do {
            let folder = try SceneFolder(url)
            guard folder.isComplete(.liftedLabels) else {
                throw VIPError.missingStage(url: url, file: SceneFile.vlOffsets.fileName, run: "ovseg3r lift \(url.path)")
            }
            let n = ScenePoints.recordedCount(in: folder) ?? folder.manifest.arrays[SceneFile.superpoints.stem]?.shape.first ?? 0
            superpoints = try SceneSuperpoints.read(from: folder, pointCount: n)
            lifted = try SceneLiftedLabels.read(from: folder, pointCount: n, superpointCount: superpoints.count)
        } catch let error as VIPError {
            throw error
        } catch {
            throw .unreadableInput(url: url, reason: "\(error)")
        }
        return ViewLabels(lifted, superpointCount: superpoints.count)
    }
}

extension ViewLabels {
    /// Regroups validated contract arrays as per-view instances with their superpoint lists.
    public init(_ lifted: SceneLiftedLabels, superpointCount: Int) {
        let c = lifted.objectChannels
        objects = Objects(features: lifted.objectFeatures, channels: c,
                          centers: (0..<lifted.objectCount).map {
                              SIMD3(lifted.objectCenters[3 * $0], lifted.objectCenters[3 * $0 + 1], lifted.objectCenters[3 * $0 + 2]) },
                          views: lifted.objectViews)
        visibility = SuperpointVisibility(offsets: lifted.visibleOffsets, superpoints: lifted.visibleSuperpoints)
        views = lifted.labels.views.map { v in
            View(view: v.view, frame: v.frame, instances: v.instances.map { i in
                Instance(label: i.label, score: i.score, object: i.object >= 0 ? i.object : nil, superpoints: Array(lifted.mask(i.mask)))
            })
        }
        self.superpointCount = superpointCount
    }
}
