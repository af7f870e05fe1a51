import SceneIO
import Testing
@testable import Train

@Suite struct OutOfBoxFilterTests {
    /// Box centred at (1, 0, 0) with edges (0.4, 0.2, 0.2), enlarged by 1.5 → half-edges (0.5, 0.25, 0.25):
    /// x in [0.5, 1.5], y and z in [−0.25, 0.25].
    @Test func outOfBoxPointsAreDroppedByHand() {
        let coords: [Float] = [
            1.0, 0.0, 0.0,     // 0: centre                 → in
            1.5, 0.25, -0.25,  // 1: on the corner          → in (borders count)
            1.6, 0.0, 0.0,     // 2: beyond x               → out
            0.6, 0.2, 0.1,     // 3: inside                 → in
            1.0, 0.3, 0.0,     // 4: beyond y               → out
            0.4, 0.0, 0.0,     // 5: short of x             → out
            1.2, -0.1, 0.26,   // 6: beyond z               → out
        ]
        let kept = PostProcess.insideBox(points: [0, 1, 2, 3, 4, 5, 6], coords: coords, center: [1, 0, 0], size: [0.4, 0.2, 0.2],
                                         enlargement: 1.5)
        #expect(kept == [0, 1, 3])
        // Without enlargement, half-edges (0.2, 0.1, 0.1) keep the centre alone.
        #expect(PostProcess.insideBox(points: [0, 1, 2, 3, 4, 5, 6], coords: coords, center: [1, 0, 0], size: [0.4, 0.2, 0.2],
                                      enlargement: 0) == [0])
        // Only the listed points are tested.
        #expect(PostProcess.insideBox(points: [2, 3], coords: coords, center: [1, 0, 0], size: [0.4, 0.2, 0.2], enlargement: 1.5) == [3])
    }

    /// A box around superpoint 0 that catches one of superpoint 1's two points and none of superpoint 2's.
    @Test func eachFilterCutsAsItSays() {
        let coords: [Float] = [
            0.0, 0.0, 0.0,    // 0: superpoint 0, in
            0.1, 0.0, 0.0,    // 1: superpoint 0, in
            0.2, 0.0, 0.0,    // 2: superpoint 1, in
            0.9, 0.0, 0.0,    // 3: superpoint 1, out
            2.0, 0.0, 0.0,    // 4: superpoint 2, out
            0.05, 0.05, 0.0,  // 5: superpoint 0, in
        ]
        let pointsOf: [[Int32]] = [[0, 1, 5], [2, 3], [4]]
        // Half-edges (0.25, 0.25, 0.25) about (0.05, 0, 0): x in [-0.2, 0.3].
        func cut(_ f: BoxFilter, _ sps: [Int32] = [0, 1, 2]) -> [Int32] {
            PostProcess.boxFiltered(superpoints: sps, pointsOf: pointsOf, coords: coords, center: [0.05, 0, 0],
                                    size: [0.2, 0.2, 0.2], enlargement: 1.5, filter: f)
        }
        #expect(cut(.superpoints) == [0, 1, 2, 3, 5])  // superpoint 1 kept whole, 2 dropped
        #expect(cut(.points) == [0, 1, 2, 5])          // point 3 cut out of superpoint 1
        #expect(cut(.off) == [0, 1, 2, 3, 4, 5])
        #expect(cut(.superpoints, [2]).isEmpty)
        #expect(cut(.points, [1]) == [2])
        // The published cut never keeps more than the superpoint cut, which never keeps more than no cut.
        for sps: [Int32] in [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2]] {
            let p = Set(cut(.points, sps)), s = Set(cut(.superpoints, sps)), o = Set(cut(.off, sps))
            #expect(p.isSubset(of: s) && s.isSubset(of: o))
        }
    }

    /// Superpoint semantic targets: the majority class when it holds more than half the points and has 3D labels.
    @Test func superpointSemanticsByHand() throws {
        let catalog = ClassCatalog.scanNet200()
        let chair = Int32(try #require(catalog.entry(named: "chair")).id), lamp = Int32(try #require(catalog.entry(named: "lamp")).id)
        let wall = Int32(try #require(catalog.entry(named: "wall")).id)
        let semantic: [Int32] = [chair, chair, lamp,  lamp, lamp, lamp,  wall, chair,  0, 0, chair]
        let superpoints: [Int32] = [0, 0, 0,  1, 1, 1,  2, 2,  3, 3, 3]
        let t = TrainScene.semanticTargets(semantic: semantic, superpoints: superpoints, count: 4, labelled: ["chair", "wall"])
        let ignore = TrainScene.ignoredSemantic
        #expect(t == [Int32(try #require(catalog.index(ofName: "chair"))),  // 2 of 3 chair
                      ignore,       // lamp: no 3D labels
                      ignore,       // wall/chair tie: no majority
                      ignore])      // unannotated majority
        let all = TrainScene.semanticTargets(semantic: semantic, superpoints: superpoints, count: 4, labelled: nil)
        #expect(all[1] == Int32(try #require(catalog.index(ofName: "lamp"))))
    }
}
