import ArgumentParser
import Foundation
import SceneIO

/// `ovseg3r import scannet SCENE.sens --out VIDEO`: a ScanNet recording → video folder.
struct ImportScanNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scannet",
        abstract: "Convert a ScanNet .sens recording into a video folder.",
        discussion: """
        Color is resampled onto the depth camera's grid (the video folder has one camera), depth is \
        copied (depth_scale = the file's depth_shift), camera_to_world poses go to poses.txt, and frames \
        whose pose is invalid are skipped. ScanNet records at 30 Hz; --stride 10 keeps every 10th frame.
        """)

    @Argument(help: "The .sens file.")
    var sens: String

    @Option(help: "Output video folder.")
    var out: String

    @Option(help: "Keep every N-th frame.")
    var stride = 1

    @Option(help: "JPEG quality of the color frames (1-100).")
    var jpegQuality = 95

    func validate() throws {
        guard stride >= 1 else { throw ValidationError("--stride must be at least 1 (given \(stride))") }
        guard (1...100).contains(jpegQuality) else {
            throw ValidationError("--jpeg-quality must be in 1...100 (given \(jpegQuality))")
        }
    }

    func run() throws {
        do {
            let file = try ScanNetSensFile(URL(fileURLWithPath: sens))
            let video = try ImportCommand.staged(out) { try file.writeVideoFolder(to: $0, stride: stride, jpegQuality: jpegQuality) }
            print("\(out): \(video.frames.count) frames of \(video.intrinsics.width)x\(video.intrinsics.height) "
                  + "from \(file.frames.count) in \(sens)")
        } catch {
            FileHandle.standardError.write(Data("ovseg3r import scannet: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
