import Foundation
import Geometry
import SceneIO
import Testing
@testable import VIP

/// Training-free fusion (`ViewConsensus`, `Fuse`): hand-made scenes with known answers, then properties on random ones.
@Suite("Fusing view-level masks by view consensus")
struct FuseTests {
    /// Six superpoints of 50 points each: object A = {0, 1}, object B = {2, 3}, background {4, 5}.
    static let pointSuperpoints: [Int32] = (0..<300).map { Int32($0 / 50) }

    static func visibility(_ rows: [[Int32]]) -> SuperpointVisibility {
        var offsets: [Int64] = [0]
        for row in rows { offsets.append(offsets[offsets.count - 1] + Int64(row.count)) }
        return SuperpointVisibility(offsets: offsets, superpoints: rows.flatMap { $0 })
    }

    /// Three views see A and B. A is called "chair" once with a high score and "armchair" twice with low scores.
    static func twoObjects(extra: [FuseInputs.Mask] = [], views: [[Int32]]? = nil) throws -> FuseInputs {
        let masks = [
            FuseInputs.Mask(view: 0, label: "chair", score: 0.9, superpoints: [0, 1]),
            FuseInputs.Mask(view: 0, label: "table", score: 0.8, superpoints: [2, 3]),
            FuseInputs.Mask(view: 1, label: "armchair", score: 0.3, superpoints: [1, 0]),
            FuseInputs.Mask(view: 1, label: "table", score: 0.6, superpoints: [2, 3]),
            FuseInputs.Mask(view: 2, label: "armchair", score: 0.4, superpoints: [0, 1]),
            FuseInputs.Mask(view: 2, label: "table", score: 0.7, superpoints: [3, 2]),
        ] + extra
        return try FuseInputs(masks: masks, visibility: visibility(views ?? [[0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5], [0, 1, 2, 3]]),
                              pointSuperpoints: pointSuperpoints)
    }

    @Test("the same object seen by three views is one instance with the score-weighted label; two objects stay apart")
    func mergesOneObjectKeepsTwoApart() throws {
        let fused = ViewConsensus.fuse(try Self.twoObjects())
        #expect(fused.count == 2)
        let table = try #require(fused.first)
        let chair = try #require(fused.last)
        #expect(table.label == "table" && table.superpoints == [2, 3] && table.members == [1, 3, 5] && table.memberViews == 3)
        #expect(abs(table.score - 0.7) < 1e-12, "mean 2D score 0.7 × 3 member views / 3 observing views")
        // By count "armchair" wins 2 to 1; by score "chair" wins 0.9 to 0.7.
        #expect(chair.label == "chair" && chair.superpoints == [0, 1] && chair.members == [0, 2, 4])
        #expect(abs(chair.score - (0.9 + 0.3 + 0.4) / 3) < 1e-12)
    }

    @Test("a view that masks two objects as one does not join them, and a one-view instance is dropped")
    func underSegmentedViewDoesNotBridge() throws {
        let both = FuseInputs.Mask(view: 3, label: "chair", score: 0.95, superpoints: [0, 1, 2, 3])
        let inputs = try Self.twoObjects(extra: [both], views: [[0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5], [0, 1, 2, 3], [0, 1, 2, 3]])
        let fused = ViewConsensus.fuse(inputs)
        #expect(fused.map(\.superpoints) == [[2, 3], [0, 1]], "\(fused)")
        #expect(fused.allSatisfy { !$0.members.contains(6) })
        // With the consensus lowered to one view in four the bridge holds, and everything becomes one instance.
        var loose = FuseThresholds()
        loose.consensus = 0.25
        #expect(ViewConsensus.fuse(inputs, thresholds: loose).map(\.superpoints) == [[0, 1, 2, 3]])
    }

    @Test("views that do not observe a pair do not vote; a view that observes it without a mask votes against")
    func occludedViewsDoNotVote() throws {
        // View 3 sees only the background: no vote. View 4 sees object A but has no mask for it: a vote against.
        let inputs = try Self.twoObjects(views: [[0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5], [0, 1, 2, 3], [4, 5], [0, 1]])
        var t = FuseThresholds()
        t.consensus = 0.7
        let fused = ViewConsensus.fuse(inputs, thresholds: t)
        let chair = try #require(fused.first { $0.label == "chair" })
        #expect(chair.superpoints == [0, 1] && chair.memberViews == 3)
        #expect(abs(chair.score - (0.9 + 0.3 + 0.4) / 3 * 3 / 4) < 1e-12, "3 member views of 4 observing")
        let table = try #require(fused.first { $0.label == "table" })
        #expect(abs(table.score - 0.7) < 1e-12, "views 3 and 4 do not observe the table")
        // At consensus 0.9, 3 of 4 is too few: the chair masks stay single-view and are dropped.
        var strict = t
        strict.consensus = 0.9
        #expect(ViewConsensus.fuse(inputs, thresholds: strict).map(\.label) == ["table"])
        t.minViews = 4
        #expect(ViewConsensus.fuse(inputs, thresholds: t).isEmpty)
        t.minViews = 1
        t.minPoints = 101
        #expect(ViewConsensus.fuse(inputs, thresholds: t).isEmpty, "each object has 100 points")
    }

    @Test("on random scenes: disjoint masks, ids in range, labels and members consistent, deterministic", arguments: 0..<12)
    func properties(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        // Random objects (groups of superpoints); each view sees a random part of the room and masks what it sees of
        // some objects, with a superpoint added or lost now and then and one of two labels per object.
        let s = Int.random(in: 8...40, using: &rng), v = Int.random(in: 2...8, using: &rng)
        let pointSuperpoints = (0..<(s * 30)).map { _ in Int32.random(in: 0..<Int32(s), using: &rng) }
        let objectOf = (0..<s).map { _ in Int.random(in: 0..<(s / 3), using: &rng) }
        let labels = ["chair", "table", "lamp", "bed", "sink"]
        var rows: [[Int32]] = [], masks: [FuseInputs.Mask] = []
        for w in 0..<v {
            let row = (0..<Int32(s)).filter { _ in Double.random(in: 0..<1, using: &rng) < 0.7 }
            rows.append(row)
            var taken = Set<Int32>()
            for object in 0..<(s / 3) where Double.random(in: 0..<1, using: &rng) < 0.8 {
                var members = row.filter { objectOf[Int($0)] == object && !taken.contains($0) }
                if Double.random(in: 0..<1, using: &rng) < 0.2, let extra = row.randomElement(using: &rng), !taken.contains(extra) {
                    members.append(extra)
                }
                if members.count > 1, Double.random(in: 0..<1, using: &rng) < 0.2 { members.removeLast() }
                members = members.filter { !taken.contains($0) }
                guard !members.isEmpty else { continue }
                taken.formUnion(members)
                masks.append(FuseInputs.Mask(view: w, label: labels[(object + Int.random(in: 0...1, using: &rng)) % labels.count],
                                             score: Double.random(in: 0.1...1, using: &rng), superpoints: members))
            }
        }
        let inputs = try FuseInputs(masks: masks, visibility: Self.visibility(rows), pointSuperpoints: pointSuperpoints)
        var t = FuseThresholds()
        t.minPoints = 1
        let fused = ViewConsensus.fuse(inputs, thresholds: t)
        #expect(fused == ViewConsensus.fuse(inputs, thresholds: t))
        #expect(!fused.isEmpty, "objects seen by several views fuse")
        var claimed = Set<Int32>()
        for instance in fused {
            #expect(instance.superpoints == instance.superpoints.sorted() && !instance.superpoints.isEmpty)
            #expect(instance.superpoints.allSatisfy { $0 >= 0 && Int($0) < s })
            #expect(claimed.isDisjoint(with: instance.superpoints), "masks are disjoint")
            claimed.formUnion(instance.superpoints)
            #expect(instance.members.contains { masks[$0].label == instance.label }, "the label comes from a member")
            let union = Set(instance.members.flatMap { masks[$0].superpoints })
            #expect(union.isSuperset(of: instance.superpoints), "only the members' superpoints")
            #expect(instance.memberViews == Set(instance.members.map { masks[$0].view }).count && instance.memberViews >= t.minViews)
            #expect(instance.score > 0 && instance.score <= 1)
        }
        #expect(zip(fused, fused.dropFirst()).allSatisfy { $0.score >= $1.score }, "ordered by score")
        let (written, skipped) = Fuse.benchmarkMasks(fused, inputs: inputs, classes: .scanNet200Instances())
        #expect(written.count + skipped.values.reduce(0, +) == fused.count)
        for mask in written { #expect(mask.points.allSatisfy { Int($0) < pointSuperpoints.count }) }
    }
}
