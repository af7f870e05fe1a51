import Foundation

/// One track of `tracks.json`: an object followed through the video's keyframes, and the scene-level
/// class-agnostic pseudo-instance made from it.
public struct TrackRecord: Codable, Sendable, Equatable {
    /// Pseudo-instance score (higher is better); 0 when the track made no pseudo-instance.
    public var score: Double
    /// Label → summed 2D score of the view masks matched to the track.
    public var votes: [String: Double]
    /// Ascending, distinct views whose masks were matched to the track.
    public var views: [Int]

    public init(score: Double, votes: [String: Double], views: [Int]) {
        self.score = score
        self.votes = votes
        self.views = views
    }

    /// The label with the largest vote (ties: the smaller string), or nil without votes.
    public var label: String? {
        votes.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
    }
}

/// The file `tracks.json`.
public struct TracksFile: Codable, Sendable, Equatable {
    public var formatVersion: Int
    public var tracks: [TrackRecord]

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case tracks
    }

    public init(formatVersion: Int = 1, tracks: [TrackRecord]) {
        self.formatVersion = formatVersion
        self.tracks = tracks
    }
}

/// The tracked labels of a scene (written by `track-masks`, read by `train`'s curriculum): every lifted view
/// mask's track id, and per track a scene-level class-agnostic pseudo-instance with its label votes.
///
/// - `tracks.json`: `format_version` 1 and one `TrackRecord` per track (T rows).
/// - `track_view_mask.npy` i32 [L]: track of lifted mask row m (the row of `vl_offsets`), or −1 (removed as
///   redundant, or not matched).
/// - `track_offsets.npy` i64 [T + 1] and `track_superpoints.npy` i32 [Σ]: track t's pseudo-instance is
///   `superpoints[offsets[t]..<offsets[t+1]]` (ascending; empty when the track made none). Pseudo-instances are
///   disjoint.
public struct SceneTrackedLabels: Sendable, Equatable {
    public var file: TracksFile
    public var viewMaskTrack: [Int32]
    public var offsets: [Int64]
    public var superpoints: [Int32]

    public init(file: TracksFile, viewMaskTrack: [Int32], offsets: [Int64], superpoints: [Int32]) {
        self.file = file
        self.viewMaskTrack = viewMaskTrack
        self.offsets = offsets
        self.superpoints = superpoints
    }

    public var trackCount: Int { offsets.count - 1 }

    /// Superpoints of track `t`'s pseudo-instance (valid after `read`/`validate`).
    public func instance(_ t: Int) -> ArraySlice<Int32> { superpoints[Int(offsets[t])..<Int(offsets[t + 1])] }

    /// Reads and validates the tracked labels of `folder` against its lifted labels' `maskCount` rows and
    /// `viewCount` views and its `superpointCount` superpoints.
    public static func read(from folder: SceneFolder, maskCount l: Int, viewCount v: Int,
                            superpointCount s: Int) throws(SceneContractError) -> SceneTrackedLabels {
        let file = try folder.contractJSON(TracksFile.self, .tracks, of: .trackedLabels)
        let tracked = SceneTrackedLabels(
            file: file,
            viewMaskTrack: try folder.contractInt32s(.trackViewMask, of: .trackedLabels, shape: [l]),
            offsets: try folder.contractOffsets(.trackOffsets, of: .trackedLabels),
            superpoints: try folder.contractInt32s(.trackSuperpoints, of: .trackedLabels, shape: [nil]))
        try tracked.validate(folder: folder, maskCount: l, viewCount: v, superpointCount: s)
        return tracked
    }

    /// Checks the CSR, every track id, superpoint id and view, the record count, and that scores and votes are
    /// finite and not negative.
    public func validate(folder: SceneFolder, maskCount l: Int, viewCount v: Int, superpointCount s: Int) throws(SceneContractError) {
        try ContractCheck.length(viewMaskTrack.count, l, file: folder.url(of: .trackViewMask), against: "rows of vl_offsets")
        try ContractCheck.csr(offsets, superpoints, in: 0, Int64(s), files: folder.url(of: .trackOffsets), folder.url(of: .trackSuperpoints))
        let t = trackCount
        try ContractCheck.range(viewMaskTrack, -1, Int64(t), file: folder.url(of: .trackViewMask))
        let json = folder.url(of: .tracks)
        guard file.formatVersion == 1 else {
            throw .invalidField(file: json, field: "format_version", value: "\(file.formatVersion)", expected: "1")
        }
        guard file.tracks.count == t else {
            throw .length(file: json, expected: t, actual: file.tracks.count, against: "rows of track_offsets")
        }
        var owner = [Int32](repeating: -1, count: s)
        for k in 0..<t {
            for sp in instance(k) {
                guard owner[Int(sp)] < 0 else {
                    throw .invalidField(file: folder.url(of: .trackSuperpoints), field: "track \(k) superpoint", value: "\(sp)",
                                        expected: "a superpoint of one track only (also in track \(owner[Int(sp)]))")
                }
                owner[Int(sp)] = Int32(k)
            }
        }
        for (k, record) in file.tracks.enumerated() {
            if !(record.score.isFinite && record.score >= 0) {
                throw .invalidField(file: json, field: "tracks[\(k)].score", value: "\(record.score)", expected: "a finite number ≥ 0")
            }
            for (label, vote) in record.votes where !(vote.isFinite && vote >= 0) {
                throw .invalidField(file: json, field: "tracks[\(k)].votes[\(label)]", value: "\(vote)", expected: "a finite number ≥ 0")
            }
            for (j, view) in record.views.enumerated() where view < 0 || view >= v {
                throw .invalidField(file: json, field: "tracks[\(k)].views[\(j)]", value: "\(view)", expected: "0..<\(v)")
            }
        }
    }

    /// Writes every file (temporary name, then rename) after validating, and records the track count.
    public func write(to folder: inout SceneFolder, maskCount l: Int, viewCount v: Int, superpointCount s: Int) throws(SceneContractError) {
        try validate(folder: folder, maskCount: l, viewCount: v, superpointCount: s)
        do {
            try JSONFile.write(file, to: folder.url(of: .tracks))
            try folder.write(viewMaskTrack, shape: [viewMaskTrack.count], named: SceneFile.trackViewMask.stem)
            try folder.write(offsets, shape: [offsets.count], named: SceneFile.trackOffsets.stem)
            try folder.write(superpoints, shape: [superpoints.count], named: SceneFile.trackSuperpoints.stem)
            try folder.setCount("tracks", trackCount)
        } catch { throw .io(error) }
    }
}
