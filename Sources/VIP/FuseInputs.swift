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

    /// The masks, visibility and superpoints of a lifted scene folder, read and validated through the scene
    /// contract (`SceneSuperpoints`, `SceneLiftedLabels`), which names the file and index of anything out of range.
    public static func load(scene url: URL) throws(VIPError) -> FuseInputs {
        let folder: SceneFolder
        do { folder = try SceneFolder(url) } catch { throw .unreadableInput(url: url, reason: "\(error)") }
        guard folder.has(.superpoints) else {
            throw .missingStage(url: url, file: SceneFile.superpoints.fileName, run: "ovseg3r superpoints \(url.path)")
        }
        for file in SceneArtefact.liftedLabels.requiredFiles where !folder.has(file) {
            throw .missingStage(url: url, file: file.fileName, run: "ovseg3r lift \(url.path)")
        }
        let superpoints: SceneSuperpoints, lifted: SceneLiftedLabels
        do {
            let n = ScenePoints.recordedCount(in: folder) ?? folder.manifest.arrays[SceneFile.superpoints.stem]?.shape.first ?? 0
            superpoints = try SceneSuperpoints.read(from: folder, pointCount: n)
            lifted = try SceneLiftedLabels.read(from: folder, pointCount: n, superpointCount: superpoints.count)
        } catch { throw .unreadableInput(url: url, reason: "\(error)") }
        return try FuseInputs(lifted: lifted, pointSuperpoints: superpoints.ids, source: url)
    }

    /// The inputs of lifted labels already read through the scene contract (as `train` holds them).
    public init(lifted: SceneLiftedLabels, pointSuperpoints: [Int32], source: URL) throws(VIPError) {
        guard lifted.viewCount > 0 else { throw .noViews(url: source) }
        var masks: [Mask] = []
        for view in lifted.labels.views {
            for instance in view.instances where !lifted.mask(instance.mask).isEmpty {
                masks.append(Mask(view: view.view, label: instance.label, score: instance.score,
                                  superpoints: Array(lifted.mask(instance.mask))))
            }
        }
        let visibility = SuperpointVisibility(offsets: lifted.visibleOffsets, superpoints: lifted.visibleSuperpoints)
        try self.init(masks: masks, visibility: visibility, pointSuperpoints: pointSuperpoints, source: source)
    }
}
