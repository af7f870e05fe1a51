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
