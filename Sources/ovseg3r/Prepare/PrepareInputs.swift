import Foundation
import SceneIO

/// Why `ovseg3r prepare` stopped. Each case names the file or folder and says what was expected.
enum PrepareError: Error, CustomStringConvertible {
    /// VIDEO is not a video folder (e.g. a TUM folder or a `.sens` file that was not imported first).
    case notAVideoFolder(url: URL, reason: String)
    /// The 2D model's output folder is missing or lacks `masks/`.
    case missingPred2D(url: URL, expected: String)
    /// A stage threw; `reason` is its error.
    case stageFailed(stage: String, scene: URL, reason: String)
    /// The summary could not be written.
    case unwritableSummary(url: URL, reason: String)

    var description: String {
        switch self {
        case let .notAVideoFolder(url, reason):
            if let layout = RGBDFrameFolder.detect(url) {
                let name = layout == .scanNetFrames ? "a ScanNet frame export" : "an Open3D RGB-D folder"
                return "\(url.path): \(name), not a video folder; `recon` reads it directly, and `prepare` needs the 2D model's "
                    + "masks at the video's resolution: convert it first with `ovseg3r import frames \(url.path) --out VIDEO`"
            }
            return "\(url.path): not a video folder (\(reason)); convert a TUM folder, a ScanNet .sens, a ScanNet frame "
                + "export or an Open3D folder first with `ovseg3r import tum|scannet|frames INPUT --out VIDEO`"
        case let .missingPred2D(url, expected):
            return "\(url.path): no 2D model output (expected \(expected)); run your 2D model on VIDEO/color and convert "
                + "its output with tools/adapters (README, \"Your own 2D model\"), or pass --pred2d DIR"
        case let .stageFailed(stage, scene, reason):
            return "stage \(stage) of \(scene.path) failed: \(reason)"
        case let .unwritableSummary(url, reason):
            return "\(url.path): cannot write the prepare summary: \(reason)"
        }
    }
}

/// Checks of `prepare`'s inputs made before any stage runs, so a batch fails fast with the file to fix.
enum PrepareInputs {
    static func check(video: URL, pred2d: URL) throws(PrepareError) {
        do { _ = try VideoFolder(video, checkImageSizes: false) } catch {
            throw .notAVideoFolder(url: video, reason: "\(error)")
        }
        var isDirectory: ObjCBool = false
        let masks = pred2d.appendingPathComponent("masks")
        guard FileManager.default.fileExists(atPath: masks.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingPred2D(url: pred2d, expected: "a folder with masks/NNNNNN.png and instances/NNNNNN.json")
        }
    }
}
