import Foundation
import SceneIO

/// The `scene-contract` fuzz target: a valid tiny scene folder with every artefact of the contract, some of
/// whose files an input replaces or removes, read back through the contract types the stages use.
///
/// An input is a sequence of records, each `[selector: 1 byte][length: UInt32 little-endian][payload]` (a payload
/// cut short by the end of the input is taken as it is). The selector's low 7 bits pick a file of `files`
/// (modulo its count); with the high bit set the file is removed, otherwise the payload replaces it. A replaced
/// `.npy` is recorded in `scene.json` with its own header's dtype and shape, so the contract sees a consistent
/// manifest and its own checks (lengths against the point count, index ranges, monotone offsets, finite values)
/// are what the input meets. `tools/fuzz/contract_seeds.py` writes the seed corpus in this layout.
enum FuzzSceneContract {
    /// The files an input may replace or remove, in selector order (keep in step with contract_seeds.py).
    static let files: [SceneFile] = [
        .coord, .color, .normal,
        .corrOffsets, .corrPoint, .corrUV, .sourceView, .sourceUV,
        .instance, .semantic,
        .superpoints,
        .viewLabels, .vlOffsets, .vlSuperpoints, .spViewOffsets, .spView,
        .objects2dFeat, .objects2dCenter, .objects2dView, .feat2d, .feat2dCount,
        .tracks, .trackViewMask, .trackOffsets, .trackSuperpoints,
    ]

    /// Applies `bytes` to the working copy of the template scene in `scratch` (made once; the files an input touched
    /// are put back afterwards) and reads every artefact; true when all of them were accepted. Every artefact is read even after an earlier one is refused (downstream counts then
    /// come from the template), so one damaged file does not hide the checks of the others.
    static func parse(_ bytes: [UInt8], scratch: URL) throws -> Bool {
        let template = try templateScene(in: scratch)
        let work = scratch.appendingPathComponent("contract-work")
        let fm = FileManager.default
        if !fm.fileExists(atPath: work.path) { try fm.copyItem(at: template, to: work) }
        // Only the files this input touches are put back afterwards (copying the whole folder per input was most
        // of the cost of an execution).
        var touched: Set<SceneFile> = []
        defer {
            for file in touched.union([.manifest]) {
                let target = work.appendingPathComponent(file.fileName), source = template.appendingPathComponent(file.fileName)
                try? fm.removeItem(at: target)
                try? fm.copyItem(at: source, to: target)
            }
        }
        var folder = try SceneFolder(work)
        var cursor = 0
        while cursor < bytes.count {
            let selector = bytes[cursor]
            var length = 0
            for k in 0..<4 where cursor + 1 + k < bytes.count { length |= Int(bytes[cursor + 1 + k]) << (8 * k) }
            let start = min(bytes.count, cursor + 5)
            let end = min(bytes.count, start + length)
            let file = files[Int(selector & 0x7f) % files.count]
            touched.insert(file)
            if selector & 0x80 != 0 {
                if file.isArray { try folder.remove(file.stem) } else { try? FileManager.default.removeItem(at: folder.url(of: file)) }
            } else {
                try Data(bytes[start..<end]).write(to: folder.url(of: file))
                if file.isArray {
                    do { try folder.recordWritten(file.stem) } catch { return false }
                }
            }
            cursor = end
        }
        return readAll(folder)
    }

    /// Reads every artefact through its contract type and walks the ranges a stage would index with.
    static func readAll(_ folder: SceneFolder) -> Bool {
        var accepted = true
        var n = Template.pointCount, s = Template.superpointCount
        var masks = Template.maskCount, views = Template.viewCount
        do {
            n = try ScenePoints.read(from: folder).count
        } catch { accepted = false }
        do {
            let table = try SceneCorrespondences.read(from: folder, pointCount: n)
            var touched = 0
            for v in 0..<table.viewCount { for j in table.range(view: v) { touched &+= Int(table.points[j]) } }
            _ = touched
        } catch { accepted = false }
        do { _ = try SceneGroundTruthLabels.read(from: folder, pointCount: n) } catch { accepted = false }
        do {
            let superpoints = try SceneSuperpoints.read(from: folder, pointCount: n)
            s = superpoints.count
            _ = superpoints.sizes
        } catch { accepted = false }
        do {
            let lifted = try SceneLiftedLabels.read(from: folder, pointCount: n, superpointCount: s)
            masks = lifted.maskCount
            views = lifted.viewCount
            var sizes = [Int](repeating: 0, count: s)
            for row in 0..<lifted.maskCount { for sp in lifted.mask(row) { sizes[Int(sp)] += 1 } }
            for v in 0..<lifted.viewCount { for sp in lifted.visible(view: v) { sizes[Int(sp)] += 1 } }
            for view in lifted.labels.views { for instance in view.instances { _ = lifted.mask(instance.mask) } }
        } catch { accepted = false }
        do {
            let tracked = try SceneTrackedLabels.read(from: folder, maskCount: masks, viewCount: views, superpointCount: s)
            var owners = [Int](repeating: 0, count: s)
            for t in 0..<tracked.trackCount { for sp in tracked.instance(t) { owners[Int(sp)] += 1 } }
        } catch { accepted = false }
        return accepted
    }

    /// The template's counts.
    enum Template {
        static let pointCount = 8, viewCount = 2, superpointCount = 3, maskCount = 3
    }

    /// A complete, valid scene of 8 points, 2 views and 3 superpoints, written once per scratch folder through the
    /// contract's writers (so it is what the stages write).
    static func templateScene(in scratch: URL) throws -> URL {
        let url = scratch.appendingPathComponent("contract-template")
        if FileManager.default.fileExists(atPath: url.appendingPathComponent(SceneFile.tracks.fileName).path) { return url }
        try? FileManager.default.removeItem(at: url)
        var folder = try SceneFolder.create(at: url)
        let n = Template.pointCount
        var coords = [Float]()
        for i in 0..<n { coords += [Float(i % 2), Float(i / 2) * 0.5, Float(i % 3) * 0.25] }
        let colors: [UInt8] = (0..<3 * n).map { UInt8($0 * 7 % 256) }
        var normals = [Float]()
        for _ in 0..<n { normals += [0, 0, 1] }
        try ScenePoints(coords: coords, colors: colors, normals: normals).write(to: &folder)
        try SceneCorrespondences(offsets: [0, 5, 10], points: [0, 1, 2, 3, 4, 3, 4, 5, 6, 7],
                                 uv: (0..<20).map { Float($0) * 1.5 },
                                 sourceView: [0, 0, 0, 0, 0, 1, 1, 1],
                                 sourceUV: (0..<2 * n).map { Float($0) }).write(to: &folder, pointCount: n)
        try SceneGroundTruthLabels(instance: [1, 1, 1, 2, 2, 2, 0, 0], semantic: [2, 2, 2, 5, 5, 5, 0, 0]).write(to: &folder)
        let superpoints = try SceneSuperpoints(ids: [0, 0, 0, 1, 1, 1, 2, 2], file: folder.url(of: .superpoints))
        try superpoints.write(to: &folder)
        let labels = ViewLabelsFile(views: [
            LiftedView(view: 0, frame: 0, instances: [LiftedInstance(label: "chair", score: 0.9, object: 0, mask: 0)]),
            LiftedView(view: 1, frame: 5, instances: [LiftedInstance(label: "table", score: 0.8, object: 1, mask: 1),
                                                      LiftedInstance(label: "lamp", score: 0.4, object: -1, mask: 2)]),
        ])
        var lifted = SceneLiftedLabels(labels: labels, maskOffsets: [0, 1, 2, 4], maskSuperpoints: [0, 1, 1, 2],
                                       visibleOffsets: [0, 2, 4], visibleSuperpoints: [0, 1, 1, 2])
        lifted.objectCenters = [0.5, 0.25, 0.1, 0.5, 1.25, 0.3]
        lifted.objectViews = [0, 1]
        lifted.objectFeatures = (0..<8).map { Float($0) / 8 }
        lifted.objectChannels = 4
        lifted.pointFeatures = (0..<4 * n).map { Float($0 % 5) / 5 }
        lifted.featureChannels = 4
        lifted.featureCounts = [UInt16](repeating: 2, count: n)
        try lifted.write(to: &folder, pointCount: n, superpointCount: Template.superpointCount)
        let tracks = TracksFile(tracks: [TrackRecord(score: 0.9, votes: ["chair": 0.9], views: [0]),
                                         TrackRecord(score: 0.8, votes: ["table": 0.8], views: [1])])
        try SceneTrackedLabels(file: tracks, viewMaskTrack: [0, 1, -1], offsets: [0, 1, 2], superpoints: [0, 1])
            .write(to: &folder, maskCount: Template.maskCount, viewCount: Template.viewCount, superpointCount: Template.superpointCount)
        return url
    }
}
