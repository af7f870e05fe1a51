import Foundation
import Geometry
import Testing
@testable import Train

@Suite struct SparseMatcherTests {
    /// Two queries, one target over 2 columns; query 1's seed is outside the target.
    func inputs() -> (MatchPredictions, [MatchTarget]) {
        let p = MatchPredictions(probabilities: [0.7, 0.3, 0.2, 0.8], classCount: 2, maskLogits: [2, -2, 0, 0], columns: 2,
                                 centers: [0, 0, 0, 1, 1, 1], sizes: [0.5, 0.5, 0.5, 0.2, 0.2, 0.2], seeds: [3, 9])
        let t = MatchTarget(mask: [1, 0], label: 0, center: [0.1, 0, -0.2], size: [0.5, 0.4, 0.5], superpoints: [3, 4])
        return (p, [t])
    }

    @Test func costTermsByHand() {
        let (p, t) = inputs()
        #expect(SparseMatcher.classCost(p, label: 0) == [-0.7, -0.2].map { Double(Float($0)) })
        // BCE of logits (2, −2) against (1, 0): both log(1 + e^−2).
        let bce = SparseMatcher.bceCost(p, target: t[0].mask)
        #expect(abs(bce[0] - log(1 + exp(-2.0))) < 1e-9)
        #expect(abs(bce[1] - log(2.0)) < 1e-9)   // logits 0: log 2 for either target
        // Dice: p = (σ(2), σ(−2)), t = (1, 0): 1 − (2σ(2) + 1)/(σ(2) + σ(−2) + 1 + 1) = 1 − (2σ(2) + 1)/3.
        let s2 = 1 / (1 + exp(-2.0))
        #expect(abs(SparseMatcher.diceCost(p, target: t[0].mask)[0] - (1 - (2 * s2 + 1) / 3)) < 1e-9)
        #expect(SparseMatcher.l1Cost(p.centers, target: t[0].center).map { Float($0) } == [0.3, 3.1].map { Float($0) })
    }

    @Test func seedOutsideTargetIsInfiniteAndOneQueryPerTarget() {
        let (p, t) = inputs()
        let w = LossWeights()
        let cost = SparseMatcher.costMatrix(p, targets: t, weights: w)
        #expect(cost[1] == .infinity)
        let expected = 0.5 * -0.7 + log(1 + exp(-2.0)) + (1 - (2 / (1 + exp(-2.0)) + 1) / 3) + 0.5 * 0.3 + 0.5 * 0.1
        #expect(abs(cost[0] - expected) < 1e-6)
        #expect(SparseMatcher.match(cost: cost, rows: 2, targets: 1).map(\.row) == [0])
        // A target containing no seed gets no match; the cheapest of two eligible queries wins.
        #expect(SparseMatcher.match(cost: [.infinity, .infinity], rows: 2, targets: 1).isEmpty)
        #expect(SparseMatcher.match(cost: [3, 1, 2, 5], rows: 2, targets: 2).map { [$0.row, $0.target] } == [[1, 0], [0, 1]])
    }

    /// The fast cost matrix (per-row sums, eligible pairs only) equals the per-term definitions on random data.
    @Test func costMatrixEqualsTheTermDefinitions() {
        var rng = SeededGenerator(seed: 21)
        let rows = 9, cols = 13, k = 4
        let seeds = (0..<rows).map { _ in Int32(rng.nextIndex(below: cols)) }
        let p = MatchPredictions(probabilities: (0..<(rows * k)).map { _ in Float(rng.nextUnitDouble()) }, classCount: k,
                                 maskLogits: (0..<(rows * cols)).map { _ in Float(rng.nextGaussian() * 4) }, columns: cols,
                                 centers: (0..<(rows * 3)).map { _ in Float(rng.nextGaussian()) },
                                 sizes: (0..<(rows * 3)).map { _ in Float(rng.nextUnitDouble()) }, seeds: seeds)
        let targets = (0..<3).map { j -> MatchTarget in
            let members = Set((0..<cols).filter { _ in rng.nextUnitDouble() < 0.4 }.map { Int32($0) } + [seeds[j]])
            return MatchTarget(mask: (0..<cols).map { members.contains(Int32($0)) ? 1 : 0 }, label: j,
                               center: [0.1, 0.2, 0.3], size: [0.3, 0.2, 0.1], superpoints: members)
        }
        let w = LossWeights()
        let cost = SparseMatcher.costMatrix(p, targets: targets, weights: w)
        var eligible = 0
        for (j, t) in targets.enumerated() {
            let cls = SparseMatcher.classCost(p, label: t.label), bce = SparseMatcher.bceCost(p, target: t.mask)
            let dice = SparseMatcher.diceCost(p, target: t.mask)
            let ctr = SparseMatcher.l1Cost(p.centers, target: t.center), size = SparseMatcher.l1Cost(p.sizes, target: t.size)
            for r in 0..<rows {
                let c = cost[r * targets.count + j]
                guard t.superpoints.contains(seeds[r]) else { #expect(c == .infinity); continue }
                eligible += 1
                let reference = w.classification * cls[r] + w.maskBCE * bce[r] + w.maskDice * dice[r] + w.center * ctr[r] + w.size * size[r]
                #expect(abs(c - reference) < 1e-9, "row \(r) target \(j): \(c) vs \(reference)")
            }
        }
        #expect(eligible >= 3)
    }
}

@Suite struct PostProcessTests {
    @Test func matrixNMSDecaysOverlappingSameClass() {
        // Masks over 4 superpoints (1 point each): 0 = {0,1}, 1 = {0,1,2} (IoU 2/3 with 0, same class), 2 = {3} other class.
        let masks: [[Bool]] = [[true, true, false, false], [true, true, true, false], [false, false, false, true]]
        let out = PostProcess.matrixNMS(masks: masks, labels: [0, 0, 1], scores: [0.9, 0.8, 0.7], weights: [1, 1, 1, 1])
        #expect(abs(out[0] - 0.9) < 1e-12)
        #expect(abs(out[1] - 0.8 * (1 - 2.0 / 3)) < 1e-12)
        #expect(abs(out[2] - 0.7) < 1e-12)
    }

    @Test func topKScoresAndSizeFilter() {
        // 2 queries, 1 class, 3 superpoints with 50 points each.
        let cls: [Float] = [3, 0, 0, 3]          // q0: class likely; q1: no object likely
        let masks: [Float] = [4, 4, -4, -4, 4, -4]
        var o = PostProcessOptions()
        o.minPoints = 60
        let out = PostProcess.run(classLogits: cls, maskLogits: masks, queries: 2, classes: 1, superpoints: 3,
                                  pointsPerSuperpoint: [50, 50, 50], options: o)
        #expect(out.count == 1)   // q1's mask has 50 points ≤ 60
        let p = exp(3.0) / (exp(3.0) + 1), m = 1 / (1 + exp(-4.0))
        #expect(out.first?.query == 0)
        #expect(abs((out.first?.score ?? 0) - p * m) < 1e-6)
        #expect(out.first?.superpoints == [0, 1])
    }
}
