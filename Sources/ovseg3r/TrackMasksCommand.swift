import ArgumentParser
import Foundation
import SceneIO
import Train
import VIP

/// `ovseg3r track-masks`: granularity-consistent tracking of the lifted 2D masks through the video, in 3D
/// (`MaskTracker`), writing one track id per view mask and scene-level class-agnostic pseudo-instances.
struct TrackMasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track-masks",
        abstract: "Track the lifted 2D masks through the video in 3D: one id per object, and 3D pseudo-instances.",
        discussion: """
        Reads what `ovseg3r recon`, `superpoints` and `lift` wrote (corr_offsets/corr_point, views.json, \
        superpoints.npy, view_labels.json, vl_*, sp_view*); a scene without them is refused with the missing file \
        named. In every view, a mask inside a larger mask of the same view (intersection over the smaller ≥ \
        --containment) is removed as redundant. Then, keyframe by keyframe (every --stride-th view), each live \
        track's 3D support (the superpoints of its masks) is carried to the keyframe through the correspondences \
        and matched one-to-one to the keyframe's masks by IoU over the points the keyframe observes (≥ --iou, \
        greedy by IoU). An unmatched mask inside a track joins it; an unmatched track inside a matched mask merges \
        into that track; other observed but unmatched tracks turn dormant and end after --patience misses, and a \
        dormant track that matches again keeps its id. Each track becomes a pseudo-instance: its superpoints that \
        at least --support-share of its views agree on, disjoint across tracks, labelled by the votes (summed 2D \
        scores) of its masks.

        Writes into each scene: tracks.json, track_view_mask.npy (track of each lifted mask, −1 = none), \
        track_offsets.npy + track_superpoints.npy (the pseudo-instances). `train` uses them through \
        supervision.curriculum. --pred PRED writes the pseudo-instances in the ScanNet benchmark format and --naive \
        NAIVE the naive baseline (every lifted view mask as its own 3D instance, with its 2D label and score); \
        score them with `ovseg3r eval --pred PRED --gt SCENES --bootstrap 1000` (class_agnostic in the JSON).
        """)

    @Argument(help: "Scene folder(s), or folder(s) of scene folders.")
    var scenes: [String]
    @Option(name: .long, help: "Keyframe stride: track every this many views.")
    var stride = TrackThresholds().stride
    @Option(name: .long, help: "Match a track and a keyframe mask at this IoU or more.")
    var iou = TrackThresholds().iou
    @Option(name: .long, help: "Containment rate (intersection over the smaller) for redundant masks, joins and merges.")
    var containment = TrackThresholds().containment
    @Option(name: .long, help: "A keyframe observes a track when this share of its points is visible there.")
    var visibleShare = TrackThresholds().visibleShare
    @Option(name: .long, help: "Misses before a dormant track is terminated.")
    var patience = TrackThresholds().patience
    @Option(name: .long, help: "Keep a superpoint in a pseudo-instance when this share of the track's views seeing it agree.")
    var supportShare = TrackThresholds().supportShare
    @Option(name: .long, help: "Tracks matched in fewer views make no pseudo-instance.")
    var minViews = TrackThresholds().minViews
    @Option(name: .long, help: "Drop pseudo-instances with fewer points.")
    var minPoints = TrackThresholds().minPoints
    @Option(name: .long, help: "Also write the pseudo-instances here in the ScanNet benchmark format.")
    var pred: String?
    @Option(name: .long, help: "Also write the naive baseline here (every lifted view mask as its own instance).")
    var naive: String?
    @Option(name: .long, help: "Class list JSON for --pred/--naive label ids (default: the ScanNet200 instance classes).")
    var classes: String?

    func run() throws {
        var t = TrackThresholds()
        t.stride = stride
        t.iou = iou
        t.containment = containment
        t.visibleShare = visibleShare
        t.patience = patience
        t.supportShare = supportShare
        t.minViews = minViews
        t.minPoints = minPoints
        if let bad = t.invalidField {
            throw ValidationError("\(SceneFolderArguments.flag(ofField: bad.name)) must be \(bad.allowed); got \(bad.value)")
        }
        let folders = try SceneFolderArguments.gather(scenes)
        var options = TrackOptions(scenes: folders)
        options.thresholds = t
        options.predictions = pred.map { URL(fileURLWithPath: $0) }
        options.naivePredictions = naive.map { URL(fileURLWithPath: $0) }
        if let classes { options.classes = try ClassCatalog.load(from: URL(fileURLWithPath: classes)) }
        options.progress = isatty(STDERR_FILENO) != 0
        let result = try TrackMasks.run(options)
        for s in result.scenes {
            print("\(s.name): \(s.masks) masks in \(s.views) views (\(s.keyframes) keyframes): \(s.removedRedundant) redundant "
                  + "removed, \(s.tracks) tracks, \(s.merges) merges, \(s.dormantRevivals) dormant revivals, "
                  + "\(s.terminated) terminated, \(s.pseudoInstances) pseudo-instances"
                  + String(format: " (%.2f ms/frame, %.2f s)", 1000 * s.secondsPerFrame, s.seconds))
        }
        let skipped = result.scenes.reduce(0) { $0 + $1.skippedLabels.values.reduce(0, +) }
        print("track-masks: \(result.scenes.count) scenes, \(result.tracks) tracks, \(result.merges) merges, "
              + "\(result.dormantRevivals) dormant revivals, \(result.removedRedundant) redundant masks removed, "
              + "\(result.pseudoInstances) pseudo-instances" + (skipped > 0 ? " (\(skipped) with labels outside the class list not in --pred)" : "")
              + String(format: "; %.2f ms per keyframe, %.2f s in all", 1000 * result.secondsPerFrame, result.seconds))
        if let pred { print("pseudo-instances: \(pred)") }
        if let naive { print("naive baseline: \(naive)") }
    }
}
