import Foundation
import SceneIO

/// The lifted view-level instances of one scene as `fuse` needs them: each mask is a set of superpoints seen by
/// one view, plus what every view sees and the superpoint of every point.
public struct FuseInputs: Sendable, Equatable {
    /// One view-level 2D instance lifted to superpoints.
    public struct Mask: Sendable, Equatable {
        /// Row of `visibility` (the scene's view index).
        public var view: Int
        public var label: String
        public var score: Double
        /// Ascending, distinct superpoint ids.
        public var superpoints: [Int32]

        public init(view: Int, label: String, score: Double, superpoints: [Int32]) {
            self.view = view
            self.label = label
            self.score = score
            self.superpoints = Array(Set(superpoints)).sorted()
        }
    }

    public var masks: [Mask]
    /// Which superpoints each view sees (V rows).
    public var visibility: SuperpointVisibility
    /// `[N]` superpoint id of each point, in `0..<S`.
    public var pointSuperpoints: [Int32]
    /// `[S]` points per superpoint.
    public private(set) var pointsPerSuperpoint: [Int]

    public var viewCount: Int { visibility.viewCount }
    public var superpointCount: Int { pointsPerSuperpoint.count }

    /// Checks every index against its range; `source` names the file each field came from in errors.
    public init(masks: [Mask], visibility: SuperpointVisibility, pointSuperpoints: [Int32],
                source: URL = URL(fileURLWithPath: "<memory>")) throws(VIPError) {
        let s = Int(pointSuperpoints.max() ?? -1) + 1
        var counts = [Int](repeating: 0, count: s)
        for (i, id) in pointSuperpoints.enumerated() {
            guard id >= 0 else { throw .indexOutOfRange(field: "\(source.path)/superpoints.npy[\(i)]", index: Int(id), count: s) }
            counts[Int(id)] += 1
        }
        guard visibility.viewCount > 0 else { throw .noViews(url: source) }
        var previous: Int64 = 0
        for (v, offset) in visibility.offsets.enumerated() {
            guard offset >= previous, Int(offset) <= visibility.superpoints.count, v > 0 || offset == 0 else {
                throw .indexOutOfRange(field: "\(source.path)/sp_view_offsets.npy[\(v)]", index: Int(offset),
                                       count: visibility.superpoints.count + 1)
            }
            previous = offset
        }
        guard Int(previous) == visibility.superpoints.count else {
            throw .sizeMismatch(field: "\(source.path)/sp_view_offsets.npy (last entry)", expected: visibility.superpoints.count,
                                actual: Int(previous))
        }
        for (i, id) in visibility.superpoints.enumerated() where id < 0 || Int(id) >= s {
            throw .indexOutOfRange(field: "\(source.path)/sp_view.npy[\(i)]", index: Int(id), count: s)
        }
        for (m, mask) in masks.enumerated() {
            guard mask.view >= 0, mask.view < visibility.viewCount else {
                throw .indexOutOfRange(field: "\(source.path)/view_labels.json mask \(m) view", index: mask.view, count: visibility.viewCount)
            }
            if let bad = mask.superpoints.first(where: { $0 < 0 || Int($0) >= s }) {
                throw .indexOutOfRange(field: "\(source.path)/view_labels.json mask \(m) superpoints", index: Int(bad), count: s)
            }
        }
        self.masks = masks
        self.visibility = visibility
        self.pointSuperpoints = pointSuperpoints
        self.pointsPerSuperpoint = counts
    }

    /// Reads `view_labels.json`, `vl_offsets/vl_superpoints`, `sp_view_offsets/sp_view`, `superpoints` and the
    /// point count of `coord` from a lifted scene folder, naming the file and index of anything out of range.
    public static func load(scene url: URL) throws(VIPError) -> FuseInputs {
        let folder: SceneFolder
        do { folder = try SceneFolder(url) } catch { throw .unreadableInput(url: url, reason: "\(error)") }
        guard folder.manifest.arrays["superpoints"] != nil else {
            throw .missingStage(url: url, file: "superpoints.npy", run: "ovseg3r superpoints \(url.path)")
        }
        let labelsURL = folder.fileURL("view_labels.json")
        for array in ["vl_offsets", "vl_superpoints", "sp_view_offsets", "sp_view"] where folder.manifest.arrays[array] == nil {
            throw .missingStage(url: url, file: array + ".npy", run: "ovseg3r lift \(url.path)")
        }
        guard FileManager.default.fileExists(atPath: labelsURL.path) else {
            throw .missingStage(url: url, file: "view_labels.json", run: "ovseg3r lift \(url.path)")
        }
        let file: ViewLabelsFile
        let offsets: [Int64], flat: [Int32], visibility: SuperpointVisibility, superpoints: [Int32]
        do {
            file = try JSONFile.read(ViewLabelsFile.self, from: labelsURL)
            offsets = try folder.read("vl_offsets").int64s()
            flat = try folder.read("vl_superpoints").int32s()
            visibility = SuperpointVisibility(offsets: try folder.read("sp_view_offsets").int64s(),
                                              superpoints: try folder.read("sp_view").int32s())
            superpoints = try folder.read("superpoints").int32s()
        } catch { throw .unreadableInput(url: url, reason: "\(error)") }
        if let coord = folder.manifest.arrays[SceneArray.coord], coord.shape.first != superpoints.count {
            throw .sizeMismatch(field: "\(url.path)/superpoints.npy", expected: coord.shape.first ?? 0, actual: superpoints.count)
        }
        guard visibility.viewCount > 0 else { throw .noViews(url: url) }
        let s = Int(superpoints.max() ?? -1) + 1
        for (i, id) in flat.enumerated() where id < 0 || Int(id) >= s {
            throw .indexOutOfRange(field: "\(url.path)/vl_superpoints.npy[\(i)]", index: Int(id), count: s)
        }
        var masks: [Mask] = []
        for (k, view) in file.views.enumerated() {
            for (j, instance) in view.instances.enumerated() {
                let field = "\(labelsURL.path) views[\(k)].instances[\(j)].mask"
                guard instance.mask >= 0, instance.mask + 1 < offsets.count else {
                    throw .indexOutOfRange(field: field, index: instance.mask, count: max(offsets.count - 1, 0))
                }
                let lo = Int(offsets[instance.mask]), hi = Int(offsets[instance.mask + 1])
                guard lo >= 0, lo <= hi, hi <= flat.count else {
                    throw .indexOutOfRange(field: "\(url.path)/vl_offsets.npy[\(instance.mask + 1)]", index: hi, count: flat.count + 1)
                }
                guard view.view >= 0, view.view < visibility.viewCount else {
                    throw .indexOutOfRange(field: "\(labelsURL.path) views[\(k)].view", index: view.view, count: visibility.viewCount)
                }
                guard hi > lo else { continue }
                masks.append(Mask(view: view.view, label: instance.label, score: instance.score, superpoints: Array(flat[lo..<hi])))
            }
        }
        return try FuseInputs(masks: masks, visibility: visibility, pointSuperpoints: superpoints, source: url)
    }
}
