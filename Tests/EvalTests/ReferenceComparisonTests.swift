import _TestSupport
import Foundation
import Testing
import Geometry
@testable import Eval

@Suite struct ReferenceComparisonTests {
    /// Random benchmark folders (ties in score, cross-instance predictions, small regions, unlisted labels)
    /// evaluated by the Swift module and by the independent numpy re-implementation
    /// `tools/ref_eval_scannet.py`: every class at every threshold must agree to 1e-12.
    @Test func swiftMatchesNumpyReference() throws {
        let root = temporaryFolder("ref")
        defer { try? FileManager.default.removeItem(at: root) }
        let pred = root.appendingPathComponent("pred"), gt = root.appendingPathComponent("gt")
        try FileManager.default.createDirectory(at: pred, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: gt, withIntermediateDirectories: true)
        var rng = SeededGenerator(seed: 2024)
        for s in 0..<12 {
            let scene = RandomScene.make(name: "scene\(s)", rng: &rng, crossInstance: true, quantizedScores: s % 2 == 0)
            try writeBenchmarkScene(name: scene.name, ids: scene.ids, predictions: scene.predictions, pred: pred, gt: gt)
        }
        let classesURL = root.appendingPathComponent("classes.json")
        let classJSON = testClasses.entries.map { ["id": $0.id, "name": $0.name] as [String: Any] }
        try JSONSerialization.data(withJSONObject: classJSON).write(to: classesURL)
        let refURL = root.appendingPathComponent("ref.json")
        let run = try runProcess("python3", [Repository.root.appendingPathComponent("tools/ref_eval_scannet.py").path,
                                             "--pred", pred.path, "--gt", gt.path, "--classes", classesURL.path,
                                             "--json", refURL.path])
        try #require(run.status == 0, "reference failed: \(run.stderr)")
        let reference = try EvaluationResult(json: Data(contentsOf: refURL), source: refURL)

        let swift = try FolderEvaluation.evaluate(predictions: pred, groundTruth: gt, options: testOptions, threads: 2)
        #expect(swift.classes.contains { $0.ap > 0 && $0.ap < 1 }, "the data should exercise partial scores")
        #expect(close(swift.ap, reference.ap) && close(swift.ap50, reference.ap50) && close(swift.ap25, reference.ap25))
        for (a, b) in zip(swift.classes, reference.classes) {
            #expect(a.name == b.name)
            #expect(close(a.ap25, b.ap25), "\(a.name) AP25 \(a.ap25) vs \(b.ap25)")
            for (x, y) in zip(a.apByThreshold, b.apByThreshold) { #expect(close(x, y), "\(a.name) \(a.apByThreshold) vs \(b.apByThreshold)") }
        }
    }
}
