import Foundation
import IBSp
import SceneIO
import Support

/// `ovseg3r lift`: 2D model output → view-level partial 3D labels, per-point 2D features and lifted 2D object
/// queries, through the reconstruction's correspondences C (contract in the scene-folder spec).
///
/// Per view v, for every correspondence (point p, pixel x) the mask id at x is read. Then
/// - a superpoint s belongs to instance m of v when more than `majority` of s's points visible in v carry m's id;
/// - instance m's object row (if it has an object feature) gets the per-axis median of its points' positions;
/// - each point's 2D feature accumulates the bilinear sample of v's feature map at x (scaled to the map).
/// Instances with no superpoint are dropped from `view_labels.json` (no supervision to give).
public enum Lift {
    /// `video` defaults to the scene's `provenance.input`; `pred2d` to `VIDEO/pred2d`.
    public static func run(scene url: URL, video: URL? = nil, pred2d: URL? = nil,
                           options: LiftOptions = LiftOptions()) throws(VIPError) -> LiftResult {
        let start = Date()
        let inputs: SceneInputs
        do { inputs = try SceneInputs.load(url) } catch {
            if case let .unreadableInput(_, reason) = error { throw .unreadableInput(url: url, reason: reason) }
            throw .unreadableInput(url: url, reason: "\(error)")
        }
        var folder = inputs.folder
        guard folder.manifest.arrays["superpoints"] != nil else {
            throw .missingStage(url: url, file: "superpoints.npy", run: "ovseg3r superpoints \(url.path)")
        }
        let superpoints: [Int32]
        do { superpoints = try folder.read("superpoints").int32s() } catch { throw .unreadableInput(url: url, reason: "\(error)") }
        guard superpoints.count == inputs.pointCount else {
            throw .sizeMismatch(field: "superpoints.npy", expected: inputs.pointCount, actual: superpoints.count)
        }
        let superpointCount = Int((superpoints.max() ?? -1) + 1)
        let videoURL: URL
        let videoFolder: VideoFolder
        do {
            videoURL = try inputs.videoURL(override: video)
            videoFolder = try VideoFolder(videoURL, checkImageSizes: false, pred2d: pred2d)
        } catch { throw .unreadableInput(url: video ?? url, reason: "\(error)") }
        let visibility = try SuperpointVisibility.build(corrOffsets: inputs.corrOffsets, corrPoint: inputs.corrPoint,
                                                        superpoints: superpoints, superpointCount: superpointCount)
        let objects = try readObjects(videoFolder.pred2dURL)
        var accumulator = ViewLifter(pointCount: inputs.pointCount, superpointCount: superpointCount, majority: options.majority)
        let bar = ProgressBar("lift", unit: "views", enabled: options.progress)
        var perView: [Double] = []
        for (v, view) in inputs.views.enumerated() {
            let viewStart = Date()
            let lo = Int(inputs.corrOffsets[v]), hi = Int(inputs.corrOffsets[v + 1])
            let frame: ViewFrameInputs
            do { frame = try ViewFrameInputs.read(videoFolder, frame: view.frame, features: options.features) } catch {
                throw .unreadableInput(url: videoURL, reason: "frame \(view.frame): \(error)")
            }
            try accumulator.add(view: v, frame: view.frame, imageSize: (view.width, view.height), inputs: frame,
                                points: inputs.corrPoint[lo..<hi], uv: inputs.corrUV[(2 * lo)..<(2 * hi)],
                                superpoints: superpoints, positions: inputs.positions, objects: objects)
            perView.append(Date().timeIntervalSince(viewStart))
            bar.update(v + 1, of: inputs.views.count)
        }
        let lifted = accumulator.finish()
        do {
            try JSONFile.write(ViewLabelsFile(formatVersion: 1, views: lifted.views), to: folder.fileURL("view_labels.json"))
            try folder.write(lifted.maskOffsets, shape: [lifted.maskOffsets.count], named: "vl_offsets")
            try folder.write(lifted.maskSuperpoints, shape: [lifted.maskSuperpoints.count], named: "vl_superpoints")
            try folder.write(visibility.offsets, shape: [visibility.offsets.count], named: "sp_view_offsets")
            try folder.write(visibility.superpoints, shape: [visibility.superpoints.count], named: "sp_view")
            let o = lifted.objectCenters.count
            try folder.write(lifted.objectCenters.flatMap { [$0.x, $0.y, $0.z] }, shape: [o, 3], named: "objects2d_center")
            try folder.write(lifted.objectViews, shape: [o], named: "objects2d_view")
            let objectChannels = objects?.channels ?? 0
            try writeFloat16(&folder, lifted.objectFeatures, shape: [o, objectChannels], named: "objects2d_feat")
            let c = accumulator.featureChannels
            if c > 0 {
                try writeFloat16(&folder, lifted.pointFeatures, shape: [inputs.pointCount, c], named: "feat2d")
                try folder.write(lifted.featureCounts, shape: [inputs.pointCount], named: "feat2d_count")
            }
            try folder.setCount("view_instances", lifted.maskOffsets.count - 1)
            try folder.setCount("objects2d", o)
            try folder.setProvenance("lift", "video=\(videoURL.path) pred2d=\(videoFolder.pred2dURL.path) majority=\(options.majority)")
            try folder.setProvenance("pred2d", videoFolder.pred2dURL.path)
        } catch { throw .unwritableOutput(url: url, reason: "\(error)") }
        let sorted = perView.sorted()
        return LiftResult(views: inputs.views.count, instances: lifted.maskOffsets.count - 1, detections: lifted.detections,
                          dropped: lifted.dropped, objects: lifted.objectCenters.count, featureChannels: accumulator.featureChannels,
                          pointsWithFeatures: lifted.featureCounts.filter { $0 > 0 }.count,
                          seconds: Date().timeIntervalSince(start), secondsPerView: sorted.isEmpty ? 0 : sorted[sorted.count / 2])
    }

    /// `PRED2D/objects.npy` as `[O, C]` floats, if present.
    static func readObjects(_ pred2d: URL) throws(VIPError) -> (values: [Float], channels: Int)? {
        let url = pred2d.appendingPathComponent("objects.npy")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            let array = try Npy.read(url)
            let shape = try array.requireShape([nil, nil])
            return (try array.floats(), shape[1])
        } catch { throw .unreadableInput(url: url, reason: "\(error)") }
    }

    static func writeFloat16(_ folder: inout SceneFolder, _ values: [Float], shape: [Int], named name: String) throws {
        let bits = values.map(HalfFloat.bits(from:))
        try folder.write(try NpyArray(shape: shape, storage: .float16(bits: bits)), named: name)
    }
}

/// One frame's 2D model output.
struct ViewFrameInputs {
    var mask: GrayImage16?
    var instances: [Pred2DInstance]
    /// `[h, w, C]` feature map, if present and requested.
    var features: (values: [Float], height: Int, width: Int, channels: Int)?

    static func read(_ video: VideoFolder, frame: Int, features: Bool) throws -> ViewFrameInputs {
        let mask = try video.pred2DMask(frame)
        let instances = try video.pred2DInstances(frame) ?? []
        var map: (values: [Float], height: Int, width: Int, channels: Int)?
        let url = video.pred2dURL.appendingPathComponent("features/\(VideoFrame.stem(frame)).npy")
        if features, FileManager.default.fileExists(atPath: url.path) {
            let array = try Npy.read(url)
            let shape = try array.requireShape([nil, nil, nil])
            map = (try array.floats(), shape[0], shape[1], shape[2])
        }
        return ViewFrameInputs(mask: mask, instances: instances, features: map)
    }
}
