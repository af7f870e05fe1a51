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

    @Option(name: .long, help: "Preset JSON (recon/presets/NAME.json): any subset of the options.")
    var preset: String?

    @Option(name: .long, help: "TSDF voxel size in metres (default 0.01).")
    var voxel: Double?

    @Option(name: .long, help: "track | refine | given (default: refine when the input has poses, else track).")
    var poses: String?

    @Option(name: .long, help: "Intrinsics override fx,fy,cx,cy (pixels).")
    var intrinsics: String?

    @Option(name: .long, help: "Depth units per metre (overrides the input's).")
    var depthScale: Double?

    @Option(name: .long, help: "Frame selection A:B:STEP (B exclusive).")
    var frames: String?

    @Option(name: .long, help: "Worker threads.")
    var threads: Int?

    @Flag(name: .long, help: "Disable loop closure.")
    var noLoopClosure = false

    @Flag(name: .long, help: "Print the effective options as JSON and exit.")
    var printOptions = false

    func resolvedOptions() throws -> ReconOptions {
        var o = try preset.map { try ReconOptions.load(preset: URL(fileURLWithPath: $0)) } ?? ReconOptions()
        if let voxel { o.fusion.voxelSize = voxel }
        if let poses {
            guard let mode = PoseMode(rawValue: poses) else {
                throw ValidationError("--poses must be track, refine or given; got '\(poses)'")
            }
            o.poseMode = mode
        }
        if let intrinsics {
            let values = intrinsics.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == 4 else { throw ValidationError("--intrinsics must be fx,fy,cx,cy; got '\(intrinsics)'") }
            o.input.intrinsics = values
        }
        if let depthScale { o.input.depthScale = depthScale }
        if let frames { o.frames = try ReconOptions.FrameSelection.parse(frames) }
        if let threads { o.threads = threads }
        if noLoopClosure { o.loopClosure.enabled = false }
        try o.validate()
        return o
    }

    func run() throws {
        let options = try resolvedOptions()
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
