import ArgumentParser
import Foundation
import VIP

/// `ovseg3r lift`: view-level labels, per-point 2D features and 2D object queries of a scene.
struct LiftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lift",
        abstract: "Lift the 2D model's masks, labels and features into the scene through the correspondences.",
        discussion: "Writes view_labels.json, vl_offsets/vl_superpoints, sp_view_offsets/sp_view, objects2d_{feat,center,view}, "
            + "feat2d/feat2d_count. Needs superpoints.npy (run ovseg3r superpoints first).")

    @Argument(help: "Scene folder (from ovseg3r recon, with superpoints).")
    var scene: String

    @Option(name: .long, help: "Video folder with pred2d/ (default: the scene's provenance input).")
    var video: String?

    @Option(name: .long, help: "2D model output folder (masks/, instances/) when it is not VIDEO/pred2d.")
    var pred2d: String?

    @Option(name: .long, help: "Fraction of a superpoint's visible points that must carry the instance id.")
    var majority: Double = 0.5

    @Flag(name: .long, help: "Skip the per-point feature sampling.")
    var noFeatures = false

    func run() throws {
        guard majority >= 0, majority < 1 else { throw ValidationError("--majority must be in [0, 1); got \(majority)") }
        let options = LiftOptions(majority: majority, features: !noFeatures, progress: isatty(STDERR_FILENO) != 0)
        let r = try Lift.run(scene: URL(fileURLWithPath: scene), video: video.map { URL(fileURLWithPath: $0) },
                             pred2d: pred2d.map { URL(fileURLWithPath: $0) }, options: options)
        print("lift: \(r.views) views, \(r.instances) view-level instances from \(r.detections) detections (\(r.dropped) without "
              + "a superpoint), \(r.objects) object queries, features C=\(r.featureChannels) on \(r.pointsWithFeatures) points, "
              + String(format: "%.2f s (%.3f s/view median)", r.seconds, r.secondsPerView))
    }
}
