import Testing
@testable import VIP

@Suite("VIP view partition")
struct ViewPartitionTests {
    /// 3 views over 6 superpoints: view 0 sees {0,1,2}, view 1 sees {2,3}, view 2 sees {4}.
    let visibility = SuperpointVisibility(offsets: [0, 3, 5, 6], superpoints: [0, 1, 2, 2, 3, 4])

    @Test("a query seeded in a superpoint two views see is in both, truncated to each view's superpoints")
    func sharedSeed() throws {
        // Queries seeded in superpoints 2 (seen by views 0 and 1), 0, 5 (seen by none) and 2 again.
        let seeds: [Int32] = [2, 0, 5, 2]
        let p = try ViewPartition(seeds: seeds, visibility: visibility, superpointCount: 6)
        #expect(p.views[0].queries == [0, 1, 3] && p.views[0].superpoints == [0, 1, 2])
        #expect(p.views[1].queries == [0, 3] && p.views[1].superpoints == [2, 3])
        #expect(p.views[2].queries.isEmpty && p.views[2].superpoints == [4])
        #expect(p.viewsOfQuery == [[0, 1], [0], [], [0, 1]])
        // A prediction whose entry encodes (q, s) shows exactly which cells each slice keeps.
        let prediction = (0..<4).flatMap { q in (0..<6).map { s in Float(10 * q + s) } }
        #expect(try p.slice(prediction, view: 0) == [0, 1, 2, 10, 11, 12, 30, 31, 32])
        #expect(try p.slice(prediction, view: 1) == [2, 3, 32, 33])
        #expect(try p.slice(prediction, view: 2).isEmpty)
        #expect(throws: VIPError.self) { try p.slice([1, 2, 3], view: 0) }
    }

    @Test("GT masks are restricted to the view's columns")
    func restrictMasks() throws {
        let p = try ViewPartition(seeds: [0], visibility: visibility, superpointCount: 6)
        #expect(try p.restrict(mask: [1, 2, 3, 5], view: 0) == [0, 1, 1])
        #expect(try p.restrict(mask: [3], view: 1) == [0, 1])
        #expect(throws: VIPError.self) { try p.restrict(mask: [0], view: 7) }
        #expect(throws: VIPError.self) { try ViewPartition(seeds: [6], visibility: visibility, superpointCount: 6) }
    }

    @Test("superpoint visibility: a superpoint is visible when any of its points has a correspondence in the view")
    func visibilityFromCorrespondences() throws {
        // Points 0..5 in superpoints [0,0,1,1,2,2]; view 0 sees points 1 and 2, view 1 sees 5 and 4, view 2 none.
        let v = try SuperpointVisibility.build(corrOffsets: [0, 2, 4, 4], corrPoint: [1, 2, 5, 4],
                                               superpoints: [0, 0, 1, 1, 2, 2], superpointCount: 3)
        #expect(v.offsets == [0, 2, 3, 3])
        #expect(v.superpoints == [0, 1, 2])
        #expect(throws: VIPError.self) {
            try SuperpointVisibility.build(corrOffsets: [0, 1], corrPoint: [9], superpoints: [0], superpointCount: 1)
        }
    }

    @Test("random partitions agree with the definition V^q_v = V^sp_v[seed]")
    func randomAgainstDefinition() throws {
        var state: UInt64 = 42
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<20 {
            let s = 1 + next(30), viewCount = 1 + next(6), q = next(40)
            var sets: [Set<Int32>] = []
            var offsets: [Int64] = [0], flat: [Int32] = []
            for _ in 0..<viewCount {
                let set = Set((0..<next(s + 1)).map { _ in Int32(next(s)) })
                sets.append(set)
                flat += set.sorted()
                offsets.append(Int64(flat.count))
            }
            let seeds = (0..<q).map { _ in Int32(next(s)) }
            let p = try ViewPartition(seeds: seeds, visibility: SuperpointVisibility(offsets: offsets, superpoints: flat),
                                      superpointCount: s)
            for v in 0..<viewCount {
                #expect(p.views[v].queries == seeds.indices.filter { sets[v].contains(seeds[$0]) }.map(Int32.init))
                #expect(p.views[v].superpoints == sets[v].sorted())
            }
        }
    }
}

@Suite("VIP targets from lifted labels")
struct ViewTargetTests {
    @Test("targets restrict each lifted mask to the view's columns and drop empty ones")
    func targets() throws {
        let visibility = try superpointVisibility(corrOffsets: [0, 3, 4], corrPoint: [0, 2, 4, 5],
                                                  superpoints: [0, 0, 1, 1, 2, 3], superpointCount: 4)
        #expect(visibility.superpoints(in: 0) == [0, 1, 2] && visibility.superpoints(in: 1) == [3])
        let labels = ViewLabels(
            views: [ViewLabels.View(view: 0, frame: 0, instances: [
                        ViewLabels.Instance(label: "chair", score: 0.9, object: 2, superpoints: [1, 2]),
                        ViewLabels.Instance(label: "mat", score: 0.5, object: nil, superpoints: [3])]),
                    ViewLabels.View(view: 1, frame: 5, instances: [
                        ViewLabels.Instance(label: "mat", score: 0.5, object: nil, superpoints: [3])])],
            visibility: visibility, objects: ViewLabels.Objects(features: [], channels: 0, centers: [], views: []),
            superpointCount: 4)
        let partition = try ViewPartition(seeds: [1, 3], visibility: visibility, superpointCount: 4)
        let t0 = try partition.targets(view: 0, labels: labels)
        #expect(t0 == [ViewPartition.ViewTarget(label: "chair", mask: [0, 1, 1], object: 2)])
        let t1 = try partition.targets(view: 1, labels: labels)
        #expect(t1 == [ViewPartition.ViewTarget(label: "mat", mask: [1], object: nil)])
        #expect(partition.views[1].queries == [1])
        #expect(labels.labelStrings == ["chair", "mat"])
    }
}
