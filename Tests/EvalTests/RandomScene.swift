import Geometry
import Foundation
@testable import Eval

/// Random benchmark scenes for property and cross-implementation tests.
///
/// Instances are contiguous runs of random size (some under 100 points) with labels chair, table, lamp
/// or the unlisted 99, separated by unannotated runs. Predictions take part of one instance plus points
/// of a void run and, when `crossInstance` is set, part of any other instance (so a prediction may pass
/// IoU 0.25 with two instances).
struct RandomScene {
    var name: String
    var ids: [Int]
    var predictions: [TestPrediction]

    static func make(name: String, rng: inout SeededGenerator, crossInstance: Bool, quantizedScores: Bool) -> RandomScene {
        var ids: [Int] = []
        var runs: [Range<Int>] = []
        var voidRuns: [Range<Int>] = []
        var next = [3: 1, 5: 1, 7: 1, 99: 1]
        for _ in 0..<Int.random(in: 2...7, using: &rng) {
            let gap = Int.random(in: 0...120, using: &rng)
            if gap > 0 { voidRuns.append(ids.count..<ids.count + gap) }
            ids += [Int](repeating: 0, count: gap)
            let label = [3, 3, 5, 7, 99].randomElement(using: &rng) ?? 3
            let size = Int.random(in: 40...320, using: &rng)
            let id = label * 1000 + (next[label] ?? 1)
            next[label, default: 1] += 1
            runs.append(ids.count..<ids.count + size)
            ids += [Int](repeating: id, count: size)
        }
        var predictions: [TestPrediction] = []
        for _ in 0..<Int.random(in: 0...9, using: &rng) {
            let run = runs.randomElement(using: &rng) ?? 0..<1
            let keep = Int(Double(run.count) * Double.random(in: 0.3...1.0, using: &rng))
            let start = run.lowerBound + Int.random(in: 0...(run.count - keep), using: &rng)
            var points = Array(start..<start + keep)
            if let void = voidRuns.randomElement(using: &rng), Bool.random(using: &rng) {
                points += void.prefix(Int.random(in: 0...void.count, using: &rng))
            }
            if crossInstance, let other = runs.randomElement(using: &rng), other != run, Bool.random(using: &rng) {
                points += other.prefix(Int.random(in: 0...other.count, using: &rng))
            }
            let ownLabel = ids[run.lowerBound] / 1000
            let label = Double.random(in: 0..<1, using: &rng) < 0.8 ? ownLabel : ([3, 5, 7, 99].randomElement(using: &rng) ?? 3)
            let score = quantizedScores ? Double(Int.random(in: 1...6, using: &rng)) / 8
                                        : Double.random(in: 0..<1, using: &rng)
            predictions.append(TestPrediction(label, score, Set(points).sorted()))
        }
        return RandomScene(name: name, ids: ids, predictions: predictions)
    }

    var matches: SceneMatches { scene(name, ids: ids, predictions) }
}
