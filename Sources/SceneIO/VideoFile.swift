import Foundation

/// Every file and folder of a video folder, by its one spelling (docs/SCENE_FORMAT.md, "The video folder"). Modules
/// name them through this enum, never through string literals; the 2D model's files below `pred2d/` are `Pred2DFile`.
public enum VideoFile: String, CaseIterable, Sendable {
    case intrinsics = "intrinsics.json"
    case color = "color", depth = "depth"
    /// Device poses (TUM trajectory).
    case poses = "poses.txt"
    /// The 2D model's output (`Pred2DFile`).
    case pred2d = "pred2d"
    /// SceneSynth's ground truth (`instance/`, `semantic/`, `instances.json`, `mesh.ply`, `poses.txt`).
    case groundTruth = "gt"
    /// SceneSynth's record of the options and seed that wrote the video; written last, so it marks a finished video.
    case synthRecord = "synth.json"

    /// This file or folder inside the video folder `video`.
    public func url(in video: URL) -> URL { video.appendingPathComponent(rawValue) }
}
