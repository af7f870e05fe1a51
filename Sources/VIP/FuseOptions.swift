import Foundation
import SceneIO

/// The thresholds of training-free fusion (`ViewConsensus`); shares are of points (superpoints weighted by size).
public struct FuseThresholds: Sendable, Equatable, Codable {
    /// A view-level mask is *observed* by view w when at least this share of its points lie in superpoints w sees.
    public var visibleShare: Double = 0.3
    /// An observed mask is *contained* in a mask m of view w when m covers at least this share of its visible points.
    public var containShare: Double = 0.8
    /// Two masks are connected when the views that contain both in one mask are at least this share of the views
    /// that observe both (the view consensus rate). Tuned on SceneSynth rooms (BENCHMARKS.md, "Training-free
    /// lifting"): AP is flat for 0.4–0.7 and falls on both sides.
    public var consensus: Double = 0.5
    /// … and at least this many views observe both.
    public var minObservers: Int = 2
    /// A superpoint stays in a fused instance when at least this share of the member views that see it put it in
    /// their member mask.
    public var supportShare: Double = 0.5
    /// Fused instances made from fewer distinct views are dropped.
    public var minViews: Int = 2
    /// Fused instances with fewer points are dropped (the default is `eval`'s minimum region).
    public var minPoints: Int = 100

    public init() {}

    /// The first threshold outside its range, as (option name, value, allowed range), or nil.
    public var invalidField: (name: String, value: Double, allowed: String)? {
        for (name, value) in [("visibleShare", visibleShare), ("containShare", containShare), ("consensus", consensus),
                              ("supportShare", supportShare)] where !(value > 0 && value <= 1) {
            return (name, value, "(0, 1]")
        }
        if minObservers < 1 { return ("minObservers", Double(minObservers), "≥ 1") }
        if minViews < 1 { return ("minViews", Double(minViews), "≥ 1") }
        if minPoints < 1 { return ("minPoints", Double(minPoints), "≥ 1") }
        return nil
    }
}

/// Options of `ovseg3r fuse`.
public struct FuseOptions: Sendable {
    /// Scene folders (already resolved: each has `scene.json`).
    public var scenes: [URL]
    /// Output folder in the ScanNet benchmark format (`BenchmarkPredictionWriter`).
    public var out: URL
    /// Classes whose label ids are written; fused labels outside it are skipped and counted.
    public var classes: ClassCatalog = .scanNet200Instances()
    public var thresholds = FuseThresholds()
    /// Draw a progress bar over scenes on stderr.
    public var progress = false

    public init(scenes: [URL], out: URL) {
        self.scenes = scenes
        self.out = out
    }
}

/// One fused 3D instance at superpoint level.
public struct FusedInstance: Sendable, Equatable {
    /// The score-weighted vote of the member masks' labels.
    public var label: String
    /// View support × mean 2D score, in [0, 1] for 2D scores in [0, 1]; higher is better.
    public var score: Double
    /// Ascending superpoint ids.
    public var superpoints: [Int32]
    /// Indices of the member view-level masks (ascending) and the number of distinct views among them.
    public var members: [Int]
    public var memberViews: Int
}

/// What `fuse` did for one scene.
public struct FuseSceneResult: Sendable, Equatable {
    public var name: String
    public var views: Int
    /// View-level masks read.
    public var masks: Int
    /// Instances written.
    public var instances: Int
    /// Fused instances whose label is not in the class catalog (not written), by label.
    public var skippedLabels: [String: Int]
    public var seconds: Double
}

/// What `fuse` wrote.
public struct FuseResult: Sendable, Equatable {
    public var scenes: [FuseSceneResult]
    public var seconds: Double

    /// Skipped instances by label over every scene.
    public var skippedLabels: [String: Int] {
        scenes.reduce(into: [:]) { total, scene in
            for (label, count) in scene.skippedLabels { total[label, default: 0] += count }
        }
    }
}
