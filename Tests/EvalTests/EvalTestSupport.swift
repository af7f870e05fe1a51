import Foundation
import Testing
@testable import Eval
import SceneIO

/// Three small classes for hand-computed cases: chair (3), table (5), lamp (7). Label 99 is not evaluated.
let testClasses: ClassCatalog = {
    (try? ClassCatalog(entries: [.init(id: 3, name: "chair"), .init(id: 5, name: "table"), .init(id: 7, name: "lamp")]))
        ?? ClassCatalog.scanNet200Instances()
}()

let testOptions = EvaluationOptions(classes: testClasses, minRegionSize: 100)

/// A prediction in a hand-made scene: label id, confidence, point indices.
struct TestPrediction {
    var label: Int
    var confidence: Double
    var points: [Int32]

    init(_ label: Int, _ confidence: Double, _ points: some Sequence<Int>) {
        self.label = label
        self.confidence = confidence
        self.points = points.map { Int32($0) }
    }
}

/// Per-point benchmark ids: `runs` of (id, count) laid out one after another.
func benchmarkIDs(_ runs: [(id: Int, count: Int)]) -> [Int] {
    runs.flatMap { [Int](repeating: $0.id, count: $0.count) }
}

/// Builds a scene from benchmark ids and predictions (in file order).
func scene(_ name: String = "s", ids: [Int], _ predictions: [TestPrediction],
           options: EvaluationOptions = testOptions) -> SceneMatches {
    let truth = SceneGroundTruth(benchmarkIDs: ids, classes: options.classes)
    var builder = SceneMatchBuilder(name: name, groundTruth: truth, minRegionSize: options.minRegionSize)
    for p in predictions {
        guard let c = options.classes.index(ofID: p.label) else { continue }
        builder.add(classIndex: c, confidence: p.confidence, points: p.points)
    }
    return builder.matches
}

func evaluate(_ scenes: [SceneMatches], options: EvaluationOptions = testOptions) -> EvaluationResult {
    InstanceEvaluator.evaluate(scenes, options: options)
}

extension EvaluationResult {
    func score(_ name: String) -> ClassScore? { classes.first { $0.name == name } }
}

/// Equality with a tolerance for sums taken in a different order.
func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
    (a.isNaN && b.isNaN) || abs(a - b) <= tolerance
}


/// Writes a scene in the benchmark format: `gt/<name>.txt`, `pred/<name>.txt`, `pred/masks/<name>_<k>.txt`.
func writeBenchmarkScene(name: String, ids: [Int], predictions: [TestPrediction], pred: URL, gt: URL) throws {
    try (ids.map(String.init).joined(separator: "\n") + "\n").write(to: gt.appendingPathComponent(name + ".txt"),
                                                                 atomically: true, encoding: .utf8)
    let masks = pred.appendingPathComponent("masks")
    try FileManager.default.createDirectory(at: masks, withIntermediateDirectories: true)
    var lines: [String] = []
    for (k, p) in predictions.enumerated() {
        var mask = [UInt8](repeating: UInt8(ascii: "0"), count: ids.count * 2)
        for i in 0..<ids.count { mask[2 * i + 1] = UInt8(ascii: "\n") }
        for point in p.points { mask[2 * Int(point)] = UInt8(ascii: "1") }
        try Data(mask).write(to: masks.appendingPathComponent("\(name)_\(k).txt"))
        lines.append("masks/\(name)_\(k).txt \(p.label) \(p.confidence)")
    }
    try (lines.joined(separator: "\n") + "\n").write(to: pred.appendingPathComponent(name + ".txt"),
                                                     atomically: true, encoding: .utf8)
}
