import ArgumentParser
import Train

extension BoxFilter: ExpressibleByArgument {}
extension MaskScore: ExpressibleByArgument {}

/// The post-processing switches `predict` and `query` share (method §4.5; defaults are the published ones, except the
/// box filter, which cuts by superpoint: see `BoxFilter`).
struct PostProcessArguments: ParsableArguments {
    @Option(name: .long, help: "Drop predictions with at most this many points (published: 100).")
    var minPoints = 100
    @Option(name: .long, help: "Keep this many (query, class) pairs before NMS (published: 600).")
    var topK = 600
    @Option(name: .long, help: "Superpoint mask threshold on the sigmoid of a query's mask logit (published: 0.4).")
    var maskThreshold = 0.4
    @Option(name: .long, help: ArgumentHelp(
        "How a mask is cut to its query's predicted box enlarged 2.5×: drop superpoints with no point inside (default: superpoints), drop points outside (points: published), or keep all (off).",
        valueName: BoxFilter.allCases.map(\.rawValue).joined(separator: "|")))
    var boxFilter: BoxFilter?
    @Flag(name: .long, help: "The same as --box-filter off.")
    var noBoxFilter = false
    @Option(name: .long, help: ArgumentHelp(
        "What ranks a mask with its class probability: the mean sigmoid of its superpoints (default: published), the quality head's predicted IoU (models trained with model.qualityHead), or their product.",
        valueName: MaskScore.allCases.map(\.rawValue).joined(separator: "|")))
    var maskScore = MaskScore.meanSigmoid

    func validate() throws {
        guard minPoints >= 0 else { throw ValidationError("--min-points must be >= 0, got \(minPoints)") }
        guard topK > 0 else { throw ValidationError("--top-k must be > 0, got \(topK)") }
        if noBoxFilter, let boxFilter, boxFilter != .off {
            throw ValidationError("--no-box-filter contradicts --box-filter \(boxFilter.rawValue); give one of them")
        }
        guard maskThreshold > 0, maskThreshold < 1 else {
            throw ValidationError("--mask-threshold must lie strictly between 0 and 1, got \(maskThreshold)")
        }
    }

    /// The published options with these switches applied.
    var options: PostProcessOptions {
        var o = PostProcessOptions()
        o.minPoints = minPoints
        o.topK = topK
        o.maskThreshold = maskThreshold
        o.boxFilter = noBoxFilter ? .off : boxFilter ?? .superpoints
        o.maskScore = maskScore
        return o
    }
}
