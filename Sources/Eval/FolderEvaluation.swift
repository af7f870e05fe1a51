import Dispatch
import Foundation
import SceneIO

/// Evaluates a benchmark-format prediction folder against a ground-truth folder.
///
/// Inputs:
/// - `PRED/<scene>.txt`: one prediction per line, `<mask path relative to PRED/> <label id> <confidence>`;
///   each mask file has one integer per point, non-zero = in the mask (or is a `.npy` array [N] of the same).
/// - Ground truth, per scene, either `GT/<scene>.txt` (one `label · 1000 + instance` per point,
///   0 = unannotated) or a scene folder `GT/<scene>/` with `semantic.npy` and `instance.npy`
///   (integer per point; instance < 0 = no instance).
/// Scenes are loaded and intersected in parallel; matching then runs over all scenes at once.
public enum FolderEvaluation {
    /// The name of the file the benchmark script writes into the prediction folder; never a scene.
    static let benchmarkOutputName = "semantic_instance_evaluation.txt"

    /// Scene names: the `.txt` files directly in the prediction folder, sorted.
    public static func sceneNames(in predictions: URL) throws(EvalError) -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: predictions.path) } catch {
            throw .unreadable(url: predictions, reason: "cannot list the prediction folder: \(error.localizedDescription)")
        }
        let scenes = names.filter { $0.hasSuffix(".txt") && $0 != benchmarkOutputName }
            .map { String($0.dropLast(4)) }.sorted()
        if scenes.isEmpty { throw .noPredictions(folder: predictions) }
        return scenes
    }

    /// Scenes with ground truth in `folder`: `<scene>.txt` files and `<scene>/` folders with `semantic.npy` and
    /// `instance.npy`, sorted.
    public static func groundTruthSceneNames(in folder: URL) -> [String] {
        let fm = FileManager.default
        let names = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
        return Set(names.compactMap { name -> String? in
            if name.hasSuffix(".txt") { return name == benchmarkOutputName ? nil : String(name.dropLast(4)) }
            let scene = folder.appendingPathComponent(name)
            return [SceneFile.semantic, .instance].allSatisfy { fm.fileExists(atPath: scene.appendingPathComponent($0.fileName).path) } ? name : nil
        }).sorted()
    }

    /// Ground-truth scenes of `groundTruth` that have no `<scene>.txt` in `predictions`, sorted.
    public static func scenesWithoutPredictions(predictions: URL, groundTruth: URL) throws(EvalError) -> [String] {
        let predicted = Set(try sceneNames(in: predictions))
        return groundTruthSceneNames(in: groundTruth).filter { !predicted.contains($0) }
    }

    /// Reads one scene's ground truth from `GT/<scene>.txt` or `GT/<scene>/{semantic,instance}.npy`.
    public static func groundTruth(scene: String, in folder: URL, classes: ClassCatalog) throws(EvalError) -> SceneGroundTruth {
        let text = folder.appendingPathComponent(scene + ".txt")
        if FileManager.default.fileExists(atPath: text.path) {
            return SceneGroundTruth(benchmarkIDs: try IntegerLines.values(of: text), classes: classes)
        }
        let sceneFolder = folder.appendingPathComponent(scene)
        let semanticURL = sceneFolder.appendingPathComponent(SceneFile.semantic.fileName)
        let instanceURL = sceneFolder.appendingPathComponent(SceneFile.instance.fileName)
        guard FileManager.default.fileExists(atPath: semanticURL.path),
              FileManager.default.fileExists(atPath: instanceURL.path) else {
            throw .missingGroundTruth(scene: scene, expectedAt: text)
        }
        // A scene folder of this toolkit (it has scene.json) is read through the scene contract, which checks both
        // arrays against the manifest and the point count; a bare folder of two arrays (another tool's ground truth)
        // is read as it is.
        if SceneFolder.isSceneFolder(sceneFolder) {
            let truth: SceneGroundTruthLabels
            do {
                let contract = try SceneFolder(sceneFolder)
                let n = ScenePoints.recordedCount(in: contract) ?? contract.manifest.arrays[SceneFile.instance.stem]?.shape.first ?? 0
                truth = try SceneGroundTruthLabels.read(from: contract, pointCount: n)
            } catch {
                throw .unreadable(url: sceneFolder, reason: "ground truth: \(error)")
            }
            return try SceneGroundTruth(semantic: truth.semantic.map(Int.init), instance: truth.instance.map(Int.init),
                                        classes: classes, source: semanticURL)
        }
        let semantic = try integers(semanticURL)
        let instance = try integers(instanceURL)
        return try SceneGroundTruth(semantic: semantic, instance: instance, classes: classes, source: semanticURL)
    }

    /// A 1-D integer `.npy` array as `[Int]`.
    static func integers(_ url: URL) throws(EvalError) -> [Int] {
        do {
            let array = try Npy.read(url)
            guard array.rank == 1 || (array.rank == 2 && array.shape[1] == 1) else {
                throw EvalError.unreadable(url: url, reason: "expected shape [N], got \(array.shape)")
            }
            return try array.int64s().map { Int($0) }
        } catch let error as EvalError {
            throw error
        } catch {
            throw .unreadable(url: url, reason: "expected an integer array [N]: \(error)")
        }
    }

    /// Reads one scene's predictions and counts their intersections with its ground truth.
    /// A scene without a prediction file (`hasPredictionFile` false) has its ground truth and no predictions.
    public static func matchScene(_ scene: String, predictions: URL, groundTruth: URL,
                                  options: EvaluationOptions, hasPredictionFile: Bool = true) throws(EvalError) -> SceneMatches {
        let truth = try Self.groundTruth(scene: scene, in: groundTruth, classes: options.classes)
        let entries = hasPredictionFile ? try PredictionFile.read(predictions.appendingPathComponent(scene + ".txt"), root: predictions) : []
        var builder = SceneMatchBuilder(name: scene, groundTruth: truth, minRegionSize: options.minRegionSize)
        for entry in entries {
            // Predictions of classes that are not evaluated are skipped before their mask is read.
            guard let classIndex = options.classes.index(ofID: entry.labelID) else { continue }
            let points = try maskPoints(entry.mask, expectedCount: truth.pointCount)
            builder.add(classIndex: classIndex, confidence: entry.confidence, points: points)
        }
        var matches = builder.matches
        matches.withoutPredictionFile = !hasPredictionFile
        return matches
    }

    /// A predicted mask's point indices: a benchmark text mask, or a `.npy` array [N] (bool or integer,
    /// non-zero = in the mask).
    public static func maskPoints(_ url: URL, expectedCount: Int) throws(EvalError) -> [Int32] {
        let (points, count) = try maskPointsAndCount(url)
        guard count == expectedCount else { throw .pointCountMismatch(url: url, expected: expectedCount, actual: count) }
        return points
    }

    /// A predicted mask's points and the number of points its file covers, from one read (the first mask of a scene,
    /// which sets the count the others are checked against).
    public static func maskPointsAndCount(_ url: URL) throws(EvalError) -> (points: [Int32], count: Int) {
        guard url.pathExtension == "npy" else { return try IntegerLines.nonzeroLinesAndCount(of: url) }
        let values = try integers(url)
        var points: [Int32] = []
        for (i, v) in values.enumerated() where v != 0 { points.append(Int32(i)) }
        return (points, values.count)
    }

    /// The scenes an evaluation visits, sorted: the predicted ones and the ground-truth scenes without predictions
    /// (returned as `unpredicted` too); throws when `options.missingPredictions` is `.error` and there are such scenes.
    static func scenesToEvaluate(predictions: URL, groundTruth: URL,
                                 options: EvaluationOptions) throws(EvalError) -> (names: [String], unpredicted: Set<String>) {
        let predicted = try sceneNames(in: predictions)
        let missing = try scenesWithoutPredictions(predictions: predictions, groundTruth: groundTruth)
        if options.missingPredictions == .error && !missing.isEmpty {
            throw .scenesWithoutPredictions(folder: predictions, scenes: missing)
        }
        return ((predicted + missing).sorted(), Set(missing))
    }

    /// Reads and intersects every scene on `threads` threads, in scene-name order: the predicted scenes and the
    /// ground-truth scenes without predictions (`EvaluationOptions.missingPredictions`).
    public static func matchScenes(predictions: URL, groundTruth: URL, options: EvaluationOptions,
                                   threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws(EvalError) -> [SceneMatches] {
        let options = try options.validated()
        let (names, unpredicted) = try scenesToEvaluate(predictions: predictions, groundTruth: groundTruth, options: options)
        let slots = Slots<Result<SceneMatches, EvalError>>(count: names.count)
        let workers = max(1, min(threads, names.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = slots.claim() {
                let result = Result { () throws(EvalError) -> SceneMatches in
                    try matchScene(names[i], predictions: predictions, groundTruth: groundTruth, options: options,
                                   hasPredictionFile: !unpredicted.contains(names[i]))
                }
                slots.store(result, at: i)
            }
        }
        var scenes: [SceneMatches] = []
        for result in slots.values() {
            switch result {
            case let .success(scene)?: scenes.append(scene)
            case let .failure(error)?: throw error
            case nil: throw .unreadable(url: predictions, reason: "a scene was not processed")
            }
        }
        return scenes
    }

    /// The whole evaluation of a prediction folder, with the class-agnostic score (`ClassAgnostic`).
    public static func evaluate(predictions: URL, groundTruth: URL, options: EvaluationOptions,
                                threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws(EvalError) -> EvaluationResult {
        let matched = try matchScenesBothWays(predictions: predictions, groundTruth: groundTruth, options: options, threads: threads)
        return try InstanceEvaluator.evaluateBothWays(matched, options: options)
    }
}

/// Work queue and result slots shared by the worker threads; every access holds the lock.
final class Slots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]
    private var next = 0

    init(count: Int) { slots = [Value?](repeating: nil, count: count) }

    /// The next unclaimed index, or nil when all are taken.
    func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    func store(_ value: Value, at index: Int) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    func values() -> [Value?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
