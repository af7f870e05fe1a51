import Foundation
import SceneIO

/// Reads the lifted view-level labels of SCENE_FORMAT.md: `view_labels.json`, the instance→superpoint CSR
/// (`vl_offsets`, `vl_superpoints`) and the view→visible-superpoint CSR (`sp_view_offsets`, `sp_view`).
public enum ViewLabelLoader {
    struct File: Decodable {
        struct View: Decodable {
            var view: Int
            var instances: [Instance]
        }
        struct Instance: Decodable {
            var label: String
            var mask: Int
        }
        var views: [View]
    }

    /// One `ViewTargets` per view of `sp_view_offsets` (views without labels keep an empty instance list).
    public static func load(scene: SceneFolder, labelsURL: URL) throws -> [ViewTargets] {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: Data(contentsOf: labelsURL)) } catch {
            throw TrainError.unreadable(path: labelsURL.path, reason: String(describing: error))
        }
        let vlOffsets = try scene.read("vl_offsets").int64s(), vlSP = try scene.read("vl_superpoints").int32s()
        let viewOffsets = try scene.read("sp_view_offsets").int64s(), viewSP = try scene.read("sp_view").int32s()
        func slice(_ offsets: [Int64], _ values: [Int32], _ i: Int) throws -> [Int32] {
            guard i >= 0, i + 1 < offsets.count, offsets[i] <= offsets[i + 1], Int(offsets[i + 1]) <= values.count else {
                throw TrainError.inconsistentScene(scene: scene.url.lastPathComponent, reason: "CSR row \(i) out of range (\(offsets.count - 1) rows)")
            }
            return Array(values[Int(offsets[i])..<Int(offsets[i + 1])])
        }
        var views = try (0..<(viewOffsets.count - 1)).map { ViewTargets(visible: try slice(viewOffsets, viewSP, $0), instances: []) }
        for v in file.views where v.view >= 0 && v.view < views.count {
            for inst in v.instances {
                let sps = try slice(vlOffsets, vlSP, inst.mask)
                if !sps.isEmpty { views[v.view].instances.append(InstanceTarget(name: inst.label, superpoints: sps)) }
            }
        }
        return views
    }
}
