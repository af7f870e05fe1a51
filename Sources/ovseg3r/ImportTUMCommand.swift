import ArgumentParser
import Foundation
import SceneIO

/// `ovseg3r import tum SEQ --out VIDEO`: a TUM RGB-D benchmark sequence → video folder.
struct ImportTUMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tum",
        abstract: "Convert a TUM RGB-D sequence (rgb.txt, depth.txt, groundtruth.txt) into a video folder.",
        discussion: """
        Color and depth are associated like the benchmark's associate.py; with groundtruth.txt, frames \
        without a pose within --max-difference are dropped and poses.txt is written. Images are copied \
        unchanged (depth_scale 5000).
        """)

    @Argument(help: "Sequence folder (holding rgb.txt and depth.txt).")
    var sequence: String

    @Option(help: "Output video folder.")
    var out: String

    @Option(help: "Camera intrinsics: fr1, fr2, fr3 (the benchmark's calibrations) or ros (factory defaults).")
    var camera = "fr1"

    @Option(help: "Largest time difference, in seconds, when pairing color, depth and ground truth.")
    var maxDifference = 0.02

    func validate() throws {
        guard TUMRGBDSequence.intrinsics(camera: camera) != nil else {
            throw ValidationError("--camera must be fr1, fr2, fr3 or ros (given '\(camera)')")
        }
        guard maxDifference > 0, maxDifference.isFinite else {
            throw ValidationError("--max-difference must be a positive number of seconds (given \(maxDifference))")
        }
    }

    func run() throws {
        guard let intrinsics = TUMRGBDSequence.intrinsics(camera: camera) else { throw ExitCode.validationFailure }
        do {
            let input = try TUMRGBDSequence(URL(fileURLWithPath: sequence), maxDifference: maxDifference)
            let video = try ImportCommand.staged(out) { try input.writeVideoFolder(to: $0, intrinsics: intrinsics) }
            let dropped = input.frames.count - video.frames.count
            print("\(out): \(video.frames.count) frames from \(input.frames.count) color/depth pairs"
                  + (dropped > 0 ? " (\(dropped) without ground truth dropped)" : "")
                  + (video.poses != nil ? ", poses.txt from groundtruth.txt" : ""))
        } catch {
            FileHandle.standardError.write(Data("ovseg3r import tum: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
