import Dispatch
import Foundation
import SceneIO

/// Class-agnostic instance AP: the benchmark's matching and AP with labels ignored.
///
/// Every ground-truth instance of an evaluated class becomes an instance of one class, "object"; every
/// prediction, whatever label it carries (evaluated class or not), becomes a prediction of that class. Points of
/// classes that are not evaluated stay void, so a prediction on them is ignored or a false positive as in the
/// class-aware evaluation. Ground truth is visited in its class-aware order (ascending `label · 1000 + instance`).
/// This measures segmentation alone: what the class-aware AP would be if every mask were named correctly.
public enum ClassAgnostic {
    /// The one class of the class-agnostic evaluation.
    public static let name = "object"

    /// The options of the class-agnostic evaluation: one class, no groups, the same minimum region size.
    public static func options(from options: EvaluationOptions) throws(EvalError) -> EvaluationOptions {
        let catalog: ClassCatalog
        do { catalog = try ClassCatalog(entries: [.init(id: 1, name: name)]) } catch {
            throw .invalidClasses(source: "class-agnostic class list", reason: "\(error)")
        }
        return EvaluationOptions(classes: catalog, groups: ClassGroups(groups: []), minRegionSize: options.minRegionSize)
    }
}

extension SceneGroundTruth {
    /// The same instances and points with every instance in class 0 (the class-agnostic evaluation's one class).
    public func classAgnostic() -> SceneGroundTruth {
        SceneGroundTruth(instanceOfPoint: instanceOfPoint,
                         instances: instances.map { GroundTruthInstance(instanceID: $0.instanceID, classIndex: 0, pointCount: $0.pointCount) })
    }
}

/// Class-aware and class-agnostic matches of the same scenes, read in one pass over the files.
public struct MatchedScenes: Sendable {
    /// As `FolderEvaluation.matchScenes` returns them.
    public var classAware: [SceneMatches]
    /// The same scenes for `ClassAgnostic`: one class, every prediction.
    public var classAgnostic: [SceneMatches]

    public init(classAware: [SceneMatches], classAgnostic: [SceneMatches]) {
        self.classAware = classAware
        self.classAgnostic = classAgnostic
    }
}

extension FolderEvaluation {
    /// Reads one scene's predictions once and counts their intersections for both evaluations.
    /// A scene without a prediction file (`hasPredictionFile` false) has its ground truth and no predictions.
    public static func matchSceneBothWays(_ scene: String, predictions: URL, groundTruth: URL, options: EvaluationOptions,
                                          hasPredictionFile: Bool = true) throws(EvalError) -> (aware: SceneMatches, agnostic: SceneMatches) {
        let truth = try Self.groundTruth(scene: scene, in: groundTruth, classes: options.classes)
        let entries = hasPredictionFile ? try PredictionFile.read(predictions.appendingPathComponent(scene + ".txt"), root: predictions) : []
        var aware = SceneMatchBuilder(name: scene, groundTruth: truth, minRegionSize: options.minRegionSize)
        var agnostic = SceneMatchBuilder(name: scene, groundTruth: truth.classAgnostic(), minRegionSize: options.minRegionSize)
        for entry in entries {
            let points = try maskPoints(entry.mask, expectedCount: truth.pointCount)
            if let classIndex = options.classes.index(ofID: entry.labelID) {
                aware.add(classIndex: classIndex, confidence: entry.confidence, points: points)
            }
            agnostic.add(classIndex: 0, confidence: entry.confidence, points: points)
        }
        var pair = (aware: aware.matches, agnostic: agnostic.matches)
        pair.aware.withoutPredictionFile = !hasPredictionFile
        pair.agnostic.withoutPredictionFile = !hasPredictionFile
        return pair
    }

    /// `matchScenes` for both evaluations, on `threads` threads, in scene-name order: the predicted scenes and the
    /// ground-truth scenes without predictions (`EvaluationOptions.missingPredictions`).
    public static func matchScenesBothWays(predictions: URL, groundTruth: URL, options: EvaluationOptions,
                                           threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws(EvalError) -> MatchedScenes {
        let options = try options.validated()
        let (names, unpredicted) = try scenesToEvaluate(predictions: predictions, groundTruth: groundTruth, options: options)
        let slots = Slots<Result<(aware: SceneMatches, agnostic: SceneMatches), EvalError>>(count: names.count)
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, names.count))) { _ in
            while let i = slots.claim() {
                slots.store(Result { () throws(EvalError) -> (aware: SceneMatches, agnostic: SceneMatches) in
                    try matchSceneBothWays(names[i], predictions: predictions, groundTruth: groundTruth, options: options,
                                           hasPredictionFile: !unpredicted.contains(names[i]))
                }, at: i)
            }
        }
        var out = MatchedScenes(classAware: [], classAgnostic: [])
        for result in slots.values() {
            switch result {
            case let .success(pair)?: out.classAware.append(pair.aware); out.classAgnostic.append(pair.agnostic)
            case let .failure(error)?: throw error
            case nil: throw .unreadable(url: predictions, reason: "a scene was not processed")
            }
        }
        return out
    }
}

extension InstanceEvaluator {
    /// The class-aware evaluation with its `classAgnostic` score filled in.
    public static func evaluateBothWays(_ matched: MatchedScenes, options: EvaluationOptions) throws(EvalError) -> EvaluationResult {
        var result = evaluate(matched.classAware, options: options)
        let agnostic = evaluate(matched.classAgnostic, options: try ClassAgnostic.options(from: options))
        result.classAgnostic = agnostic.classes.first
        return result
    }
}
