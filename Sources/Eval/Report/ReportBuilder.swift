import Foundation
import SceneIO

/// Settings of `ovseg3r report`.
public struct ReportOptions: Sendable {
    public var evaluation: EvaluationOptions
    /// Scenes rendered (the first ones by name).
    public var maxScenes: Int
    /// Side of each render in pixels.
    public var imageSize: Int
    /// Predictions below this confidence are not painted (they still count in the AP tables). `nil` paints
    /// each scene's most confident predictions, as many as it has ground-truth instances: scores after
    /// mask scoring and matrix NMS are rarely near 1, so a fixed cut would often paint nothing.
    public var minConfidence: Double?
    public var title: String

    public init(evaluation: EvaluationOptions = EvaluationOptions(), maxScenes: Int = 4, imageSize: Int = 320,
                minConfidence: Double? = nil, title: String = "ovseg3r evaluation report") {
        self.evaluation = evaluation
        self.maxScenes = maxScenes
        self.imageSize = imageSize
        self.minConfidence = minConfidence
        self.title = title
    }
}

/// What a report is made from.
///
/// A **run folder** `RUN/` holds `pred/` (benchmark-format predictions), usually `eval.json` (from
/// `ovseg3r eval --json`) and `log.jsonl` (training log). A **prediction folder** alone works too.
/// Ground truth (`--gt`) is needed for renders and, without `eval.json`, for the AP tables; renders
/// read points from `<scenes>/<scene>/coord.npy` (float32 [N, 3], metres), where `scenes` defaults to
/// the ground-truth folder.
public struct ReportInputs: Sendable {
    public var predictions: URL
    public var groundTruth: URL?
    public var sceneFolders: URL?
    public var evaluation: URL?
    public var trainingLog: URL?

    public init(predictions: URL, groundTruth: URL? = nil, sceneFolders: URL? = nil, evaluation: URL? = nil,
                trainingLog: URL? = nil) {
        self.predictions = predictions
        self.groundTruth = groundTruth
        self.sceneFolders = sceneFolders
        self.evaluation = evaluation
        self.trainingLog = trainingLog
    }

    /// Resolves `RUN_OR_PRED`: a folder with a `pred/` subfolder is a run folder.
    public static func resolve(runOrPredictions path: URL, groundTruth: URL?, sceneFolders: URL?) -> ReportInputs {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        let pred = path.appendingPathComponent("pred")
        guard fm.fileExists(atPath: pred.path, isDirectory: &isFolder), isFolder.boolValue else {
            return ReportInputs(predictions: path, groundTruth: groundTruth, sceneFolders: sceneFolders ?? groundTruth)
        }
        let evalJSON = path.appendingPathComponent("eval.json"), log = path.appendingPathComponent("log.jsonl")
        return ReportInputs(predictions: pred, groundTruth: groundTruth, sceneFolders: sceneFolders ?? groundTruth,
                            evaluation: fm.fileExists(atPath: evalJSON.path) ? evalJSON : nil,
                            trainingLog: fm.fileExists(atPath: log.path) ? log : nil)
    }
}

/// The finished report.
public struct ReportResult: Sendable {
    /// The self-contained page: no external files, images inlined as base64 PNG, charts as SVG.
    public var html: String
    public var evaluation: EvaluationResult
    public var renderedScenes: [String]
    /// What was left out and why (e.g. a scene without coord.npy).
    public var notes: [String]
}

/// Assembles the HTML report.
public enum ReportBuilder {
    public static func build(_ inputs: ReportInputs, options: ReportOptions) throws(EvalError) -> ReportResult {
        var notes: [String] = []
        let result: EvaluationResult
        if let evalURL = inputs.evaluation {
            let data: Data
            do { data = try Data(contentsOf: evalURL) } catch {
                throw .unreadable(url: evalURL, reason: "cannot read: \(error.localizedDescription)")
            }
            result = try EvaluationResult(json: data, source: evalURL)
        } else if let gt = inputs.groundTruth {
            result = try FolderEvaluation.evaluate(predictions: inputs.predictions, groundTruth: gt, options: options.evaluation)
        } else {
            throw .invalidOption(name: "gt", value: "(none)",
                                 expected: "a ground-truth folder, or a run folder with eval.json, for the AP tables")
        }

        var sections = [HTMLPage.tables(result)]
        var rendered: [String] = []
        if let gt = inputs.groundTruth, let sceneFolders = inputs.sceneFolders {
            var figures: [String] = []
            for scene in try FolderEvaluation.sceneNames(in: inputs.predictions).prefix(options.maxScenes) {
                let coordURL = sceneFolders.appendingPathComponent(scene).appendingPathComponent(SceneFile.coord.fileName)
                guard FileManager.default.fileExists(atPath: coordURL.path) else {
                    notes.append("scene \(scene): no \(coordURL.path), not rendered")
                    continue
                }
                let coordinates = try coordinatesArray(coordURL)
                let coloring = try SceneColoring(scene: scene, predictions: inputs.predictions, groundTruth: gt,
                                                 options: options.evaluation, minConfidence: options.minConfidence)
                guard coordinates.count == 3 * coloring.groundTruth.count else {
                    throw .pointCountMismatch(url: coordURL, expected: coloring.groundTruth.count, actual: coordinates.count / 3)
                }
                var images: [String] = []
                for renderer in [PointRenderer.topDown(size: options.imageSize), .oblique(size: options.imageSize)] {
                    for colors in [coloring.groundTruth, coloring.prediction] {
                        images.append(try pngBase64(renderer.render(coordinates: coordinates, colors: colors)))
                    }
                }
                figures.append(HTMLPage.scene(scene, images: images, coloring: coloring, minConfidence: options.minConfidence))
                rendered.append(scene)
            }
            sections.append("<h2>Scenes</h2>\n" + (figures.isEmpty ? "<p>No scene could be rendered.</p>" : figures.joined(separator: "\n")))
        } else {
            notes.append("no ground truth given (--gt): scenes not rendered")
        }
        if let logURL = inputs.trainingLog {
            let log = try TrainingLog.read(logURL)
            let charts = log.groupedForCharts.map { SVGChart(title: $0.title, series: $0.series).svg }
            sections.append("<h2>Training</h2>\n<div class=\"charts\">\n" + charts.joined(separator: "\n") + "\n</div>")
        } else {
            notes.append("no training log (log.jsonl): no training curves")
        }
        let html = HTMLPage.page(title: options.title, inputs: inputs, sections: sections, notes: notes)
        return ReportResult(html: html, evaluation: result, renderedScenes: rendered, notes: notes)
    }

    /// The points of the scene whose `coord.npy` is `url`: through the scene contract when the folder is a scene
    /// folder of this toolkit (it has scene.json), otherwise the bare array.
    static func coordinatesArray(_ url: URL) throws(EvalError) -> [Float] {
        let folder = url.deletingLastPathComponent()
        if SceneFolder.isSceneFolder(folder) {
            do { return try ScenePoints.read(from: SceneFolder(folder)).coords } catch {
                throw .unreadable(url: url, reason: "\(error)")
            }
        }
        do {
            let array = try Npy.read(url)
            guard array.rank == 2, array.shape[1] == 3 else {
                throw EvalError.unreadable(url: url, reason: "expected coordinates of shape [N, 3], got \(array.shape)")
            }
            return try array.floats()
        } catch let error as EvalError {
            throw error
        } catch {
            throw .unreadable(url: url, reason: "expected a float array [N, 3]: \(error)")
        }
    }

    /// PNG bytes of an image as base64 (SceneIO encodes to a file; the file is read back and removed).
    static func pngBase64(_ image: RGBImage) throws(EvalError) -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ovseg3r-report-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            try PNG.write(image, to: url)
            return try Data(contentsOf: url).base64EncodedString()
        } catch {
            throw .unwritable(url: url, reason: "cannot encode a render as PNG: \(error)")
        }
    }
}
