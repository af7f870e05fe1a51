import Foundation
import SceneIO

/// Per-point colours of one scene, by ground truth and by prediction, for side-by-side renders.
///
/// Ground truth: instance k of the scene gets `Palette.color(k)`; void points are grey. Predictions
/// (evaluated class, at least `minRegionSize` points, confidence ≥ `minConfidence`) are painted in
/// ascending confidence so the most confident wins; a prediction that matches a ground-truth instance
/// of its class at IoU > 0.5 takes that instance's colour, any other a colour of its own.
public struct SceneColoring: Sendable {
    public var groundTruth: [SIMD3<UInt8>]
    public var prediction: [SIMD3<UInt8>]
    /// Predictions painted, and how many of them matched at IoU > 0.5.
    public var paintedCount: Int
    public var matchedCount: Int
    /// The confidence from which predictions were painted.
    public var confidenceCut: Double

    public init(scene: String, predictions: URL, groundTruth: URL, options: EvaluationOptions,
                minConfidence: Double?) throws(EvalError) {
        let truth = try FolderEvaluation.groundTruth(scene: scene, in: groundTruth, classes: options.classes)
        let entries = try PredictionFile.read(predictions.appendingPathComponent(scene + ".txt"), root: predictions)
        let instances = truth.instances
        self.groundTruth = truth.instanceOfPoint.map { $0 < 0 ? Palette.background : Palette.color(Int($0)) }

        var painted: [(confidence: Double, points: [Int32], color: SIMD3<UInt8>)] = []
        var matched = 0
        var counts = [Int](repeating: 0, count: instances.count)
        let cut = minConfidence ?? Self.confidenceOfRank(max(instances.count, 1), in: entries.map(\.confidence))
        for (p, entry) in entries.enumerated() where entry.confidence >= cut {
            guard let classIndex = options.classes.index(ofID: entry.labelID) else { continue }
            let points = try FolderEvaluation.maskPoints(entry.mask, expectedCount: truth.pointCount)
            if points.count < max(options.minRegionSize, 1) { continue }
            for i in counts.indices { counts[i] = 0 }
            for point in points where truth.instanceOfPoint[Int(point)] >= 0 { counts[Int(truth.instanceOfPoint[Int(point)])] += 1 }
            var best: (index: Int, iou: Double)?
            for (g, n) in counts.enumerated() where n > 0 && instances[g].classIndex == classIndex {
                let iou = InstanceEvaluator.iou(intersection: n, groundTruth: instances[g].pointCount, prediction: points.count)
                if iou > 0.5 && iou > (best?.iou ?? 0) { best = (g, iou) }
            }
            if best != nil { matched += 1 }
            painted.append((entry.confidence, points, Palette.color(best?.index ?? instances.count + p)))
        }
        var colors = [SIMD3<UInt8>](repeating: Palette.background, count: truth.pointCount)
        for item in painted.sorted(by: { $0.confidence < $1.confidence }) {
            for point in item.points { colors[Int(point)] = item.color }
        }
        self.prediction = colors
        self.confidenceCut = cut
        self.paintedCount = painted.count
        self.matchedCount = matched
    }

    /// The `rank`-th highest confidence (1-based), or the lowest when there are fewer entries.
    static func confidenceOfRank(_ rank: Int, in confidences: [Double]) -> Double {
        let sorted = confidences.sorted(by: >)
        guard let last = sorted.last else { return .infinity }
        return rank <= sorted.count ? sorted[rank - 1] : last
    }
}
