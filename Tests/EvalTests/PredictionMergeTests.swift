import Foundation
import Geometry
import SceneIO
import Testing
import _TestSupport
@testable import Eval

/// Merging the instances of several producers: per-class NMS over the union, and "fill" (a later source only where
/// the earlier ones have nothing), on hand-made masks and on random ones, and through benchmark folders.
struct PredictionMergeTests {
    func mask(_ label: Int, _ score: Double, _ range: Range<Int32>) -> BenchmarkMask {
        BenchmarkMask(labelID: label, score: score, points: Array(range))
    }

    @Test func nmsKeepsTheBestOfEachClassAndOverlapsOfOtherClasses() {
        let a = [mask(3, 0.9, 0..<100), mask(5, 0.2, 300..<400)]
        // IoU with a[0]: 80/120 = 0.67 (same class: dropped); 50/150 = 0.33 (kept); other class (kept).
        let b = [mask(3, 0.8, 20..<120), mask(3, 0.7, 50..<150), mask(4, 0.95, 0..<100), mask(5, 0.6, 300..<400)]
        let merged = PredictionMerge.merge([a, b], policy: .nms, iou: 0.5, pointCount: 400)
        #expect(merged == [b[2], a[0], b[1], b[3]])
        // Exactly at the threshold counts as the same instance: IoU(0..<100, 0..<50 ∪ …) = 50/100.
        let half = PredictionMerge.merge([[mask(1, 0.9, 0..<100)], [mask(1, 0.5, 0..<50)]], policy: .nms, iou: 0.5, pointCount: 100)
        #expect(half.count == 1)
        // A NaN score ranks below every number, so the scored duplicate is the one kept.
        let nan = PredictionMerge.merge([[mask(1, .nan, 0..<100)], [mask(1, 0.1, 0..<100)]], policy: .nms, iou: 0.5, pointCount: 100)
        #expect(nan.map(\.score) == [0.1])
    }

    @Test func fillAddsALaterSourceOnlyWhereNoEarlierMaskIs() {
        let lifted = [mask(3, 0.4, 0..<100), mask(7, 1.5, 200..<260)]
        let model = [mask(9, 0.9, 10..<100),    // covers lifted[0] (IoU 0.9) under another label: dropped
                     mask(9, 0.8, 120..<180),   // nothing earlier there: added
                     mask(2, 0.7, 120..<180)]   // the same mask under another label: the model's own alternative, kept
        let merged = PredictionMerge.merge([lifted, model], policy: .fill, iou: 0.5, pointCount: 300)
        #expect(merged.map(\.labelID) == [3, 7, 9, 2])
        // Source 0 of 2 maps s to (1 + s) / 2 (clamped to [0, 1]), source 1 to s / 2: every lifted mask ranks first.
        #expect(zip(merged.map(\.score), [0.7, 1.0, 0.4, 0.35]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(merged.map(\.points) == [lifted[0].points, lifted[1].points, model[1].points, model[2].points])
    }

    /// Properties on random masks: NMS keeps no two same-class masks at IoU ≥ the threshold and drops only masks
    /// that a kept, better-scored one covers; fill keeps the first source whole and every added mask is far from it.
    @Test func randomMasksKeepTheInvariants() {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<40 {
            let n = 200
            let sources = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                (0..<Int.random(in: 0...12, using: &rng)).map { _ -> BenchmarkMask in
                    let start = Int32.random(in: 0..<150, using: &rng), length = Int32.random(in: 1...50, using: &rng)
                    return mask(Int.random(in: 1...3, using: &rng), Double(Int.random(in: 0...20, using: &rng)) / 20, start..<min(start + length, 200))
                }
            }
            let threshold = [0.25, 0.5, 0.75][Int.random(in: 0...2, using: &rng)]
            let nms = PredictionMerge.merge(sources, policy: .nms, iou: threshold, pointCount: n)
            for (i, x) in nms.enumerated() {
                for y in nms[(i + 1)...] where x.labelID == y.labelID { #expect(iou(x, y) < threshold) }
            }
            let all = sources.flatMap { $0 }
            for dropped in all where !nms.contains(dropped) {
                #expect(nms.contains { $0.labelID == dropped.labelID && $0.score >= dropped.score && iou($0, dropped) >= threshold })
            }
            #expect(nms.count <= all.count)
            let fill = PredictionMerge.merge(sources, policy: .fill, iou: threshold, pointCount: n)
            let first = sources[0].count
            #expect(fill.prefix(first).map(\.points) == sources[0].map(\.points))
            for added in fill.dropFirst(first) {
                #expect(sources[0].allSatisfy { iou($0, added) < threshold })
            }
            let k = Double(sources.count)
            #expect(fill.prefix(first).allSatisfy { $0.score >= (k - 1) / k })
        }
    }

    func iou(_ a: BenchmarkMask, _ b: BenchmarkMask) -> Double {
        let inter = Double(Set(a.points).intersection(b.points).count)
        return inter / (Double(a.points.count + b.points.count) - inter)
    }

    @Test func foldersAreMergedSceneByScene() throws {
        let root = temporaryFolder("merge")
        let a = root.appendingPathComponent("a"), b = root.appendingPathComponent("b"), out = root.appendingPathComponent("out")
        try BenchmarkPredictionWriter.write([mask(3, 0.9, 0..<100)], scene: "s0", pointCount: 300, to: a)
        try BenchmarkPredictionWriter.write([mask(3, 0.8, 0..<100), mask(4, 0.7, 150..<300)], scene: "s0", pointCount: 300, to: b)
        try BenchmarkPredictionWriter.write([mask(5, 0.6, 0..<10)], scene: "s1", pointCount: 20, to: b)
        var options = PredictionMergeOptions(inputs: [a, b], out: out)
        options.policy = .nms
        let result = try PredictionMerge.run(options)
        #expect(result.scenes.map(\.name) == ["s0", "s1"])
        #expect(result.scenes.map(\.masks) == [2, 1] && result.scenes[0].inputMasks == [1, 2])
        #expect(result.missing == [a.path: ["s1"]])
        let entries = try PredictionFile.read(out.appendingPathComponent("s0.txt"), root: out)
        #expect(entries.map(\.labelID) == [3, 4])
        #expect(try FolderEvaluation.maskPoints(entries[1].mask, expectedCount: 300) == Array(150..<300))
        // A mask whose length disagrees with the scene's other masks is named.
        try BenchmarkPredictionWriter.write([mask(5, 0.6, 0..<10)], scene: "s0", pointCount: 299, to: root.appendingPathComponent("c"))
        options.inputs = [a, root.appendingPathComponent("c")]
        #expect {
            try PredictionMerge.run(options)
        } throws: { error in
            guard case let .pointCountMismatch(url, expected, actual)? = error as? EvalError else { return false }
            return url.path.hasSuffix("c/pred_mask/s0_0.txt") && expected == 300 && actual == 299
        }
    }
}
