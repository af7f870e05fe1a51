import Foundation
import SceneIO

/// AP of one class. All AP values: higher is better, in [0, 1]; NaN when the class has no ground truth.
public struct ClassScore: Sendable, Equatable {
    public var id: Int
    public var name: String
    /// Mean AP over IoU 0.50:0.05:0.90 (higher is better).
    public var ap: Double
    /// AP at IoU > 0.5 (higher is better).
    public var ap50: Double
    /// AP at IoU > 0.25 (higher is better).
    public var ap25: Double
    /// AP at each of `EvaluationOptions.apThresholds` (higher is better).
    public var apByThreshold: [Double]
    /// Ground-truth instances with at least `minRegionSize` points, over all scenes.
    public var groundTruthCount: Int
    /// Predictions kept for evaluation (evaluated class, at least `minRegionSize` points).
    public var predictionCount: Int

    /// Whether the class has ground truth, i.e. takes part in the means.
    public var isEvaluated: Bool { !ap.isNaN }
}

/// Mean AP over a group of classes (NaN-mean: classes without ground truth are left out).
public struct GroupScore: Sendable, Equatable {
    public var name: String
    /// Higher is better.
    public var ap: Double
    /// Higher is better.
    public var ap50: Double
    /// Higher is better.
    public var ap25: Double
    /// Classes of the group that are in the evaluated class list.
    public var classCount: Int
    /// Of those, the classes with ground truth (the ones averaged).
    public var evaluatedClassCount: Int
    /// Group members that are not evaluated classes (e.g. wall and floor in ScanNet200's head).
    public var unlistedClasses: [String]
}

/// The result of one evaluation: overall, per group and per class.
///
/// Overall and group values are numpy's `nanmean` over the [class × threshold] AP table, as the
/// benchmark computes `all_ap`; since a class is NaN at every threshold or at none, this equals the mean
/// of the per-class values.
public struct EvaluationResult: Sendable, Equatable {
    /// Higher is better.
    public var ap: Double
    /// Higher is better.
    public var ap50: Double
    /// Higher is better.
    public var ap25: Double
    /// Per group, in the order given.
    public var groups: [GroupScore]
    /// Per class, in class-list order.
    public var classes: [ClassScore]
    /// Number of scenes evaluated.
    public var sceneCount: Int
    /// The minimum region size used.
    public var minRegionSize: Int
    /// The class-agnostic score (`ClassAgnostic`: labels ignored, one class "object") when it was computed.
    public var classAgnostic: ClassScore?
    /// Ground-truth scenes evaluated without a prediction file (their instances count as missed), sorted.
    public var scenesWithoutPredictions: [String] = []

    /// Summarises an AP table from `InstanceEvaluator.apTable`.
    public init(table: [[Double]], scenes: [SceneMatches], options: EvaluationOptions) {
        let catalog = options.classes
        var gtCounts = [Int](repeating: 0, count: catalog.count)
        var predictionCounts = [Int](repeating: 0, count: catalog.count)
        for scene in scenes {
            for gt in scene.groundTruth where gt.pointCount >= options.minRegionSize { gtCounts[gt.classIndex] += 1 }
            for prediction in scene.predictions { predictionCounts[prediction.classIndex] += 1 }
        }
        let apColumns = 0..<EvaluationOptions.apThresholds.count
        classes = catalog.entries.enumerated().map { c, entry in
            let row = table[c]
            return ClassScore(id: entry.id, name: entry.name,
                              ap: row[apColumns].reduce(0, +) / Double(apColumns.count),
                              ap50: row[EvaluationOptions.index50], ap25: row[EvaluationOptions.index25],
                              apByThreshold: Array(row[apColumns]), groundTruthCount: gtCounts[c],
                              predictionCount: predictionCounts[c])
        }
        let all = Array(catalog.entries.indices)
        ap = Self.nanMean(table, rows: all, columns: apColumns)
        ap50 = Self.nanMean(table, rows: all, columns: EvaluationOptions.index50..<EvaluationOptions.index50 + 1)
        ap25 = Self.nanMean(table, rows: all, columns: EvaluationOptions.index25..<EvaluationOptions.index25 + 1)
        groups = options.groups.groups.map { group in
            let rows = group.classes.compactMap { catalog.index(ofName: $0) }
            let unlisted = group.classes.filter { catalog.index(ofName: $0) == nil }
            return GroupScore(name: group.name,
                              ap: Self.nanMean(table, rows: rows, columns: apColumns),
                              ap50: Self.nanMean(table, rows: rows, columns: EvaluationOptions.index50..<EvaluationOptions.index50 + 1),
                              ap25: Self.nanMean(table, rows: rows, columns: EvaluationOptions.index25..<EvaluationOptions.index25 + 1),
                              classCount: rows.count,
                              evaluatedClassCount: rows.filter { !table[$0][0].isNaN }.count,
                              unlistedClasses: unlisted)
        }
        sceneCount = scenes.count
        minRegionSize = options.minRegionSize
        scenesWithoutPredictions = scenes.filter(\.withoutPredictionFile).map(\.name).sorted()
    }

    /// Memberwise, for decoding and tests.
    public init(ap: Double, ap50: Double, ap25: Double, groups: [GroupScore], classes: [ClassScore],
                sceneCount: Int, minRegionSize: Int, scenesWithoutPredictions: [String] = []) {
        self.ap = ap
        self.ap50 = ap50
        self.ap25 = ap25
        self.groups = groups
        self.classes = classes
        self.sceneCount = sceneCount
        self.minRegionSize = minRegionSize
        self.scenesWithoutPredictions = scenesWithoutPredictions
    }

    /// numpy's `nanmean` over the selected cells: NaN when every cell is NaN.
    static func nanMean(_ table: [[Double]], rows: [Int], columns: Range<Int>) -> Double {
        var sum = 0.0
        var count = 0
        for r in rows {
            for c in columns where !table[r][c].isNaN {
                sum += table[r][c]
                count += 1
            }
        }
        return count == 0 ? .nan : sum / Double(count)
    }
}

extension InstanceEvaluator {
    /// Matches, scores and summarises: the whole evaluation of scenes whose intersections are counted.
    public static func evaluate(_ scenes: [SceneMatches], options: EvaluationOptions) -> EvaluationResult {
        EvaluationResult(table: apTable(scenes, options: options), scenes: scenes, options: options)
    }
}
