import ArgumentParser
import Foundation
import SceneIO

/// `ovseg3r info PATH`: what a toolkit file or folder holds, read from headers only.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a .npy, .ply, .sens, PNG/JPEG image, video folder, scene folder, TUM RGB-D sequence, ScanNet frame export or Open3D RGB-D folder.",
        discussion: """
        .npy: dtype and shape. .ply: format, elements, counts and properties. Video folder: frames, image \
        size, intrinsics, whether poses.txt and pred2d/ are present (the folder is validated). Scene folder: \
        every array's dtype and shape from scene.json, checked against the files. ScanNet .sens: sensor, \
        frames, image sizes. TUM RGB-D folder: associated color/depth pairs, ground truth present. ScanNet \
        frame export / Open3D RGB-D folder: frames, the depth and colour cameras (sizes from the first frame's \
        images), poses and how many are non-finite.
        """)

    @Argument(help: "File or folder to describe.")
    var path: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let url = URL(fileURLWithPath: path)
        do {
            let info = try FileInfo.describe(url)
            print(json ? info.json : info.text)
        } catch {
            FileHandle.standardError.write(Data("ovseg3r info: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
