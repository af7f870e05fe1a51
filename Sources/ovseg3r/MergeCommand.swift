import ArgumentParser
import Eval
import Foundation

extension PredictionMergePolicy: ExpressibleByArgument {}

/// `ovseg3r merge`: one benchmark prediction folder from several, e.g. a trained model's and training-free lifting's.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the 3D instances of several prediction folders (e.g. a trained model and training-free lifting).",
        discussion: """
        Reads benchmark prediction folders (PRED/<scene>.txt + masks, as `predict`, `fuse` or another tool writes \
        them) and writes one, scene by scene, in the same format (with npy/). Two masks that overlap by at least \
        --iou (intersection over union) are one instance.
          nms   the union of all, then per-class non-maximum suppression by score (the sources' scores must be \
        comparable); the combination of 3D proposals with 2D-lifted ones that Open3DIS uses.
          fill  the first --pred is trusted most: all its masks are kept, each later --pred adds the masks no earlier \
        folder's mask covers, ranked below them (scores need not be comparable).
        Example: ovseg3r merge --pred lifted --pred model --out merged; ovseg3r eval --pred merged --gt SCENES.
        """)

    @Option(name: .long, help: "A prediction folder (repeat; at least two; their order matters for --policy fill).")
    var pred: [String]
    @Option(name: .long, help: "Output folder.")
    var out: String
    @Option(name: .long, help: "How to combine: \(PredictionMergePolicy.allCases.map(\.rawValue).joined(separator: " or ")).")
    var policy: PredictionMergePolicy = .nms
    @Option(name: .long, help: "Masks overlapping by at least this IoU are the same instance.")
    var iou = 0.5

    func validate() throws {
        guard pred.count >= 2 else { throw ValidationError("--pred: give at least two prediction folders, got \(pred.count)") }
        guard iou > 0, iou <= 1 else { throw ValidationError("--iou must be in (0, 1]; got \(iou)") }
    }

    func run() throws {
        var options = PredictionMergeOptions(inputs: pred.map { URL(fileURLWithPath: $0) }, out: URL(fileURLWithPath: out))
        options.policy = policy
        options.iou = iou
        let r = try PredictionMerge.run(options)
        for s in r.scenes {
            print("\(s.name): \(s.masks) instances from " + s.inputMasks.map(String.init).joined(separator: " + "))
        }
        for (input, scenes) in r.missing.sorted(by: { $0.key < $1.key }) {
            FileHandle.standardError.write(Data("warning: \(input) has no predictions for \(scenes.count) scene(s): \(scenes.prefix(5).joined(separator: ", "))\(scenes.count > 5 ? ", …" : "")\n".utf8))
        }
        let total = r.scenes.reduce(0) { $0 + $1.masks }
        print(String(format: "merge (%@, IoU %.2f): %d scenes, %d instances, %.2f s; wrote %@", policy.rawValue, iou, r.scenes.count, total, r.seconds, out))
    }
}
