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

    /// Reads `view_labels.json`, `vl_*`, `sp_view*`, `objects2d_*` and `superpoints.npy` of the scene folder.
    public static func load(scene url: URL) throws(VIPError) -> ViewLabels {
        do {
            let folder = try SceneFolder(url)
            guard folder.manifest.arrays["vl_offsets"] != nil else {
                throw VIPError.missingStage(url: url, file: "vl_offsets.npy", run: "ovseg3r lift \(url.path)")
            }
            let file = try JSONFile.read(ViewLabelsFile.self, from: folder.fileURL("view_labels.json"))
            let offsets = try folder.read("vl_offsets").int64s()
            let masks = try folder.read("vl_superpoints").int32s()
            let visibility = SuperpointVisibility(offsets: try folder.read("sp_view_offsets").int64s(),
                                                  superpoints: try folder.read("sp_view").int32s())
            let superpoints = try folder.read("superpoints").int32s()
            let centersFlat = try folder.read("objects2d_center").floats()
            let featureArray = try folder.read("objects2d_feat")
            let channels = featureArray.shape.count == 2 ? featureArray.shape[1] : 0
            let objects = Objects(features: try featureArray.floats(), channels: channels,
                                  centers: (0..<(centersFlat.count / 3)).map {
                                      SIMD3(centersFlat[3 * $0], centersFlat[3 * $0 + 1], centersFlat[3 * $0 + 2]) },
                                  views: try folder.read("objects2d_view").int32s())
            guard offsets.last.map(Int.init) == masks.count else {
                throw VIPError.sizeMismatch(field: "vl_offsets (last entry)", expected: masks.count, actual: Int(offsets.last ?? -1))
            }
            var views: [View] = []
            for v in file.views {
                var instances: [Instance] = []
                for i in v.instances {
                    guard i.mask >= 0, i.mask + 1 < offsets.count else {
                        throw VIPError.indexOutOfRange(field: "view_labels.json views[\(v.view)].mask", index: i.mask, count: offsets.count - 1)
                    }
                    guard i.object < objects.centers.count else {
                        throw VIPError.indexOutOfRange(field: "view_labels.json views[\(v.view)].object", index: i.object,
                                                       count: objects.centers.count)
                    }
                    instances.append(Instance(label: i.label, score: i.score, object: i.object >= 0 ? i.object : nil,
                                              superpoints: Array(masks[Int(offsets[i.mask])..<Int(offsets[i.mask + 1])])))
                }
                views.append(View(view: v.view, frame: v.frame, instances: instances))
            }
            return ViewLabels(views: views, visibility: visibility, objects: objects,
                              superpointCount: Int((superpoints.max() ?? -1) + 1))
        } catch let error as VIPError {
            throw error
        } catch {
            throw .unreadableInput(url: url, reason: "\(error)")
        }
    }
}
