import Foundation
import SceneIO
import Support
import Testing
@testable import VIP

/// `MaskTracker` on small generated scenes: one id per object across granularity changes, dormant tracks,
/// redundant masks, keyframe strides, pseudo-instances and determinism.
@Suite("Mask tracking through 3D")
struct MaskTrackerTests {
    typealias F = TrackFixture

    @Test("an object split in one view and whole in the others gets one id, whichever view is split")
    func splitObjectKeepsOneID() throws {
        // View 1 splits A into two halves.
        let later = F.twoObjects(views: 4, masks: [
            (0, "chair", 0.9, F.a), (0, "table", 0.8, F.b),
            (1, "chair", 0.7, [0, 1]), (1, "chair", 0.6, [2, 3]), (1, "table", 0.8, F.b),
            (2, "chair", 0.9, F.a), (2, "table", 0.8, F.b), (3, "chair", 0.9, F.a), (3, "table", 0.8, F.b)])
        let tracked = MaskTracker.track(try later.inputs(), thresholds: TrackThresholds())
        #expect(tracked.tracks.count == 2 && tracked.merges == 1)
        let chair = [0, 2, 3, 5, 7].map { tracked.detectionTrack[$0] }, table = [1, 4, 6, 8].map { tracked.detectionTrack[$0] }
        #expect(Set(chair).count == 1 && Set(table).count == 1 && chair[0] != table[0], "\(tracked.detectionTrack)")
        #expect(tracked.instances[chair[0]] == F.a && tracked.instances[table[0]] == F.b)
        #expect(tracked.tracks[chair[0]].votes == ["chair": 0.9 + 0.7 + 0.6 + 0.9 + 0.9])

        // The first view splits A: its two tracks merge when A is seen whole.
        let first = F.twoObjects(views: 3, masks: [
            (0, "chair", 0.7, [0, 1]), (0, "chair", 0.6, [2, 3]), (0, "table", 0.8, F.b),
            (1, "chair", 0.9, F.a), (1, "table", 0.8, F.b), (2, "chair", 0.9, F.a), (2, "table", 0.8, F.b)])
        let merged = MaskTracker.track(try first.inputs(), thresholds: TrackThresholds())
        #expect(merged.tracks.count == 2 && merged.merges == 1)
        #expect(Set([0, 1, 3, 5].map { merged.detectionTrack[$0] }).count == 1, "\(merged.detectionTrack)")
        #expect(merged.detectionTrack[0] != merged.detectionTrack[2])

        // One under-segmenting view (A and B as one mask) does not fuse two objects the other views keep apart.
        let bridged = F.twoObjects(views: 4, masks: [
            (0, "chair", 0.9, F.a), (0, "table", 0.8, F.b), (1, "chair", 0.9, F.a), (1, "table", 0.8, F.b),
            (2, "chair", 0.9, F.a), (2, "table", 0.8, F.b), (3, "chair", 0.9, F.a + F.b)])
        let apart = MaskTracker.track(try bridged.inputs(), thresholds: TrackThresholds())
        #expect(apart.tracks.count == 2 && apart.merges == 0)
        #expect(apart.detectionTrack[0] != apart.detectionTrack[1] && apart.instances[apart.detectionTrack[1]] == F.b)
    }

    @Test("a dormant object that reappears keeps its id; after `patience` misses it is terminated")
    func dormantRevival() throws {
        // A is visible in all five views but detected only in views 0, 1 and 4.
        let scene = F.twoObjects(views: 5, masks: [
            (0, "chair", 0.9, F.a), (0, "table", 0.8, F.b), (1, "chair", 0.9, F.a), (1, "table", 0.8, F.b),
            (2, "table", 0.8, F.b), (3, "table", 0.8, F.b), (4, "chair", 0.9, F.a), (4, "table", 0.8, F.b)])
        var t = TrackThresholds()
        t.patience = 3
        let kept = MaskTracker.track(try scene.inputs(), thresholds: t)
        #expect(kept.tracks.count == 2 && kept.dormantRevivals == 1 && kept.terminated == 0)
        #expect(kept.detectionTrack[0] == kept.detectionTrack[6] && kept.detectionTrack[2] == kept.detectionTrack[6])
        #expect(kept.tracks[kept.detectionTrack[0]].views == [0, 1, 4])
        t.patience = 2
        let ended = MaskTracker.track(try scene.inputs(), thresholds: t)
        #expect(ended.tracks.count == 3 && ended.dormantRevivals == 0 && ended.terminated == 1)
        #expect(ended.detectionTrack[0] != ended.detectionTrack[6])
        // A view that does not see A is no miss: with A out of view in views 2 and 3, patience 1 keeps the id.
        var hidden = scene
        hidden.visible[2] = F.b
        hidden.visible[3] = F.b
        t.patience = 1
        let unseen = MaskTracker.track(try hidden.inputs(), thresholds: t)
        #expect(unseen.tracks.count == 2 && unseen.terminated == 0 && unseen.detectionTrack[0] == unseen.detectionTrack[6])
    }

    @Test("a mask inside a larger mask of its view is removed by the containment rate; overlapping ones stay")
    func containmentRemoval() throws {
        let scene = F.twoObjects(views: 2, masks: [
            (0, "chair", 0.8, F.a), (0, "seat", 0.95, [0, 1]), (0, "table", 0.8, [3, 4, 5, 6, 7]),
            (1, "chair", 0.8, F.a), (1, "table", 0.8, F.b)])
        let tracked = MaskTracker.track(try scene.inputs(), thresholds: TrackThresholds())
        #expect(tracked.removedRedundant == 1)
        #expect(tracked.detectionTrack[1] == -1, "the part inside the whole chair is redundant")
        #expect(tracked.detectionTrack[2] >= 0, "the table mask shares 1 of 4 chair superpoints (rate 0.25): kept")
        #expect(tracked.tracks.allSatisfy { $0.votes["seat"] == nil })
        var strict = TrackThresholds()
        strict.containment = 1
        #expect(MaskTracker.track(try scene.inputs(), thresholds: strict).removedRedundant == 1)
    }

    @Test("with a keyframe stride, other views' masks are assigned to the finished tracks")
    func strideAssignsOtherViews() throws {
        let scene = F.twoObjects(views: 4, masks: [
            (0, "chair", 0.9, F.a), (0, "table", 0.8, F.b), (1, "chair", 0.9, [0, 1, 2]), (1, "lamp", 0.5, [6]),
            (2, "chair", 0.9, F.a), (2, "table", 0.8, F.b), (3, "table", 0.8, F.b)])
        var t = TrackThresholds()
        t.stride = 2
        let tracked = MaskTracker.track(try scene.inputs(), thresholds: t)
        #expect(tracked.keyframes == 2 && tracked.tracks.count == 2)
        #expect(tracked.detectionTrack[2] == tracked.detectionTrack[0] && tracked.detectionTrack[6] == tracked.detectionTrack[1])
        #expect(tracked.detectionTrack[3] == -1, "IoU 1/4 with the table is under 0.3")
        #expect(tracked.tracks[tracked.detectionTrack[0]].views == [0, 2], "non-keyframe masks do not change the tracks")
    }

    /// A random scene: 6 objects of 3 superpoints, 10 views each seeing a random half, masks whole, split, missing
    /// or bridging two objects.
    static func randomScene(seed: UInt64) -> TrackFixture {
        var rng = SeededGenerator(seed: seed)
        let labels = ["chair", "table", "lamp", "sofa", "door", "bed"]
        var scene = TrackFixture(superpoints: 18, visible: [], masks: [])
        for v in 0..<10 {
            let objects = (0..<6).filter { _ in rng.nextUnitDouble() < 0.6 }
            scene.visible.append(objects.flatMap { o in (0..<3).map { Int32(3 * o + $0) } })
            for o in objects {
                let sp = (0..<3).map { Int32(3 * o + $0) }, score = 0.5 + 0.5 * rng.nextUnitDouble()
                switch rng.nextIndex(below: 5) {
                case 0: break
                case 1: scene.masks += [(v, labels[o], score, Array(sp.prefix(1))), (v, labels[o], score, Array(sp.suffix(2)))]
                case 2 where objects.contains(o + 1) && o < 5: scene.masks.append((v, labels[o], score, sp + [Int32(3 * o + 3)]))
                default: scene.masks.append((v, labels[o], score, sp))
                }
            }
        }
        return scene
    }

    @Test("output is a function of the input: same result twice, dense ids, disjoint pseudo-instances", arguments: [1, 2, 3, 4] as [UInt64])
    func determinismAndInvariants(seed: UInt64) throws {
        let inputs = try Self.randomScene(seed: seed).inputs()
        var t = TrackThresholds()
        t.minPoints = 1
        let first = MaskTracker.track(inputs, thresholds: t)
        #expect(MaskTracker.track(inputs, thresholds: t) == first)
        #expect(Set(first.detectionTrack.filter { $0 >= 0 }) == Set(0..<first.tracks.count), "every track has a mask")
        let all = first.instances.flatMap { $0 }
        #expect(all.count == Set(all).count, "pseudo-instances are disjoint")
        #expect(first.instances.allSatisfy { $0 == $0.sorted() })
        for (k, record) in first.tracks.enumerated() where !first.instances[k].isEmpty {
            #expect(record.views.count >= t.minViews && record.score > 0 && record.score <= 1)
        }
        let labels = TrackMasks.contractLabels(first, inputs: inputs)
        #expect(labels.viewMaskTrack.count == inputs.maskCount && labels.trackCount == first.tracks.count)
    }
}
