import Geometry
import Testing
@testable import IBSp

@Suite("IBSp edge cuts")
struct InstanceBoundaryCutTests {
    /// Labels for `n` points all seen by each of `views`, with `ids[v][i]` the id of point i in view v.
    func labels(_ ids: [[UInt16]]) throws -> PointViewLabels {
        let n = ids[0].count
        var offsets: [Int64] = [0], points: [Int32] = [], flat: [UInt16] = []
        for view in ids {
            points += (0..<Int32(n))
            flat += view
            offsets.append(Int64(points.count))
        }
        return try PointViewLabels(pointCount: n, viewOffsets: offsets, viewPoints: points, ids: flat)
    }

    @Test("the τ rule counts co-visible views where either end is labelled")
    func tauRule() throws {
        // Points 0,1 differ in 2 of 4 views; points 2,3 are never labelled; point 4 is labelled, 5 never.
        let l = try labels([[1, 1, 0, 0, 3, 0], [2, 1, 0, 0, 3, 0], [1, 3, 0, 0, 0, 0], [1, 1, 0, 0, 0, 0]])
        let g = SegmentGraph(vertexCount: 6, a: [0, 2, 4], b: [1, 3, 5], w: [0, 0, 0])
        #expect(try InstanceBoundaryCut.keepMask(graph: g, labels: l, rule: .multiView(tau: 0.5)) == [false, true, false])
        #expect(try InstanceBoundaryCut.keepMask(graph: g, labels: l, rule: .multiView(tau: 0.75)) == [true, true, false])
        // Both-labelled variant: the instance next to unlabelled background is not cut.
        #expect(try InstanceBoundaryCut.keepMask(graph: g, labels: l, rule: .multiViewBothLabelled(tau: 0.5)) == [false, true, true])
        #expect(throws: IBSpError.self) { try InstanceBoundaryCut.keepMask(graph: g, labels: l, rule: .multiView(tau: 0)) }
    }

    @Test("the source-view rule reads both ends in the first end's source view")
    func sourceViewRule() throws {
        let l = try labels([[1, 2, 5], [1, 1, 5]])
        let g = SegmentGraph(vertexCount: 3, a: [0, 1], b: [1, 2], w: [0, 0])
        #expect(try InstanceBoundaryCut.keepMask(graph: g, labels: l, rule: .sourceView, sourceView: [0, 1, 0]) == [false, false])
        #expect(try InstanceBoundaryCut.keepMask(graph: g, labels: l, rule: .sourceView, sourceView: [1, 0, 0]) == [true, false])
    }

    @Test("points seen in no common view keep their edge")
    func noCommonView() throws {
        let l = try PointViewLabels(pointCount: 2, viewOffsets: [0, 1, 2], viewPoints: [0, 1], ids: [4, 7])
        let g = SegmentGraph(vertexCount: 2, a: [0], b: [1], w: [0])
        #expect(try InstanceBoundaryCut.keepMask(graph: g, labels: l, rule: .multiView(tau: 0.5)) == [true])
        #expect(l.id(of: 0, in: 0) == 4 && l.id(of: 0, in: 1) == nil && l.id(of: 1, in: 1) == 7)
    }

    @Test("IBSp never puts two differently labelled points in one superpoint (random graphs and labels)",
          arguments: [1, 5, 40])
    func neverCrossesBoundaries(minSize: Int) throws {
        var rng = SeededGenerator(seed: UInt64(minSize))
        var geometricViolations = 0
        for _ in 0..<20 {
            let n = 30 + rng.nextIndex(below: 150)
            let graph = randomGraph(n: n, e: 4 * n, ties: true, rng: &rng)
            // Two views that agree (ids consistent across views up to a per-view renumbering).
            let ids = (0..<n).map { _ in UInt16(rng.nextIndex(below: 4)) }
            let l = try labels([ids, ids.map { $0 == 0 ? 0 : $0 + 10 }])
            let keep = try InstanceBoundaryCut.keepMask(graph: graph, labels: l, rule: .multiView(tau: 0.5))
            let (sp, count) = Superpoints.segment(graph, keep: keep, kThresh: 0.05, minSize: minSize)
            #expect(count == Set(sp).count && sp.allSatisfy { $0 >= 0 && $0 < count })
            var idOfSuperpoint = [Int32: UInt16]()
            for i in 0..<n {
                if let seen = idOfSuperpoint[sp[i]] { #expect(seen == ids[i]) } else { idOfSuperpoint[sp[i]] = ids[i] }
            }
            let (plain, _) = Superpoints.segment(graph, kThresh: 0.05, minSize: minSize)
            var plainIDs = [Int32: UInt16]()
            for i in 0..<n {
                if let seen = plainIDs[plain[i]], seen != ids[i] { geometricViolations += 1; break }
                plainIDs[plain[i]] = ids[i]
            }
        }
        // The property is not vacuous: without the cut, the same graphs do merge across labels.
        #expect(geometricViolations > 0)
    }

    @Test("mask reading scales pixel coordinates to the mask and rounds to the nearest pixel")
    func maskReading() {
        let mask: [UInt16] = [1, 2, 3, 4]  // 2×2
        let uv: [Float] = [0, 0, 3, 0, 0, 3, 3.4, 3.4, 1.4, 1.6]
        let ids = PointViewLabels.read(mask: mask, width: 2, height: 2, uv: uv[...], imageWidth: 4, imageHeight: 4)
        #expect(ids == [1, 2, 3, 4, 3])
    }
}
