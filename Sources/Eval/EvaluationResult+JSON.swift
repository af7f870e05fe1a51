import Foundation
import SceneIO

/// JSON form of `EvaluationResult`. NaN (class without ground truth) is written as `null`.
///
/// Layout: `{"ap", "ap50", "ap25", "higher_is_better": true, "scene_count", "min_region_size",
/// "scenes_without_predictions": [names], "scenes_without_predictions_count",
/// "iou_thresholds": [...], "groups": [{"name", "ap", "ap50", "ap25", "class_count",
/// "evaluated_class_count", "unlisted_classes"}], "classes": [{"id", "name", "ap", "ap50", "ap25",
/// "ap_by_threshold", "ground_truth_count", "prediction_count"}], "class_agnostic": {"ap", "ap50", "ap25",
/// "ground_truth_count", "prediction_count"} (only when computed)}`.
extension EvaluationResult {
    static func number(_ value: Double) -> Any { value.isNaN ? NSNull() : value }
    static func double(_ value: Any?) -> Double { (value as? NSNumber)?.doubleValue ?? .nan }

    /// The result as a JSON object.
    public var jsonObject: [String: Any] {
        var object = base
        if let c = classAgnostic {
            object["class_agnostic"] = ["ap": Self.number(c.ap), "ap50": Self.number(c.ap50), "ap25": Self.number(c.ap25),
                                        "ground_truth_count": c.groundTruthCount, "prediction_count": c.predictionCount]
        }
        return object
    }

    private var base: [String: Any] {
        [
            "ap": Self.number(ap), "ap50": Self.number(ap50), "ap25": Self.number(ap25),
            "higher_is_better": true,
            "scene_count": sceneCount, "min_region_size": minRegionSize,
            "scenes_without_predictions": scenesWithoutPredictions,
            "scenes_without_predictions_count": scenesWithoutPredictions.count,
            "iou_thresholds": EvaluationOptions.apThresholds,
            "groups": groups.map { g -> [String: Any] in
                ["name": g.name, "ap": Self.number(g.ap), "ap50": Self.number(g.ap50), "ap25": Self.number(g.ap25),
                 "class_count": g.classCount, "evaluated_class_count": g.evaluatedClassCount,
                 "unlisted_classes": g.unlistedClasses]
            },
            "classes": classes.map { c -> [String: Any] in
                ["id": c.id, "name": c.name, "ap": Self.number(c.ap), "ap50": Self.number(c.ap50),
                 "ap25": Self.number(c.ap25), "ap_by_threshold": c.apByThreshold.map(Self.number),
                 "ground_truth_count": c.groundTruthCount, "prediction_count": c.predictionCount]
            },
        ]
    }

    /// Pretty-printed JSON with sorted keys.
    public func jsonData() throws(EvalError) -> Data {
        do {
            return try JSONSerialization.data(withJSONObject: jsonObject, options: [.prettyPrinted, .sortedKeys])
        } catch {
            throw .unwritable(url: URL(fileURLWithPath: "<json>"), reason: "cannot encode the result: \(error)")
        }
    }

    /// Reads a result written by `jsonData()` (e.g. a run's `eval.json`).
    public init(json data: Data, source: URL) throws(EvalError) {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            throw .unreadable(url: source, reason: "not valid JSON: \(error.localizedDescription)")
        }
        guard let object = parsed as? [String: Any], let classList = object["classes"] as? [[String: Any]] else {
            throw .unreadable(url: source, reason: "expected an evaluation result object with a \"classes\" list")
        }
        let classes = classList.map { c in
            ClassScore(id: c["id"] as? Int ?? 0, name: c["name"] as? String ?? "?",
                       ap: Self.double(c["ap"]), ap50: Self.double(c["ap50"]), ap25: Self.double(c["ap25"]),
                       apByThreshold: (c["ap_by_threshold"] as? [Any] ?? []).map { Self.double($0) },
                       groundTruthCount: c["ground_truth_count"] as? Int ?? 0,
                       predictionCount: c["prediction_count"] as? Int ?? 0)
        }
        let groups = (object["groups"] as? [[String: Any]] ?? []).map { g in
            GroupScore(name: g["name"] as? String ?? "?", ap: Self.double(g["ap"]), ap50: Self.double(g["ap50"]),
                       ap25: Self.double(g["ap25"]), classCount: g["class_count"] as? Int ?? 0,
                       evaluatedClassCount: g["evaluated_class_count"] as? Int ?? 0,
                       unlistedClasses: g["unlisted_classes"] as? [String] ?? [])
        }
        self.init(ap: Self.double(object["ap"]), ap50: Self.double(object["ap50"]), ap25: Self.double(object["ap25"]),
                  groups: groups, classes: classes, sceneCount: object["scene_count"] as? Int ?? 0,
                  minRegionSize: object["min_region_size"] as? Int ?? 0,
                  scenesWithoutPredictions: object["scenes_without_predictions"] as? [String] ?? [])
        if let c = object["class_agnostic"] as? [String: Any] {
            classAgnostic = ClassScore(id: 1, name: ClassAgnostic.name, ap: Self.double(c["ap"]), ap50: Self.double(c["ap50"]),
                                       ap25: Self.double(c["ap25"]), apByThreshold: [],
                                       groundTruthCount: c["ground_truth_count"] as? Int ?? 0,
                                       predictionCount: c["prediction_count"] as? Int ?? 0)
        }
    }
}
