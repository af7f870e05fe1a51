import ArgumentParser
import Foundation
import IBSp

/// `ovseg3r superpoints`: IBSp (or geometric) superpoints of a scene folder → `superpoints.npy`.
struct SuperpointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "superpoints",
        abstract: "Superpoints of a scene: Felzenszwalb over a kNN or mesh graph, cut at 2D instance boundaries (IBSp).",
        discussion: "Writes SCENE/superpoints.npy (int32 [N], ids 0..S-1). --graph mesh needs the scene's points to be the "
            + "vertices of mesh.ply (recon with pointSpacing null); otherwise the kNN graph is used.")

    @Argument(help: "Scene folder (from ovseg3r recon).")
    var scene: String

    @Option(name: .long, help: "ibsp (cut edges across 2D instances) or geometric.")
    var mode: SuperpointOptions.Mode = .ibsp

    @Option(name: .long, help: "mesh or knn.")
    var graph: SuperpointOptions.Graph = .knn

    @Option(name: .customLong("k"), help: "Felzenszwalb kThresh.")
    var kThresh: Float = 0.01

    @Option(name: .long, help: "Minimum superpoint size (points).")
    var minSize: Int = 20

    @Option(name: .long, help: "IBSp: cut when ids differ in at least this fraction of the co-visible labelled views.")
    var tau: Double = 0.5

    @Option(name: .long, help: "IBSp rule: multiview, multiview-both (only views where both ends are labelled), source.")
    var rule: String = "multiview"

    @Option(name: .long, help: "Neighbours per point of the kNN graph.")
    var neighbors: Int = 16

    @Option(name: .long, help: "Weight of the colour term in kNN edge weights (0 = geometric only).")
    var colourWeight: Float = 0

    @Option(name: .long, help: "Video folder with pred2d/ (default: the scene's provenance input).")
    var video: String?

    @Option(name: .long, help: "2D model output folder (masks/, instances/) when it is not VIDEO/pred2d.")
    var pred2d: String?

    func options() throws -> SuperpointOptions {
        var o = SuperpointOptions()
        o.mode = mode
        o.graph = graph
        o.kThresh = kThresh
        o.minSize = minSize
        o.knn = KNNGraphOptions(k: neighbors, colourWeight: colourWeight)
        switch rule {
        case "multiview": o.cutRule = .multiView(tau: tau)
        case "multiview-both": o.cutRule = .multiViewBothLabelled(tau: tau)
        case "source": o.cutRule = .sourceView
        default: throw ValidationError("--rule must be multiview, multiview-both or source; got '\(rule)'")
        }
        try o.validate()
        return o
    }

    func run() throws {
        let o = try options()
        let result = try Superpoints.run(scene: URL(fileURLWithPath: scene), video: video.map { URL(fileURLWithPath: $0) },
                                         pred2d: pred2d.map { URL(fileURLWithPath: $0) }, options: o, progress: isatty(STDERR_FILENO) != 0)
        if o.graph == .mesh, result.graph == .knn { print("note: the scene's points are not the mesh vertices; used the kNN graph") }
        let s = result.seconds
        print("superpoints: \(result.count) over \(result.labels.count) points (\(o.mode.rawValue), \(result.graph.rawValue) graph, "
              + "\(result.keptEdges)/\(result.edges) edges kept) in " + String(format: "%.2f s (graph %.2f, cut %.2f, cluster %.2f)",
              s["total"] ?? 0, s["graph"] ?? 0, s["cut"] ?? 0, s["cluster"] ?? 0))
    }
}

// Closed sets parsed by ArgumentParser: an unknown value is refused with the allowed ones listed.
extension SuperpointOptions.Mode: ExpressibleByArgument {}
extension SuperpointOptions.Graph: ExpressibleByArgument {}
