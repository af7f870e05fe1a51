import ArgumentParser
import Foundation
import Geometry
import Recon
import SceneIO
import Support

/// `ovseg3r import frames FOLDER --out VIDEO`: a ScanNet frame export or an Open3D RGB-D folder → video folder.
struct ImportFramesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frames",
        abstract: "Convert a ScanNet frame export (SensReader's color/, depth/, pose/, intrinsic/) or an Open3D RGB-D "
            + "folder (color/ or image/, depth/, camera intrinsic JSON, trajectory.log) into a video folder.",
        discussion: """
        The layout is detected. A video folder has one camera, the depth camera: colour of another size \
        (ScanNet: 1296x968 colour, 640x480 depth) is registered into it by back-projecting each depth pixel \
        and projecting it with the colour intrinsics (and extrinsics, when given). Depth is copied unchanged. \
        With poses, poses.txt is written and frames whose pose is non-finite (-inf in ScanNet) are skipped and \
        listed. `recon` reads these folders directly; import them to run `prepare` (the 2D model runs on the \
        registered color/).
        """)

    @Argument(help: "A ScanNet frame export or an Open3D RGB-D folder.")
    var folder: String

    @Option(help: "Output video folder.")
    var out: String

    @Option(help: "Write every Nth frame.")
    var stride = 1

    func validate() throws {
        guard stride >= 1 else { throw ValidationError("--stride must be >= 1 (given \(stride))") }
    }

    func run() throws {
        do {
            let source = try FrameFolderSource(URL(fileURLWithPath: folder))
            let bar = ProgressBar("import frames", unit: "frames")
            var skipped: [String] = []
            let written = try ImportCommand.staged(out) { url -> Int in
                let writer = try VideoFolderWriter(url: url, intrinsics: source.folder.depthCamera)
                var poses: [TUMPose] = [], count = 0
                let positions = Array(Swift.stride(from: 0, to: source.frameCount, by: stride))
                bar.begin()
                for (n, position) in positions.enumerated() {
                    defer { bar.update(n + 1, of: positions.count) }
                    var pose: RigidTransform?
                    if let device = source.devicePoses {
                        guard let p = device[position] else {
                            skipped.append("\(source.poseFile(of: position) ?? "?") (frame \(source.folder.frames[position].index))")
                            continue
                        }
                        pose = p
                    }
                    let frame = try source.frame(position)
                    let depth = try GrayImage16(width: source.intrinsics.width, height: source.intrinsics.height, pixels: frame.depth)
                    try writer.writeFrame(count, color: frame.color, depth: depth)
                    if let pose {
                        poses.append(TUMPose(timestamp: source.timestamp(of: position), translation: pose.translation,
                                             rotationXYZW: pose.rotation.xyzw))
                    }
                    count += 1
                }
                if source.devicePoses != nil { try writer.writePoses(TUMTrajectory(poses: poses)) }
                return count
            }
            print("\(out): \(written) frames from \(source.frameCount) (\(source.kind.rawValue)), depth \(source.intrinsics.width)x"
                  + "\(source.intrinsics.height), colour \(source.colorIntrinsics.width)x\(source.colorIntrinsics.height)"
                  + (source.devicePoses != nil ? ", poses.txt written" : ", no poses"))
            if !skipped.isEmpty {
                print("skipped \(skipped.count) frames with a non-finite pose: " + skipped.prefix(10).joined(separator: ", ")
                      + (skipped.count > 10 ? ", …" : ""))
            }
        } catch {
            FileHandle.standardError.write(Data("ovseg3r import frames: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
