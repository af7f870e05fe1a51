import Foundation
import SceneIO
import Support

/// `ovseg3r track-masks`: tracks every scene's lifted view masks (`MaskTracker`), writes the tracked labels into
/// the scene through the contract (`SceneTrackedLabels`, stage `track_masks` in `stages.json`) and, on request,
/// the pseudo-instances and the naive baseline in the ScanNet benchmark format for `ovseg3r eval`.
public enum TrackMasks {
    /// Tracks and writes every scene of `options.scenes`, in order.
    public static func run(_ options: TrackOptions) throws(VIPError) -> TrackResult {
        let start = Date()
        let results = try SceneBatch.run(options.scenes, label: "track-masks", progress: options.progress,
                                         invalidField: options.thresholds.invalidField) { url throws(VIPError) in
            try trackScene(url, options: options)
        }
        return TrackResult(scenes: results, seconds: Date().timeIntervalSince(start))
    }

    /// The stage options recorded in `stages.json`.
    public static func stageOptions(_ t: TrackThresholds) -> [String: String] {
        ["stride": "\(t.stride)", "iou": "\(t.iou)", "containment": "\(t.containment)", "visibleShare": "\(t.visibleShare)",
         "patience": "\(t.patience)", "supportShare": "\(t.supportShare)", "minViews": "\(t.minViews)", "minPoints": "\(t.minPoints)"]
    }

    /// Tracks one scene folder and writes its tracked labels (and the prediction folders asked for).
    public static func trackScene(_ url: URL, options: TrackOptions) throws(VIPError) -> TrackSceneResult {
        let start = Date()
        let loaded = try TrackInputs.load(scene: url)
        let inputs = loaded.inputs, lifted = loaded.lifted
        var folder = loaded.folder
        let trackStart = Date()
        let tracked = MaskTracker.track(inputs, thresholds: options.thresholds)
        let trackSeconds = Date().timeIntervalSince(trackStart)
        let labels = contractLabels(tracked, inputs: inputs)
        do {
            try labels.write(to: &folder, maskCount: lifted.maskCount, viewCount: lifted.viewCount,
                             superpointCount: inputs.superpointCount)
            try folder.recordStage(.trackMasks, options: stageOptions(options.thresholds))
        } catch { throw .unwritableOutput(url: url, reason: "\(error)") }
        let name = url.standardizedFileURL.lastPathComponent
        var skipped: [String: Int] = [:]
        if let out = options.predictions {
            let instances = tracked.tracks.indices.filter { !tracked.instances[$0].isEmpty }.map {
                (label: tracked.tracks[$0].label ?? "", score: tracked.tracks[$0].score, superpoints: tracked.instances[$0])
            }
            skipped = try writePredictions(instances, inputs: inputs, classes: options.classes, scene: name, to: out)
        }
        if let out = options.naivePredictions {
            let instances = inputs.detections.map { (label: $0.label, score: $0.score, superpoints: $0.superpoints) }
            _ = try writePredictions(instances, inputs: inputs, classes: options.classes, scene: name, to: out)
        }
        return TrackSceneResult(
            name: name, views: inputs.viewCount, keyframes: tracked.keyframes, masks: inputs.detections.count,
            removedRedundant: tracked.removedRedundant, tracks: tracked.tracks.count, merges: tracked.merges,
            dormantRevivals: tracked.dormantRevivals, terminated: tracked.terminated,
            pseudoInstances: tracked.instances.filter { !$0.isEmpty }.count, skippedLabels: skipped,
            secondsPerFrame: trackSeconds / Double(max(tracked.keyframes, 1)), seconds: Date().timeIntervalSince(start))
    }

    /// The contract form of a tracked scene: track of every lifted mask row, pseudo-instance CSR, records.
    public static func contractLabels(_ tracked: TrackedScene, inputs: TrackInputs) -> SceneTrackedLabels {
        var viewMaskTrack = [Int32](repeating: -1, count: inputs.maskCount)
        for (d, track) in tracked.detectionTrack.enumerated() { viewMaskTrack[inputs.detections[d].row] = Int32(track) }
        var offsets: [Int64] = [0], superpoints: [Int32] = []
        for instance in tracked.instances {
            superpoints += instance
            offsets.append(Int64(superpoints.count))
        }
        return SceneTrackedLabels(file: TracksFile(tracks: tracked.tracks), viewMaskTrack: viewMaskTrack,
                                  offsets: offsets, superpoints: superpoints)
    }

    /// Writes superpoint-level instances as point masks in the benchmark format, ordered by descending score
    /// (ties: given order); labels outside `classes` are skipped and counted by label.
    static func writePredictions(_ instances: [(label: String, score: Double, superpoints: [Int32])], inputs: TrackInputs,
                                 classes: ClassCatalog, scene: String, to out: URL) throws(VIPError) -> [String: Int] {
        var pointsOf = [[Int32]](repeating: [], count: inputs.superpointCount)
        for (p, s) in inputs.pointSuperpoints.enumerated() { pointsOf[Int(s)].append(Int32(p)) }
        var masks: [(order: Int, mask: BenchmarkMask)] = [], skipped: [String: Int] = [:]
        for (k, instance) in instances.enumerated() {
            guard let entry = classes.entry(named: instance.label) else {
                skipped[instance.label, default: 0] += 1
                continue
            }
            let points = instance.superpoints.flatMap { pointsOf[Int($0)] }.sorted()
            masks.append((k, BenchmarkMask(labelID: entry.id, score: instance.score, points: points)))
        }
        masks.sort { $0.mask.score != $1.mask.score ? $0.mask.score > $1.mask.score : $0.order < $1.order }
        do {
            try BenchmarkPredictionWriter.write(masks.map(\.mask), scene: scene, pointCount: inputs.pointSuperpoints.count, to: out)
        } catch { throw .unwritableOutput(url: out, reason: "\(error)") }
        return skipped
    }
}
