import Foundation
import SceneIO

/// The ScanNet benchmark's instance matching and AP, over scenes whose intersections are counted.
///
/// Rules, per class and IoU threshold t (IoU = |P∩G| / (|G| + |P| − |P∩G|), in Double):
/// - Ground truth under `minRegionSize` points takes no part in matching.
/// - Greedy matching in file order: for each ground-truth instance (ascending id) the predictions of
///   its class that overlap it are visited in prediction-file order; one already used as a match (for
///   this class and t) is skipped. The first with IoU > t (strictly) becomes the match. Every further one
///   with IoU > t adds a false positive: the instance keeps the higher of the two scores and the false
///   positive gets the lower. Such a duplicate is not marked used, so it may still match a later instance.
/// - Ground truth with no match counts as a false negative.
/// - A prediction with IoU > t with no instance of its class (small ones included) is a false
///   positive unless its share of ignored points — void points plus points of small instances of its
///   class — is more than t.
/// - Per class: AP by `AveragePrecision.stepRule` when the class has ground truth and predictions;
///   0 with ground truth only; NaN without ground truth (left out of every mean).
public enum InstanceEvaluator {
    /// AP of every class at every threshold: `[classIndex][thresholdIndex]`, thresholds as in
    /// `EvaluationOptions.allThresholds`. Higher is better; NaN = the class has no ground truth.
    public static func apTable(_ scenes: [SceneMatches], options: EvaluationOptions) -> [[Double]] {
        apTable(scenes, index: scenes.map { SceneIndex($0, classCount: options.classes.count, minRegionSize: options.minRegionSize) },
                options: options)
    }

    /// `apTable` with each scene's lookup built beforehand (`index[i]` belongs to `scenes[i]`): the bootstrap
    /// evaluates the same scenes a thousand times in different multisets.
    static func apTable(_ scenes: [SceneMatches], index perScene: [SceneIndex], options: EvaluationOptions) -> [[Double]] {
        let classCount = options.classes.count
        let thresholds = EvaluationOptions.allThresholds
        var table = [[Double]](repeating: [Double](repeating: .nan, count: thresholds.count), count: classCount)
        for c in 0..<classCount {
            let hasGT = perScene.contains { !$0.largeGroundTruth[c].isEmpty }
            let hasPrediction = perScene.contains { !$0.predictions[c].isEmpty }
            for (t, threshold) in thresholds.enumerated() {
                if hasGT && hasPrediction {
                    table[c][t] = classAP(c, threshold: threshold, scenes: scenes, index: perScene,
                                          minRegionSize: options.minRegionSize)
                } else if hasGT {
                    table[c][t] = 0
                }
            }
        }
        return table
    }

    /// Per-scene lookup by class: which ground truth and predictions take part.
    struct SceneIndex {
        /// [class] → ground-truth indices with ≥ minRegionSize points, ascending.
        var largeGroundTruth: [[Int]]
        /// [class] → prediction indices in file order.
        var predictions: [[Int]]
        /// [ground truth] → (prediction, intersection) in prediction-file order.
        var overlapsOfGroundTruth: [[(prediction: Int, intersection: Int)]]

        init(_ scene: SceneMatches, classCount: Int, minRegionSize: Int) {
            largeGroundTruth = [[Int]](repeating: [], count: classCount)
            predictions = [[Int]](repeating: [], count: classCount)
            overlapsOfGroundTruth = [[(prediction: Int, intersection: Int)]](repeating: [], count: scene.groundTruth.count)
            for (g, gt) in scene.groundTruth.enumerated() where gt.pointCount >= minRegionSize {
                largeGroundTruth[gt.classIndex].append(g)
            }
            for (p, prediction) in scene.predictions.enumerated() {
                predictions[prediction.classIndex].append(p)
                for overlap in prediction.overlaps {
                    overlapsOfGroundTruth[overlap.groundTruth].append((p, overlap.intersection))
                }
            }
        }
    }

    static func iou(intersection: Int, groundTruth: Int, prediction: Int) -> Double {
        Double(intersection) / Double(groundTruth + prediction - intersection)
    }

    /// AP of one class at one threshold over all scenes.
    static func classAP(_ c: Int, threshold: Double, scenes: [SceneMatches], index: [SceneIndex],
                        minRegionSize: Int) -> Double {
        var scores: [Double] = []
        var isTrue: [Bool] = []
        var hardFalseNegatives = 0
        for (scene, lookup) in zip(scenes, index) {
            var used = [Bool](repeating: false, count: scene.predictions.count)
            for g in lookup.largeGroundTruth[c] {
                let gt = scene.groundTruth[g]
                var matchedScore: Double?
                for (p, intersection) in lookup.overlapsOfGroundTruth[g] where !used[p] {
                    let prediction = scene.predictions[p]
                    guard iou(intersection: intersection, groundTruth: gt.pointCount,
                              prediction: prediction.pointCount) > threshold else { continue }
                    if let current = matchedScore {
                        matchedScore = max(current, prediction.confidence)
                        scores.append(min(current, prediction.confidence))
                        isTrue.append(false)
                    } else {
                        matchedScore = prediction.confidence
                        used[p] = true
                    }
                }
                if let score = matchedScore {
                    scores.append(score)
                    isTrue.append(true)
                } else {
                    hardFalseNegatives += 1
                }
            }
            for p in lookup.predictions[c] {
                let prediction = scene.predictions[p]
                let overlapsAny = prediction.overlaps.contains {
                    iou(intersection: $0.intersection, groundTruth: scene.groundTruth[$0.groundTruth].pointCount,
                        prediction: prediction.pointCount) > threshold
                }
                if overlapsAny { continue }
                var ignored = prediction.voidIntersection
                for overlap in prediction.overlaps where scene.groundTruth[overlap.groundTruth].pointCount < minRegionSize {
                    ignored += overlap.intersection
                }
                if Double(ignored) / Double(prediction.pointCount) <= threshold {
                    scores.append(prediction.confidence)
                    isTrue.append(false)
                }
            }
        }
        return AveragePrecision.stepRule(scores: scores, isTrue: isTrue, hardFalseNegatives: hardFalseNegatives)
    }
}
