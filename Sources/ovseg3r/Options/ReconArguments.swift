import ArgumentParser
import Foundation
import Recon

/// The reconstruction options that `recon` and `prepare` share: a preset plus per-field overrides.
struct ReconArguments: ParsableArguments {
    @Option(name: .long, help: "Preset JSON (recon/presets/NAME.json): any subset of the recon options.")
    var preset: String?

    @Option(name: .long, help: "TSDF voxel size in metres (default 0.01).")
    var voxel: Double?

    @Option(name: .long, help: "track | refine | given (default: refine when the input has poses, else track).")
    var poses: PoseMode?

    @Option(name: .long, help: "Intrinsics override fx,fy,cx,cy (pixels).")
    var intrinsics: String?

    @Option(name: .long, help: "Depth units per metre (overrides the input's).")
    var depthScale: Double?

    @Option(name: .long, help: "Frame selection A:B:STEP (B exclusive).")
    var frames: String?

    @Option(name: .long, help: "Worker threads of the reconstruction.")
    var threads: Int?

    @Flag(name: .long, help: "Disable loop closure.")
    var noLoopClosure = false

    /// The preset (or the defaults) with every given override applied, validated.
    func resolved() throws -> ReconOptions {
        var o = try preset.map { try ReconOptions.load(preset: URL(fileURLWithPath: $0)) } ?? ReconOptions()
        if let voxel { o.fusion.voxelSize = voxel }
        if let poses { o.poseMode = poses }
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
}

extension PoseMode: ExpressibleByArgument {}
