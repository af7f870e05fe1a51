import Testing
@testable import Eval

@Suite struct AveragePrecisionTests {
    /// Ties form one curve point: two entries at one score, one true → precision ½ at recall 1.
    @Test func tiesAreOnePoint() {
        let ap = AveragePrecision.stepRule(scores: [0.5, 0.5], isTrue: [true, false], hardFalseNegatives: 0)
        // recall [1, 0], precision [0.5, 1]: widths ½(1−0) and ½(1−0).
        #expect(ap == 0.75)
    }

    @Test func noEntriesScoreZero() {
        #expect(AveragePrecision.stepRule(scores: [], isTrue: [], hardFalseNegatives: 3) == 0)
    }

    @Test func thresholdsMatchNumpyArange() {
        let t = EvaluationOptions.apThresholds
        #expect(t.count == 9 && t[0] == 0.5 && t[1] == 0.55)
        #expect(t[2] > 0.6 && t[2] < 0.6 + 1e-15, "numpy's third value is 0.6000000000000001")
        #expect(EvaluationOptions.allThresholds[EvaluationOptions.index25] == 0.25)
    }
}
