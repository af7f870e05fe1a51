import Foundation
import Testing
import Geometry
@testable import Eval

@Suite struct PropertyTests {
    /// With distinct scores the result does not depend on the order of predictions in the files — for
    /// AP25 too when no prediction reaches two instances (at IoU > 0.25 the benchmark's greedy matching
    /// follows file order; see `ap25FollowsFileOrder`). At IoU ≥ 0.5 a prediction passes at most one
    /// instance, so AP and AP50 are order-free even with cross-instance predictions.
    @Test(arguments: [false, true])
    func invariantUnderPredictionOrder(crossInstance: Bool) {
        var rng = SeededGenerator(seed: crossInstance ? 11 : 7)
        for trial in 0..<25 {
            let scenes = (0..<3).map { RandomScene.make(name: "s\($0)", rng: &rng, crossInstance: crossInstance, quantizedScores: false) }
            let reference = evaluate(scenes.map(\.matches))
            let shuffled = scenes.map { s -> SceneMatches in
                var copy = s
                copy.predictions.shuffle(using: &rng)
                return copy.matches
            }
            let result = evaluate(shuffled.shuffled(using: &rng))
            for (a, b) in zip(reference.classes, result.classes) {
                #expect(close(a.ap, b.ap) && close(a.ap50, b.ap50), "trial \(trial) class \(a.name)")
                if !crossInstance { #expect(close(a.ap25, b.ap25), "trial \(trial) class \(a.name)") }
            }
        }
    }

    /// AP lies in [0, 1] and is NaN exactly for classes without ground truth of at least 100 points.
    @Test func apIsBoundedAndNanOnlyWithoutGroundTruth() {
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<25 {
            let scenes = (0..<2).map { RandomScene.make(name: "s\($0)", rng: &rng, crossInstance: true, quantizedScores: true) }
            for c in evaluate(scenes.map(\.matches)).classes {
                #expect(c.ap.isNaN == (c.groundTruthCount == 0))
                if !c.ap.isNaN { #expect(c.ap >= 0 && c.ap <= 1 && c.ap25 >= 0 && c.ap25 <= 1) }
            }
        }
    }
}
