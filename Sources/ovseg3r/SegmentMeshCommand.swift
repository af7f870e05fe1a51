import ArgumentParser
import Foundation
import IBSp

/// `ovseg3r segment-mesh`: a drop-in for ScanNet's `segmentator` (same partition, same JSON).
struct SegmentMeshCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment-mesh",
        abstract: "Felzenszwalb mesh segmentation exactly as ScanNet's Segmentator (same partition and JSON).",
        discussion: "Writes {\"params\":{\"kThresh\",\"segMinVerts\"},\"sceneId\",\"segIndices\"}; segment ids are union-find "
            + "root vertex indices.")

    @Argument(help: "Input mesh (.ply, triangles; polygons are fan-triangulated).")
    var input: String

    @Option(name: .long, help: "Output JSON (default: INPUT.<kThresh>.segs.json like the C++ tool).")
    var out: String?

    @Option(name: .customLong("k"), help: "kThresh: larger gives larger segments.")
    var kThresh: Float = 0.01

    @Option(name: .long, help: "segMinVerts: smaller segments are merged into a neighbour.")
    var minVerts: Int = 20

    @Option(name: .long, help: "Order of equal edge weights: scannet (libstdc++ std::sort, ScanNet's ids exactly) or stable.")
    var ties: EdgeTieOrder = .scanNet

    func run() throws {
        let tieOrder = ties
        let inputURL = URL(fileURLWithPath: input)
        let output = out.map { URL(fileURLWithPath: $0) } ?? ScanNetSegmentation.defaultOutput(for: inputURL, kThresh: kThresh)
        let start = Date()
        let result = try ScanNetSegmentation.run(input: inputURL, output: output, kThresh: kThresh, segMinVerts: minVerts,
                                                    ties: tieOrder)
        print("\(output.path): \(result.ids.count) vertices, \(result.segments) segments, "
              + String(format: "%.3f s", Date().timeIntervalSince(start)))
    }
}

extension EdgeTieOrder: ExpressibleByArgument {}
