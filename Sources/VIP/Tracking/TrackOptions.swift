import Foundation
import SceneIO

/// The thresholds of mask tracking (`MaskTracker`). Shares and IoUs are of points: a superpoint weighs what the
/// view observes of it (its points with a correspondence in the view) or, scene-wide, its point count.
public struct TrackThresholds: Sendable, Equatable, Codable {
    /// Track every this many views (keyframes 0, stride, 2·stride, …); other views' masks are assigned to the
    /// finished tracks afterwards without changing them.
    public var stride: Int = 1
    /// A track and a keyframe mask match when the IoU of the track's propagated support and the mask, over the
    /// keyframe's observed points, reaches this.
    public var iou: Double = 0.3
    /// Containment rate (intersection over the smaller): a mask inside a larger mask of its view by this much is
    /// redundant (removed); an unmatched mask inside a track's propagated support by this much joins that track; an
    /// unmatched track inside a matched mask by this much merges into its track.
    public var containment: Double = 0.8
    /// A track is observed by a keyframe when this share of its support's points is visible there; only then can a
    /// miss count.
    public var visibleShare: Double = 0.3
    /// Misses (keyframes that observe the track without matching it) before a dormant track is terminated.
    public var patience: Int = 3
    /// A superpoint stays in a pseudo-instance when at least this share of the track's views that see it put it in
    /// their matched mask.
    public var supportShare: Double = 0.5
    /// Tracks matched in fewer distinct views make no pseudo-instance.
    public var minViews: Int = 2
    /// Pseudo-instances with fewer points are dropped (the default is `eval`'s minimum region).
    public var minPoints: Int = 100

    public init() {}

    /// The first threshold outside its range, as (option name, value, allowed range), or nil.
    public var invalidField: (name: String, value: Double, allowed: String)? {
        for (name, value) in [("iou", iou), ("containment", containment), ("visibleShare", visibleShare),
                              ("supportShare", supportShare)] where !(value > 0 && value <= 1) {
            return (name, value, "(0, 1]")
        }
        for (name, value) in [("stride", stride), ("patience", patience), ("minViews", minViews), ("minPoints", minPoints)] where value < 1 {
            return (name, Double(value), "≥ 1")
        }
        return nil
    }
}

/// Options of `ovseg3r track-masks`.
public struct TrackOptions: Sendable {
    /// Scene folders (each has `scene.json`).
    public var scenes: [URL]
    public var thresholds = TrackThresholds()
    /// Also write the pseudo-instances in the ScanNet benchmark format here (for `ovseg3r eval`).
    public var predictions: URL?
    /// Also write the naive baseline here: every lifted view mask as its own 3D instance.
    public var naivePredictions: URL?
    /// Classes whose label ids are written; labels outside it are skipped and counted.
    public var classes: ClassCatalog = .scanNet200Instances()
    /// Draw a progress bar over scenes on stderr.
    public var progress = false

    public init(scenes: [URL]) { self.scenes = scenes }
}

/// What tracking did in one scene.
public struct TrackSceneResult: Sendable, Equatable {
    public var name: String
    public var views: Int
    public var keyframes: Int
    /// Lifted view masks read, and those removed as redundant (contained in a larger mask of their view).
    public var masks: Int
    public var removedRedundant: Int
    /// Tracks after merging, and merges (a mask joining a track beside its match, or a track merging into another).
    public var tracks: Int
    public var merges: Int
    /// Dormant tracks matched again, and tracks terminated after `patience` misses.
    public var dormantRevivals: Int
    public var terminated: Int
    /// Pseudo-instances written to the scene, and those also written as predictions (label in the class list).
    public var pseudoInstances: Int
    public var skippedLabels: [String: Int]
    /// Seconds of tracking proper (no reading or writing) per keyframe.
    public var secondsPerFrame: Double
    public var seconds: Double
}

/// What `track-masks` did.
public struct TrackResult: Sendable, Equatable {
    public var scenes: [TrackSceneResult]
    public var seconds: Double

    public var tracks: Int { scenes.reduce(0) { $0 + $1.tracks } }
    public var merges: Int { scenes.reduce(0) { $0 + $1.merges } }
    public var dormantRevivals: Int { scenes.reduce(0) { $0 + $1.dormantRevivals } }
    public var removedRedundant: Int { scenes.reduce(0) { $0 + $1.removedRedundant } }
    public var pseudoInstances: Int { scenes.reduce(0) { $0 + $1.pseudoInstances } }
    /// Tracking seconds per keyframe over every scene (weighted by keyframes).
    public var secondsPerFrame: Double {
        let frames = scenes.reduce(0) { $0 + $1.keyframes }
        return scenes.reduce(0.0) { $0 + $1.secondsPerFrame * Double($1.keyframes) } / Double(max(frames, 1))
    }
}
