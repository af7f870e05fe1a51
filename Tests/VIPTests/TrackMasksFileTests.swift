import Foundation
import _TestSupport
import SceneIO
import Testing
@testable import VIP

/// `TrackMasks` on scene folders: the contract files it writes, the prediction folders, and the refusals.
@Suite("Tracking masks in scene folders")
struct TrackMasksFileTests {

    static let scene = TrackFixture.twoObjects(views: 3, masks: [
        (0, "chair", 0.9, TrackFixture.a), (0, "table", 0.8, TrackFixture.b), (1, "chair", 0.7, [0, 1]),
        (1, "chair", 0.6, [2, 3]), (1, "table", 0.8, TrackFixture.b), (2, "chair", 0.9, TrackFixture.a)])

    @Test("writes the tracked labels through the contract, the pseudo-instances and the naive baseline")
    func writesContractAndPredictions() throws {
        let scratch = try TemporaryDirectory("track-tests")
        let root = scratch.url
        let url = try Self.scene.write(to: root.appendingPathComponent("room"))
        var options = TrackOptions(scenes: [url])
        options.predictions = root.appendingPathComponent("pred")
        options.naivePredictions = root.appendingPathComponent("naive")
        options.classes = try ClassCatalog(entries: [.init(id: 5, name: "chair"), .init(id: 7, name: "table")])
        let result = try TrackMasks.run(options)
        #expect(result.tracks == 2 && result.merges == 1 && result.pseudoInstances == 2 && result.scenes[0].keyframes == 3)
        var folder = try SceneFolder(url)
        #expect(folder.isComplete(.trackedLabels))
        let tracked = try SceneTrackedLabels.read(from: folder, maskCount: 6, viewCount: 3, superpointCount: 8)
        #expect(tracked.viewMaskTrack == [0, 1, 0, 0, 1, 0])
        #expect(Array(tracked.instance(0)) == TrackFixture.a && Array(tracked.instance(1)) == TrackFixture.b)
        #expect(tracked.file.tracks.map(\.label) == ["chair", "table"])
        #expect(folder.status(of: .trackMasks, options: TrackMasks.stageOptions(TrackThresholds())) == .done)
        // Predictions: two instances of 200 points; the naive baseline writes all six view masks.
        let lines = try String(contentsOf: root.appendingPathComponent("pred/room.txt"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2 && lines.allSatisfy { $0.contains(" 5 ") || $0.contains(" 7 ") })
        let naive = try String(contentsOf: root.appendingPathComponent("naive/room.txt"), encoding: .utf8).split(separator: "\n")
        #expect(naive.count == 6 && naive[0].hasSuffix(" 5 0.900000"))
        // Same input, same bytes.
        let first = try Data(contentsOf: folder.url(of: .trackViewMask))
        _ = try TrackMasks.run(options)
        #expect(try Data(contentsOf: folder.url(of: .trackViewMask)) == first)
        // Rewriting the lifted labels removes the tracked labels built on them.
        let lifted = try SceneLiftedLabels.read(from: folder, pointCount: 400, superpointCount: 8)
        try lifted.write(to: &folder, pointCount: 400, superpointCount: 8)
        #expect(!folder.isComplete(.trackedLabels) && !folder.has(.tracks))
    }

    @Test("a scene without correspondences, views, superpoints or lifted labels is refused naming the file",
          arguments: [SceneFile.corrOffsets, .views, .superpoints, .viewLabels])
    func missingInputsAreNamed(file: SceneFile) throws {
        let scratch = try TemporaryDirectory("track-tests")
        let root = scratch.url
        let url = try Self.scene.write(to: root.appendingPathComponent("room"))
        var folder = try SceneFolder(url)
        if file.isArray { try folder.remove(file.stem) } else { try FileManager.default.removeItem(at: folder.url(of: file)) }
        #expect {
            _ = try TrackMasks.run(TrackOptions(scenes: [url]))
        } throws: { error in
            "\(error)".contains(file.fileName + " is missing")
        }
    }

    @Test("thresholds outside their range are refused naming the option")
    func badThresholds() {
        var options = TrackOptions(scenes: [])
        options.thresholds.iou = 0
        #expect(throws: VIPError.invalidOption(name: "iou", value: 0, allowed: "(0, 1]")) { try TrackMasks.run(options) }
        options.thresholds.iou = 0.5
        options.thresholds.patience = 0
        #expect(throws: VIPError.invalidOption(name: "patience", value: 0, allowed: "≥ 1")) { try TrackMasks.run(options) }
    }
}
