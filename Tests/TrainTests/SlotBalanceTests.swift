import Support
import Testing
@testable import Train

/// Sharing a step's slots among ranks: longest predicted first to the least loaded rank, and the cost model that
/// predicts a slot's CPU time from its sizes.
struct SlotBalanceTests {
    /// Makespan of an assignment: the most work any rank has.
    func makespan(_ owners: [[Int]], _ costs: [Double]) -> Double {
        owners.map { $0.reduce(0) { $0 + costs[$1] } }.max() ?? 0
    }

    @Test func longestFirstToTheLeastLoadedRank() {
        // 5 → r0, 4 → r1, 3 → r1 (4 < 5), 3 → r0 (5 < 7), 3 → r1 (7 < 8).
        #expect(StepSlots.balanced(costs: [5, 4, 3, 3, 3], ranks: 2) == [[0, 3], [1, 2, 4]])
        // Equal costs: slots in order, round the ranks.
        #expect(StepSlots.balanced(costs: [1, 1, 1, 1], ranks: 2) == [[0, 2], [1, 3]])
        #expect(StepSlots.balanced(costs: [2, 7], ranks: 1) == [[0, 1]])
        // Bad predictions still place every slot once.
        let odd = StepSlots.balanced(costs: [.nan, -3, .infinity, 1], ranks: 3)
        #expect(odd.flatMap { $0 }.sorted() == [0, 1, 2, 3])
    }

    /// Rank 0 sent slots 0 and 3, rank 1 slots 1, 2 and 4: each slot's vector is found where its rank put it.
    @Test func slotOffsetsFollowTheOwnersInRankOrder() {
        #expect(StepSlots.offsets(owners: [[0, 3], [1, 2, 4]], width: 10) == [0, 20, 30, 10, 40])
        #expect(StepSlots.offsets(owners: [[0, 2], [1, 3]], width: 7) == [0, 14, 7, 21])
        #expect(StepSlots.offsets(owners: [[0, 1, 2]], width: 3) == [0, 3, 6])
    }

    /// Property: every slot exactly once, each rank's slots ascending, and for two ranks the makespan within 7/6 of
    /// the best split (Graham's bound for longest-first), found by trying every split.
    @Test func everySlotOnceAndWithinGrahamsBound() {
        var rng = SeededGenerator(seed: 17)
        for _ in 0..<300 {
            let n = 2 + rng.nextIndex(below: 9)
            let costs = (0..<n).map { _ in 50 + 150 * rng.nextUnitDouble() }
            let owners = StepSlots.balanced(costs: costs, ranks: 2)
            #expect(owners.flatMap { $0 }.sorted() == Array(0..<n))
            #expect(owners.allSatisfy { $0 == $0.sorted() })
            var best = Double.infinity
            for mask in 0..<(1 << n) {
                let a = (0..<n).filter { mask & (1 << $0) != 0 }, b = (0..<n).filter { mask & (1 << $0) == 0 }
                best = min(best, makespan([a, b], costs))
            }
            #expect(makespan(owners, costs) <= best * 7 / 6 + 1e-9)
        }
    }

    @Test func costModelRecoversALinearCostAndUsesThePriorBeforeWarmup() {
        var model = SlotCostModel(warmup: 20, window: 64)
        #expect(model.predict(points: 20_000, superpoints: 200, queries: 100) == [1, 2, 1, 2, 2].reduce(0, +))
        var rng = SeededGenerator(seed: 3)
        func truth(_ p: Int, _ s: Int, _ q: Int) -> Double {
            let f = SlotCostModel.features(points: p, superpoints: s, queries: q)
            return 12 + 9 * f[1] + 20 * f[2] + 4 * f[3] + 1.5 * f[4]
        }
        for _ in 0..<100 {
            let p = 20_000 + rng.nextIndex(below: 40_000), s = 100 + rng.nextIndex(below: 300), q = s / 2 + rng.nextIndex(below: s / 2)
            model.record(points: p, superpoints: s, queries: q, milliseconds: truth(p, s, q))
        }
        #expect(model.count == 64)
        for (p, s, q) in [(25_000, 150, 100), (55_000, 380, 300), (40_000, 250, 130)] {
            let predicted = model.predict(points: p, superpoints: s, queries: q)
            #expect(abs(predicted - truth(p, s, q)) < 0.02 * truth(p, s, q), "\(predicted) vs \(truth(p, s, q))")
        }
        // Non-finite or negative times are not recorded.
        model.record(points: 1, superpoints: 1, queries: 1, milliseconds: .nan)
        model.record(points: 1, superpoints: 1, queries: 1, milliseconds: -1)
        #expect(model.count == 64)
    }

    /// Rooms of one size make the size features collinear; the ridge term keeps the fit solvable and the
    /// prediction follows the queries.
    @Test func costModelSurvivesCollinearFeatures() {
        var model = SlotCostModel(warmup: 4)
        for q in [50, 60, 70, 80, 90, 100] {
            model.record(points: 30_000, superpoints: 200, queries: q, milliseconds: Double(q) * 2)
        }
        let small = model.predict(points: 30_000, superpoints: 200, queries: 55)
        let large = model.predict(points: 30_000, superpoints: 200, queries: 95)
        #expect(small.isFinite && large.isFinite && large > small)
        #expect(abs(large - 190) < 5 && abs(small - 110) < 5, "\(small), \(large)")
    }
}
