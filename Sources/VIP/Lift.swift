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
        let superpoints: [Int32], superpointCount: Int
        do {
            let read = try SceneSuperpoints.read(from: folder, pointCount: inputs.pointCount)
            (superpoints, superpointCount) = (read.ids, read.count)
        } catch {
            if case .missing = error { throw .missingStage(url: url, file: SceneFile.superpoints.fileName, run: "ovseg3r superpoints \(url.path)") }
            throw .unreadableInput(url: url, reason: "\(error)")
        }
        let videoURL: URL
        let videoFolder: VideoFolder
        do {
            videoURL = try inputs.videoURL(override: video)
            videoFolder = try VideoFolder(videoURL, checkImageSizes: false, pred2d: pred2d)
        } catch { throw .unreadableInput(url: video ?? url, reason: "\(error)") }
        let visibility = try SuperpointVisibility.build(corrOffsets: inputs.corrOffsets, corrPoint: inputs.corrPoint,
                                                        superpoints: superpoints, superpointCount: superpointCount)
        let objects: Pred2DObjects?
        do { objects = try videoFolder.pred2DObjects() } catch {
            throw .unreadableInput(url: Pred2DFile.objects.url(in: videoFolder.pred2dURL), reason: "\(error)")
        }
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
            var output = SceneLiftedLabels(labels: ViewLabelsFile(formatVersion: 1, views: lifted.views),
                                           maskOffsets: lifted.maskOffsets, maskSuperpoints: lifted.maskSuperpoints,
                                           visibleOffsets: visibility.offsets, visibleSuperpoints: visibility.superpoints)
            output.objectCenters = lifted.objectCenters.flatMap { [$0.x, $0.y, $0.z] }
            output.objectViews = lifted.objectViews
            output.objectFeatures = lifted.objectFeatures
            output.objectChannels = objects?.channels ?? 0
            if accumulator.featureChannels > 0 {
                output.pointFeatures = lifted.pointFeatures
                output.featureChannels = accumulator.featureChannels
                output.featureCounts = lifted.featureCounts
            }
            try output.write(to: &folder, pointCount: inputs.pointCount, superpointCount: superpointCount)
            try folder.recordStage(.lift, options: ["pred2d": videoFolder.pred2dURL.standardizedFileURL.path,
                                                    "majority": "\(options.majority)", "features": "\(options.features)"])
            try folder.setProvenance("lift", "video=\(videoURL.path) pred2d=\(videoFolder.pred2dURL.path) majority=\(options.majority)")
            try folder.setProvenance("pred2d", videoFolder.pred2dURL.path)
        } catch { throw .unwritableOutput(url: url, reason: "\(error)") }
        let sorted = perView.sorted()
        return LiftResult(views: inputs.views.count, instances: lifted.maskOffsets.count - 1, detections: lifted.detections,
                          dropped: lifted.dropped, objects: lifted.objectCenters.count, featureChannels: accumulator.featureChannels,
                          pointsWithFeatures: lifted.featureCounts.filter { $0 > 0 }.count,
                          seconds: Date().timeIntervalSince(start), secondsPerView: sorted.isEmpty ? 0 : sorted[sorted.count / 2])
    }
}

/// One frame's 2D model output.
struct ViewFrameInputs {
    var mask: GrayImage16?
    var instances: [Pred2DInstance]
    /// The `[h, w, C]` feature map, if present and requested.
    var features: Pred2DFeatureMap?

    static func read(_ video: VideoFolder, frame: Int, features: Bool) throws(SceneIOError) -> ViewFrameInputs {
        ViewFrameInputs(mask: try video.pred2DMask(frame), instances: try video.pred2DInstances(frame) ?? [],
                        features: features ? try video.pred2DFeatureMap(frame) : nil)
    }
}
