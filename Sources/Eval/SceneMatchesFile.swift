import Foundation
import SceneIO
import Support

/// The matched scenes of one evaluation, kept in a small JSON file so that the bootstrap can score a prediction
/// folder again after the folder itself (about a gigabyte of per-point masks for 24 rooms) was deleted: the
/// learning benchmark keeps one per training run for the checkpoint that starts the last fifth of training.
///
/// Layout (`File`): `{"format": "ovseg3r-scene-matches", "version": 1, "classes": [names], "minRegionSize": N,
/// "scenes": [{"name", "withoutPredictionFile", "groundTruth": [[instanceID, class, points]], "predictions":
/// [{"classIndex", "confidence", "points", "voidPoints", "overlaps": [gt, intersection, …]}]}]}`; class indices are
/// positions in `classes`. Reading checks every index and count, so a damaged file is refused naming the scene.
public enum SceneMatchesFile {
    static let format = "ovseg3r-scene-matches"

    /// The file as Codable rows. JSONEncoder and JSONDecoder keep every score bit for bit (JSONSerialization rounds
    /// doubles on reading, which would reorder near-equal scores).
    struct File: Codable {
        var format: String
        var version: Int
        var classes: [String]
        var minRegionSize: Int
        var scenes: [Scene]
    }

    struct Scene: Codable {
        var name: String
        var withoutPredictionFile: Bool
        /// [instanceID, class, points] per ground-truth instance.
        var groundTruth: [[Int]]
        var predictions: [Prediction]
    }

    struct Prediction: Codable {
        var classIndex: Int
        var confidence: Double
        var points: Int
        var voidPoints: Int
        /// Ground-truth index and intersection, alternating.
        var overlaps: [Int]
    }

    public static func write(_ scenes: [SceneMatches], options: EvaluationOptions, to url: URL) throws(EvalError) {
        let file = File(format: format, version: 1, classes: options.classes.names, minRegionSize: options.minRegionSize,
                        scenes: scenes.map { scene in
                            Scene(name: scene.name, withoutPredictionFile: scene.withoutPredictionFile,
                                  groundTruth: scene.groundTruth.map { [$0.instanceID, $0.classIndex, $0.pointCount] },
                                  predictions: scene.predictions.map { p in
                                      Prediction(classIndex: p.classIndex, confidence: finite(p.confidence), points: p.pointCount,
                                                 voidPoints: p.voidIntersection, overlaps: p.overlaps.flatMap { [$0.groundTruth, $0.intersection] })
                                  })
                        })
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try AtomicFile.write(try encoder.encode(file), to: url)
        } catch {
            throw .unwritable(url: url, reason: "\(error)")
        }
    }

    /// JSON has no NaN or infinity: NaN and −∞ become the lowest finite score (they rank last), +∞ the highest.
    static func finite(_ score: Double) -> Double {
        score.isFinite ? score : (score == .infinity ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude)
    }

    /// Reads a file written by `write` for the same class list and minimum region size as `options`.
    public static func read(from url: URL, options: EvaluationOptions) throws(EvalError) -> [SceneMatches] {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        } catch {
            throw .unreadable(url: url, reason: "not a scene-matches file: \(ErrorText.decoding(error))")
        }
        guard file.format == format else { throw .unreadable(url: url, reason: "not a scene-matches file (format \"\(format)\" expected)") }
        guard file.version == 1 else { throw .unreadable(url: url, reason: "version \(file.version): only version 1 is read") }
        guard file.classes == options.classes.names else {
            throw .unreadable(url: url, reason: "written for another class list than this evaluation's \(options.classes.count) classes")
        }
        guard file.minRegionSize == options.minRegionSize else {
            throw .unreadable(url: url, reason: "written with minimum region size \(file.minRegionSize), not \(options.minRegionSize)")
        }
        return try file.scenes.map { scene throws(EvalError) -> SceneMatches in
            try read(scene, classCount: options.classes.count, url: url)
        }
    }

    static func read(_ scene: Scene, classCount: Int, url: URL) throws(EvalError) -> SceneMatches {
        func bad(_ field: String, _ reason: String) -> EvalError { .unreadable(url: url, reason: "scene \(scene.name), \(field): \(reason)") }
        func checked(_ v: Int, _ field: String, in range: Range<Int>) throws(EvalError) -> Int {
            guard range.contains(v) else { throw bad(field, "\(v) is not in \(range.lowerBound)..<\(range.upperBound)") }
            return v
        }
        let limit = Int(Int32.max)
        var groundTruth: [GroundTruthInstance] = []
        for (g, row) in scene.groundTruth.enumerated() {
            guard row.count == 3 else { throw bad("groundTruth[\(g)]", "expected [instanceID, class, points]") }
            groundTruth.append(GroundTruthInstance(instanceID: try checked(row[0], "groundTruth[\(g)] instance id", in: 0..<limit),
                                                   classIndex: try checked(row[1], "groundTruth[\(g)] class", in: 0..<classCount),
                                                   pointCount: try checked(row[2], "groundTruth[\(g)] points", in: 0..<limit)))
        }
        var predictions: [PredictedInstance] = []
        for (p, row) in scene.predictions.enumerated() {
            let field = "predictions[\(p)]"
            guard row.confidence.isFinite else { throw bad(field + " confidence", "not a finite number") }
            guard row.overlaps.count % 2 == 0 else { throw bad(field + " overlaps", "expected ground-truth index and intersection pairs") }
            let classIndex = try checked(row.classIndex, field + " class", in: 0..<classCount)
            let points = try checked(row.points, field + " points", in: 1..<limit)
            let void = try checked(row.voidPoints, field + " void points", in: 0..<points + 1)
            var overlaps: [PredictedInstance.Overlap] = []
            for k in stride(from: 0, to: row.overlaps.count, by: 2) {
                let g = try checked(row.overlaps[k], field + " ground truth", in: 0..<groundTruth.count)
                let shared = try checked(row.overlaps[k + 1], field + " intersection", in: 1..<min(points, groundTruth[g].pointCount) + 1)
                guard groundTruth[g].classIndex == classIndex, overlaps.last.map({ $0.groundTruth < g }) ?? true else {
                    throw bad(field, "overlap with ground truth \(g) is of another class or out of order")
                }
                overlaps.append(.init(groundTruth: g, intersection: shared))
            }
            predictions.append(PredictedInstance(classIndex: classIndex, confidence: row.confidence, pointCount: points,
                                                 voidIntersection: void, overlaps: overlaps))
        }
        var matches = SceneMatches(name: scene.name, groundTruth: groundTruth, predictions: predictions)
        matches.withoutPredictionFile = scene.withoutPredictionFile
        return matches
    }
}
