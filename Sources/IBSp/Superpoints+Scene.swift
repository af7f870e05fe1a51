import Foundation
import SceneIO
import Support

extension Superpoints {
    /// Runs the stage on a scene folder and writes `superpoints.npy` (i32 `[N]`, ids `0..<S`) atomically, recording
    /// it, `counts.superpoints` and the options in `scene.json`. Lifted labels of an earlier `lift` run (`vl_*`,
    /// `sp_view*`, `view_labels.json`) name old superpoint ids and are removed.
    ///
    /// Graph `.mesh` is used only when the scene's points are exactly the vertices of `mesh.ply` (recon with
    /// `fusion.pointSpacing = null`); otherwise the kNN graph is used and `result.graph` says so. Mode `.ibsp`
    /// reads the 2D masks of the video folder (`video`, default: the scene's `provenance.input`) from `pred2d`
    /// (default `VIDEO/pred2d`).
    public static func run(scene url: URL, video: URL? = nil, pred2d: URL? = nil, options: SuperpointOptions,
                           progress: Bool = false) throws(IBSpError) -> SuperpointResult {
        try options.validate()
        let start = Date()
        let inputs = try SceneInputs.load(url)
        var labels: PointViewLabels?
        if options.mode == .ibsp {
            let videoURL = try inputs.videoURL(override: video)
            let folder: VideoFolder
            do { folder = try VideoFolder(videoURL, checkImageSizes: false, pred2d: pred2d) } catch {
                throw .unreadableInput(url: videoURL, reason: "\(error)")
            }
            let bar = ProgressBar("2D masks", unit: "views", enabled: progress)
            let ids = try inputs.correspondenceIDs(video: folder, progress: bar)
            labels = try PointViewLabels(pointCount: inputs.pointCount, viewOffsets: inputs.corrOffsets,
                                         viewPoints: inputs.corrPoint, ids: ids)
        }
        let faces = options.graph == .mesh ? inputs.meshFacesIfPointsAreVertices() : nil
        var result = try compute(positions: inputs.positions, normals: inputs.normals, colours: inputs.colours,
                                 meshFaces: faces, labels: labels, sourceView: inputs.sourceView, options: options)
        var folder = inputs.folder
        do {
            // Lifted masks name superpoint ids; the contract removes them (re-run lift) before the new ids land.
            try SceneSuperpoints(ids: result.labels, file: folder.url(of: .superpoints)).write(to: &folder)
            var record = ["mode": options.mode.rawValue]
            if options.mode == .ibsp {
                let used = try pred2d ?? VideoFolder.pred2dURL(of: inputs.videoURL(override: video))
                record["pred2d"] = used.standardizedFileURL.path
            }
            try folder.recordStage(.superpoints, options: record)
            try folder.setProvenance("superpoints", "mode=\(options.mode.rawValue) graph=\(result.graph.rawValue) "
                                     + "k=\(options.kThresh) min_size=\(options.minSize) knn=\(options.knn.k) rule=\(options.cutRule)")
        } catch {
            throw .unwritableOutput(url: folder.url(of: .superpoints), reason: "\(error)")
        }
        result.seconds["total"] = Date().timeIntervalSince(start)
        return result
    }
}
