import Foundation
import SceneIO

/// What mask tracking needs of one scene: the lifted view masks (detections) and, per view, how many of each
/// superpoint's points the view observes (from the correspondences C).
public struct TrackInputs: Sendable, Equatable {
    /// One lifted view-level 2D instance.
    public struct Detection: Sendable, Equatable {
        public var view: Int
        /// Row in the lifted mask CSR (`vl_offsets`), the index `track_view_mask.npy` is written by.
        public var row: Int
        public var label: String
        public var score: Double
        /// Ascending, distinct superpoint ids.
        public var superpoints: [Int32]

        public init(view: Int, row: Int, label: String, score: Double, superpoints: [Int32]) {
            self.view = view
            self.row = row
            self.label = label
            self.score = score
            self.superpoints = Array(Set(superpoints)).sorted()
        }
    }

    public var detections: [Detection]
    /// `[V + 1]` CSR by view over `observedSuperpoints` / `observedPoints`: view v observes `observedPoints[i]` points
    /// of superpoint `observedSuperpoints[i]` (ascending within a view, each once, counts ≥ 1).
    public var observedOffsets: [Int64]
    public var observedSuperpoints: [Int32]
    public var observedPoints: [Int32]
    /// `[S]` points per superpoint.
    public var pointsPerSuperpoint: [Int]
    /// `[N]` superpoint of each point.
    public var pointSuperpoints: [Int32]
    /// Rows of the lifted mask CSR (detections may omit empty ones).
    public var maskCount: Int

    public var viewCount: Int { observedOffsets.count - 1 }
    public var superpointCount: Int { pointsPerSuperpoint.count }

    /// Builds the per-view observation table from C's view CSR and checks every detection's view and superpoints.
    public init(detections: [Detection], corrOffsets: [Int64], corrPoints: [Int32], pointSuperpoints: [Int32],
                superpointCount s: Int, maskCount: Int) throws(VIPError) {
        var sizes = [Int](repeating: 0, count: s)
        for (i, id) in pointSuperpoints.enumerated() {
            guard id >= 0, Int(id) < s else { throw .indexOutOfRange(field: "superpoints.npy[\(i)]", index: Int(id), count: s) }
            sizes[Int(id)] += 1
        }
        let v = corrOffsets.count - 1
        guard v > 0 else { throw .sizeMismatch(field: "corr_offsets.npy (views + 1)", expected: 2, actual: corrOffsets.count) }
        var offsets: [Int64] = [0], ids: [Int32] = [], counts: [Int32] = []
        var tally = [Int32](repeating: 0, count: s), touched: [Int32] = []
        for view in 0..<v {
            let lo = Int(corrOffsets[view]), hi = Int(corrOffsets[view + 1])
            guard lo <= hi, hi <= corrPoints.count else {
                throw .indexOutOfRange(field: "corr_offsets.npy[\(view + 1)]", index: hi, count: corrPoints.count + 1)
            }
            for k in lo..<hi {
                let p = Int(corrPoints[k])
                guard p >= 0, p < pointSuperpoints.count else {
                    throw .indexOutOfRange(field: "corr_point.npy[\(k)]", index: p, count: pointSuperpoints.count)
                }
                let sp = pointSuperpoints[p]
                if tally[Int(sp)] == 0 { touched.append(sp) }
                tally[Int(sp)] += 1
            }
            touched.sort()
            for sp in touched {
                ids.append(sp)
                counts.append(tally[Int(sp)])
                tally[Int(sp)] = 0
            }
            touched.removeAll(keepingCapacity: true)
            offsets.append(Int64(ids.count))
        }
        for (d, detection) in detections.enumerated() {
            guard detection.view >= 0, detection.view < v else {
                throw .indexOutOfRange(field: "view_labels.json detection \(d) view", index: detection.view, count: v)
            }
            guard detection.row >= 0, detection.row < maskCount else {
                throw .indexOutOfRange(field: "view_labels.json detection \(d) mask", index: detection.row, count: maskCount)
            }
            if let bad = detection.superpoints.first(where: { $0 < 0 || Int($0) >= s }) {
                throw .indexOutOfRange(field: "vl_superpoints.npy (mask \(detection.row))", index: Int(bad), count: s)
            }
        }
        self.detections = detections
        observedOffsets = offsets
        observedSuperpoints = ids
        observedPoints = counts
        pointsPerSuperpoint = sizes
        self.pointSuperpoints = pointSuperpoints
        self.maskCount = maskCount
    }

    /// The observed (superpoint, points) rows of view `v`.
    public func observed(view v: Int) -> Range<Int> { Int(observedOffsets[v])..<Int(observedOffsets[v + 1]) }

    /// The inputs of a lifted scene folder, read through the scene contract. A folder without correspondences,
    /// views, superpoints or lifted labels (a scene from another tool) is refused naming the missing file.
    public static func load(scene url: URL) throws(VIPError) -> (inputs: TrackInputs, folder: SceneFolder, lifted: SceneLiftedLabels) {
        let folder: SceneFolder
        do { folder = try SceneFolder(url) } catch { throw .unreadableInput(url: url, reason: "\(error)") }
        for file in SceneArtefact.correspondences.requiredFiles + [.views] where !folder.has(file) {
            throw .missingStage(url: url, file: file.fileName, run: "ovseg3r recon")
        }
        guard folder.has(.superpoints) else {
            throw .missingStage(url: url, file: SceneFile.superpoints.fileName, run: "ovseg3r superpoints \(url.path)")
        }
        for file in SceneArtefact.liftedLabels.requiredFiles where !folder.has(file) {
            throw .missingStage(url: url, file: file.fileName, run: "ovseg3r lift \(url.path)")
        }
        let superpoints: SceneSuperpoints, lifted: SceneLiftedLabels, table: SceneCorrespondences
        do {
            let n = ScenePoints.recordedCount(in: folder) ?? folder.manifest.arrays[SceneFile.superpoints.stem]?.shape.first ?? 0
            superpoints = try SceneSuperpoints.read(from: folder, pointCount: n)
            lifted = try SceneLiftedLabels.read(from: folder, pointCount: n, superpointCount: superpoints.count)
            table = try SceneCorrespondences.read(from: folder, pointCount: n)
        } catch { throw .unreadableInput(url: url, reason: "\(error)") }
        guard table.viewCount == lifted.viewCount else {
            throw .sizeMismatch(field: "\(url.path)/corr_offsets.npy views (against sp_view_offsets.npy)",
                                expected: lifted.viewCount, actual: table.viewCount)
        }
        var detections: [Detection] = []
        for view in lifted.labels.views {
            for instance in view.instances where !lifted.mask(instance.mask).isEmpty {
                detections.append(Detection(view: view.view, row: instance.mask, label: instance.label, score: instance.score,
                                            superpoints: Array(lifted.mask(instance.mask))))
            }
        }
        detections.sort { $0.view != $1.view ? $0.view < $1.view : $0.row < $1.row }
        let inputs = try TrackInputs(detections: detections, corrOffsets: table.offsets, corrPoints: table.points,
                                     pointSuperpoints: superpoints.ids, superpointCount: superpoints.count,
                                     maskCount: lifted.maskCount)
        return (inputs, folder, lifted)
    }
}
