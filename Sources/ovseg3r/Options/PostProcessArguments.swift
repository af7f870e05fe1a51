import ArgumentParser
import Train

/// The post-processing switches `predict` and `query` share (method §4.5; defaults are the published ones).
struct PostProcessArguments: ParsableArguments {
    @Option(name: .long, help: "Drop predictions with at most this many points (published: 100).")
    var minPoints = 100
    @Option(name: .long, help: "Keep this many (query, class) pairs before NMS (published: 600).")
    var topK = 600
    @Flag(name: .long, help: "Keep mask points outside the query's predicted box (the published post-processing drops them).")
    var noBoxFilter = false

    func validate() throws {
        guard minPoints >= 0 else { throw ValidationError("--min-points must be >= 0, got \(minPoints)") }
        guard topK > 0 else { throw ValidationError("--top-k must be > 0, got \(topK)") }
    }

    /// The published options with these switches applied.
    var options: PostProcessOptions {
        var o = PostProcessOptions()
        o.minPoints = minPoints
        o.topK = topK
        o.outOfBoxFilter = !noBoxFilter
        return o
    }
}
