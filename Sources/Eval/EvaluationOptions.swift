import Foundation
import SceneIO

/// What `eval` does with ground-truth scenes that have no prediction file.
public enum MissingPredictions: String, Sendable, CaseIterable {
    /// Evaluate them with no predictions (every instance a miss) and list them in the result.
    case count
    /// Stop with `EvalError.scenesWithoutPredictions`.
    case error
}

/// Settings of one instance evaluation, with the ScanNet benchmark's defaults.
///
/// Invariants (checked by `validated()`): every class id is at least 1, because the benchmark
/// encoding `label · 1000 + instance` reserves 0 for unannotated points; `minRegionSize` ≥ 0.
public struct EvaluationOptions: Sendable {
    /// The evaluated classes. Points of any other label count as unannotated ("void").
    public var classes: ClassCatalog
    /// Named class groups averaged separately (base/novel, head/common/tail, …); empty for none.
    public var groups: ClassGroups
    /// Ground-truth instances and predicted masks with fewer points are left out (benchmark: 100).
    public var minRegionSize: Int
    /// Ground-truth scenes that have no prediction file: evaluated as scenes without predictions and listed in
    /// the result (`count`, the default), or an error (`error`). Never left out: that would inflate AP.
    public var missingPredictions: MissingPredictions = .count

    public init(classes: ClassCatalog = .scanNet200Instances(),
                groups: ClassGroups = ClassGroups(groups: []),
                minRegionSize: Int = 100) {
        self.classes = classes
        self.groups = groups
        self.minRegionSize = minRegionSize
    }

    /// The IoU thresholds averaged into AP: numpy's `np.arange(0.5, 0.95, 0.05)`, bit for bit.
    ///
    /// numpy fills a float range as `start + i · (start + step − start)`, so the third value is
    /// 0.6000000000000001, not 0.6: an IoU of exactly 3/5 does not pass it (a match needs IoU > threshold).
    public static let apThresholds: [Double] = {
        let start = 0.5
        let delta = (start + 0.05) - start
        return (0..<9).map { start + Double($0) * delta }
    }()

    /// All thresholds evaluated, in the order results are stored: the nine AP thresholds, then 0.25.
    public static let allThresholds: [Double] = apThresholds + [0.25]
    /// Position of the 0.5 threshold in `allThresholds`.
    public static let index50 = 0
    /// Position of the 0.25 threshold in `allThresholds`.
    public static let index25 = 9

    /// Checks the invariants; returns self.
    public func validated() throws(EvalError) -> EvaluationOptions {
        if classes.count == 0 {
            throw .invalidClasses(source: "class list", reason: "no classes to evaluate")
        }
        if let bad = classes.entries.first(where: { $0.id < 1 }) {
            throw .invalidClasses(source: "class list",
                                  reason: "class \"\(bad.name)\" has id \(bad.id); ids must be ≥ 1 (0 marks unannotated points)")
        }
        if minRegionSize < 0 {
            throw .invalidOption(name: "min-region", value: String(minRegionSize), expected: "a point count ≥ 0")
        }
        return self
    }
}
