import ArgumentParser
import Foundation
import Recon
import Support

/// `ovseg3r recon`: RGB-D video → scene folder (points, mesh, refined poses, 2D↔3D correspondences).
struct ReconCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recon",
        abstract: "Reconstruct an RGB-D video into a scene folder: poses, TSDF mesh, points and 2D↔3D correspondences.",
        discussion: """
        INPUT is a video folder (intrinsics.json, color/, depth/, optional poses.txt), a TUM RGB-D folder \
        (rgb.txt, depth.txt) or a ScanNet .sens file. The scene is written to a temporary sibling and renamed \
        into place, so an existing SCENE is replaced only by a complete one.
        """)

    @Argument(help: "Video folder, TUM RGB-D folder or ScanNet .sens file.")
    var input: String

    @Option(name: .long, help: "Output scene folder.")
    var out: String

    @OptionGroup(title: "Reconstruction")
    var recon: ReconArguments

    @Flag(name: .long, help: "Print the effective options as JSON and exit.")
    var printOptions = false

    func run() throws {
        let options = try recon.resolved()
        if printOptions {
            print(options.jsonString())
            return
        }
        let progress = ProgressBar("recon", unit: "frames")
        let result = try Reconstruction.run(input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: out),
                                            options: options, progress: progress)
        print(result.summary.text)
        print("scene: \(result.output.path)")
    }
}
