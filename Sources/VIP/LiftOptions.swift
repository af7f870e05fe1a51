import Foundation

/// Options of `ovseg3r lift`.
public struct LiftOptions: Sendable, Equatable {
    /// A superpoint belongs to a 2D instance in view v when more than this fraction of its points visible in v
    /// carry the instance's id (contract: "most of its points"; 0.5 = strict majority).
    public var majority: Double = 0.5
    /// Sample `pred2d/features` into `feat2d.npy` (when the video has them).
    public var features = true
    /// Draw a progress bar on stderr.
    public var progress = false

    public init(majority: Double = 0.5, features: Bool = true, progress: Bool = false) {
        self.majority = majority
        self.features = features
        self.progress = progress
    }
}

/// What `lift` wrote.
public struct LiftResult: Sendable, Equatable {
    /// Views processed V.
    public var views: Int
    /// Lifted view-level instances L (rows of `vl_offsets` − 1).
    public var instances: Int
    /// 2D detections read, and those dropped because no superpoint had a majority in them.
    public var detections: Int
    public var dropped: Int
    /// Rows of `objects2d_*`.
    public var objects: Int
    /// Feature channels C of `feat2d.npy` (0 when the video has no features).
    public var featureChannels: Int
    /// Points with at least one feature sample.
    public var pointsWithFeatures: Int
    /// Wall-clock seconds, total and per view (median over views).
    public var seconds: Double
    public var secondsPerView: Double
}

// `view_labels.json` (`ViewLabelsFile`, `LiftedView`, `LiftedInstance`) is part of the scene contract in SceneIO.
