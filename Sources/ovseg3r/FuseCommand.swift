import ArgumentParser
import Foundation
import SceneIO
import Train
import VIP

/// `ovseg3r fuse`: the training-free baseline. Fuses the lifted view-level 2D instances across views into 3D
/// instances (view consensus on superpoints) and writes them in the ScanNet benchmark format for `eval`.
struct FuseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuse",
        abstract: "Fuse the lifted 2D instances across views into 3D instances without training (benchmark format).",
        discussion: """
        Reads what `ovseg3r lift` wrote (view_labels.json, vl_offsets/vl_superpoints, sp_view_offsets/sp_view) and \
        superpoints.npy. Two view-level masks are joined when, of the views that observe both, at least --consensus \
        put both inside one mask of that view; joined groups become instances (superpoints kept when at least \
        --support-share of the member views that see them agree), labelled by the score-weighted vote of their \
        masks, scored by mean 2D score × (member views / views observing the instance). Output masks are disjoint. \
        Writes PRED/<scene>.txt, PRED/pred_mask/*.txt and PRED/npy/, like `ovseg3r predict`; labels outside the \
        class list are skipped and counted. Score it with `ovseg3r eval --pred PRED --gt SCENES --split base-novel`.
        """)

    @Option(name: .long, parsing: .upToNextOption, help: "Scene folder(s), or folder(s) of scene folders.")
    var scene: [String]
    @Option(name: .long, help: "Output folder.")
    var out: String
    @Option(name: .long, help: "Class list JSON (ids + names; default: the 198 ScanNet200 instance classes).")
    var classes: String?
    @Option(name: .long, help: "A mask is observed by a view when this share of its points is visible there.")
    var visibleShare = FuseThresholds().visibleShare
    @Option(name: .long, help: "An observed mask is inside a view's mask when that mask covers this share of its visible points.")
    var containShare = FuseThresholds().containShare
    @Option(name: .long, help: "Join two masks when this share of the views observing both has them in one mask.")
    var consensus = FuseThresholds().consensus
    @Option(name: .long, help: "… and at least this many views observe both.")
    var minObservers = FuseThresholds().minObservers
    @Option(name: .long, help: "Keep a superpoint when this share of the member views that see it has it in their mask.")
    var supportShare = FuseThresholds().supportShare
    @Option(name: .long, help: "Drop instances made from fewer distinct views.")
    var minViews = FuseThresholds().minViews
    @Option(name: .long, help: "Drop instances with fewer points (eval ignores masks under 100 points by default).")
    var minPoints = FuseThresholds().minPoints

    func run() throws {
        var thresholds = FuseThresholds()
        thresholds.visibleShare = visibleShare
        thresholds.containShare = containShare
        thresholds.consensus = consensus
        thresholds.minObservers = minObservers
        thresholds.supportShare = supportShare
        thresholds.minViews = minViews
        thresholds.minPoints = minPoints
        if let bad = thresholds.invalidField {
            throw ValidationError("\(SceneFolderArguments.flag(ofField: bad.name)) must be in \(bad.allowed); got \(bad.value)")
        }
        let folders = try SceneFolderArguments.gather(scene, flag: "--scene")
        var options = FuseOptions(scenes: folders, out: URL(fileURLWithPath: out))
        if let classes { options.classes = try ClassCatalog.load(from: URL(fileURLWithPath: classes)) }
        options.thresholds = thresholds
        options.progress = isatty(STDERR_FILENO) != 0
        let result = try Fuse.run(options)
        for s in result.scenes {
            let skipped = s.skippedLabels.values.reduce(0, +)
            print("\(s.name): \(s.instances) instances from \(s.masks) view masks in \(s.views) views"
                  + (skipped > 0 ? ", \(skipped) with labels outside the class list" : "") + String(format: " (%.2f s)", s.seconds))
        }
        let skipped = result.skippedLabels
        let total = result.scenes.reduce(0) { $0 + $1.instances }
        print("fuse: \(result.scenes.count) scenes, \(total) instances, "
              + "\(skipped.values.reduce(0, +)) skipped (labels not in the class list\(skipped.isEmpty ? "" : ": ")"
              + skipped.keys.sorted().map { "\($0) \(skipped[$0] ?? 0)" }.joined(separator: ", ") + "), "
              + String(format: "%.2f s (%.2f s/scene); wrote %@", result.seconds,
                       result.seconds / Double(max(result.scenes.count, 1)), out))
    }
}
