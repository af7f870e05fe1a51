import Foundation
import SceneIO

/// Why `ovseg3r prepare` stopped. Each case names the file or folder and says what was expected.
enum PrepareError: Error, CustomStringConvertible {
    /// VIDEO is not a video folder (e.g. a TUM folder or a `.sens` file that was not imported first).
    case notAVideoFolder(url: URL, reason: String)
    /// The 2D model's output folder is missing or lacks `masks/`.
    case missingPred2D(url: URL, expected: String)
    /// The per-run view of the video with another pred2d folder could not be made.
    case cannotLinkPred2D(url: URL, reason: String)
    /// A stage threw; `reason` is its error.
    case stageFailed(stage: String, scene: URL, reason: String)
    /// The summary could not be written.
    case unwritableSummary(url: URL, reason: String)

    var description: String {
        switch self {
        case let .notAVideoFolder(url, reason):
            return "\(url.path): not a video folder (\(reason)); convert a TUM folder or a ScanNet .sens first with "
                + "`ovseg3r import tum|scannet INPUT --out VIDEO`"
        case let .missingPred2D(url, expected):
            return "\(url.path): no 2D model output (expected \(expected)); run your 2D model on VIDEO/color and convert "
                + "its output with tools/adapters (README, \"Your own 2D model\"), or pass --pred2d DIR"
        case let .cannotLinkPred2D(url, reason):
            return "\(url.path): cannot prepare a view of the video with this pred2d folder: \(reason)"
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

    /// The video folder the superpoint and lift stages read. The stages read the 2D output from `VIDEO/pred2d`, so
    /// another pred2d folder is presented through a temporary folder of symbolic links (intrinsics, frames, pred2d).
    static func videoView(video: URL, pred2d: URL, explicit: Bool) throws(PrepareError) -> VideoView {
        let standard = video.appendingPathComponent("pred2d").standardizedFileURL
        guard explicit, pred2d.resolvingSymlinksInPath() != standard.resolvingSymlinksInPath() else {
            return VideoView(url: video, isTemporary: false)
        }
        let manager = FileManager.default
        let view = manager.temporaryDirectory.appendingPathComponent("ovseg3r-prepare-\(UUID().uuidString)")
        do {
            try manager.createDirectory(at: view, withIntermediateDirectories: true)
            for name in ["intrinsics.json", "color", "depth", "poses.txt"]
            where manager.fileExists(atPath: video.appendingPathComponent(name).path) {
                try manager.createSymbolicLink(at: view.appendingPathComponent(name),
                                               withDestinationURL: video.appendingPathComponent(name))
            }
            try manager.createSymbolicLink(at: view.appendingPathComponent("pred2d"), withDestinationURL: pred2d)
        } catch {
            try? manager.removeItem(at: view)
            throw .cannotLinkPred2D(url: pred2d, reason: "\(error)")
        }
        return VideoView(url: view, isTemporary: true)
    }

    /// After a lift through a temporary view, points the scene's provenance at the real folders.
    static func recordPred2D(scene: URL, video: URL, pred2d: URL) throws {
        var folder = try SceneFolder(scene)
        let lift = folder.manifest.provenance["lift"] ?? ""
        let majority = lift.split(separator: " ").first { $0.hasPrefix("majority=") }.map(String.init) ?? ""
        try folder.setProvenance("lift", "video=\(video.path) pred2d=\(pred2d.path) \(majority)")
        try folder.setProvenance("pred2d", pred2d.path)
    }
}

/// The video folder as the later stages see it; a temporary view is removed when prepare ends.
struct VideoView {
    let url: URL
    let isTemporary: Bool

    func remove() {
        if isTemporary { try? FileManager.default.removeItem(at: url) }
    }
}
