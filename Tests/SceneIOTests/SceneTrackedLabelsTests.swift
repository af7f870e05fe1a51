import Foundation
import _TestSupport
import Testing
@testable import SceneIO

/// The tracked labels' contract type: round trip, typed errors for hostile values, and invalidation by the
/// artefacts they are built on.
@Suite struct SceneTrackedLabelsTests {
    /// `makeContractScene` (2 lifted masks, 2 views, 3 superpoints) with two tracks: mask 0 → track 0, mask 1 → 1.
    static func trackedScene(_ dir: TemporaryDirectory) throws -> SceneFolder {
        var folder = try makeContractScene(in: dir)
        let tracked = SceneTrackedLabels(
            file: TracksFile(tracks: [TrackRecord(score: 0.9, votes: ["chair": 0.9], views: [0]),
                                      TrackRecord(score: 0, votes: ["table": 0.8], views: [1])]),
            viewMaskTrack: [0, 1], offsets: [0, 1, 1], superpoints: [0])
        try tracked.write(to: &folder, maskCount: 2, viewCount: 2, superpointCount: 3)
        try folder.recordStage(.trackMasks, options: ["iou": "0.3"])
        return try SceneFolder(folder.url)
    }

    static func read(_ folder: SceneFolder) throws(SceneContractError) -> SceneTrackedLabels {
        try SceneTrackedLabels.read(from: folder, maskCount: 2, viewCount: 2, superpointCount: 3)
    }

    @Test func roundTrips() throws {
        let dir = try TemporaryDirectory()
        let folder = try Self.trackedScene(dir)
        let tracked = try Self.read(folder)
        #expect(tracked.viewMaskTrack == [0, 1] && tracked.trackCount == 2 && Array(tracked.instance(0)) == [0])
        #expect(tracked.file.tracks.map(\.label) == ["chair", "table"])
        #expect(folder.manifest.counts["tracks"] == 2)
    }

    @Test func hostileValuesGiveTypedErrorsNamingFileAndIndex() throws {
        typealias Check = (SceneContractError) -> Bool
        let cases: [(edit: (inout SceneFolder) throws -> Void, check: Check)] = [
            ({ try $0.write([Int32(0), 2], shape: [2], named: "track_view_mask") },
             { if case let .outOfRange(file, index, value, valid) = $0 { file.lastPathComponent == "track_view_mask.npy" && index == 1 && value == 2 && valid == "-1..<2" } else { false } }),
            ({ try $0.write([Int32(0), 1, 1], shape: [3], named: "track_view_mask") },
             { if case let .shape(file, _, _) = $0 { file.lastPathComponent == "track_view_mask.npy" } else { false } }),
            ({ try $0.write([Int64(0), 2, 1], shape: [3], named: "track_offsets") },
             { if case let .notMonotone(file, index, _, _) = $0 { file.lastPathComponent == "track_offsets.npy" && index == 2 } else { false } }),
            ({ try $0.write([Int32(3)], shape: [1], named: "track_superpoints") },
             { if case let .outOfRange(file, 0, 3, _) = $0 { file.lastPathComponent == "track_superpoints.npy" } else { false } }),
            ({ folder in
                try folder.write([Int64(0), 1, 2], shape: [3], named: "track_offsets")
                try folder.write([Int32(0), 0], shape: [2], named: "track_superpoints")
             },
             { if case let .invalidField(_, field, value, _) = $0 { field == "track 1 superpoint" && value == "0" } else { false } }),
            ({ folder in
                try JSONFile.write(TracksFile(tracks: [TrackRecord(score: 0.5, votes: [:], views: [])]), to: folder.url(of: .tracks))
             },
             { if case let .length(file, 2, 1, _) = $0 { file.lastPathComponent == "tracks.json" } else { false } }),
            ({ folder in
                try JSONFile.write(TracksFile(tracks: [TrackRecord(score: 0.5, votes: [:], views: [0]),
                                                       TrackRecord(score: 0.5, votes: ["lamp": -1], views: [2])]), to: folder.url(of: .tracks))
             },
             { if case let .invalidField(_, field, _, _) = $0 { field == "tracks[1].votes[lamp]" } else { false } }),
            ({ folder in
                try JSONFile.write(TracksFile(tracks: [TrackRecord(score: 0.5, votes: [:], views: [0]),
                                                       TrackRecord(score: 0.5, votes: [:], views: [2])]), to: folder.url(of: .tracks))
             },
             { if case let .invalidField(_, field, value, expected) = $0 { field == "tracks[1].views[0]" && value == "2" && expected == "0..<2" } else { false } }),
        ]
        for (k, c) in cases.enumerated() {
            let dir = try TemporaryDirectory()
            var folder = try Self.trackedScene(dir)
            try c.edit(&folder)
            let reread = try SceneFolder(folder.url)
            #expect(throws: SceneContractError.self, "case \(k)") { _ = try Self.read(reread) }
            do { _ = try Self.read(reread) } catch { #expect(c.check(error), "case \(k): \(error)") }
        }
    }

    @Test func missingFileNamesTheCommand() throws {
        let dir = try TemporaryDirectory()
        let folder = try makeContractScene(in: dir)
        #expect(throws: SceneContractError.missing(folder: folder.url, file: "tracks.json", producedBy: "track-masks")) {
            _ = try Self.read(folder)
        }
    }

    @Test func rewritingWhatTheyAreBuiltOnInvalidatesThem() throws {
        let dir = try TemporaryDirectory()
        var folder = try Self.trackedScene(dir)
        #expect(folder.status(of: .trackMasks, options: ["iou": "0.3"]) == .done)
        try SceneSuperpoints(ids: [0, 1, 1, 1, 0, 0], file: folder.url(of: .superpoints)).write(to: &folder)
        for file in SceneArtefact.trackedLabels.files { #expect(!folder.has(file), "\(file) survived") }
        #expect(folder.stageRecords().stages["track_masks"] == nil)
        #expect(folder.status(of: .trackMasks, options: [:]) == .missing)
        #expect(SceneArtefact.liftedLabels.invalidates == [.trackedLabels])
    }
}
