import ArgumentParser
import Foundation
import SceneIO

/// `ovseg3r import`: converts public RGB-D data set layouts into the toolkit's video folder.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a public RGB-D data set sequence into a video folder.",
        subcommands: [
            ImportTUMCommand.self,
            ImportFramesCommand.self,
            ImportScanNetCommand.self,
            ImportScanNetGTCommand.self,
        ]
    )

    /// Writes the video folder `out` through `body` (given a temporary folder) and renames it into place, so an
    /// interrupted import leaves no half-written folder (`StagedFolder`; a killed import's leftovers are removed by
    /// the next one). An existing `out` is replaced only when it is a video folder (or empty); anything else is
    /// refused, so a mistyped `--out` never deletes someone's files.
    static func staged<T>(_ out: String, _ body: (URL) throws -> T) throws -> T {
        let url = URL(fileURLWithPath: out), fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            let entries = (try? fm.contentsOfDirectory(atPath: url.path)) ?? []
            guard isDirectory.boolValue, entries.isEmpty || entries.contains(VideoFile.intrinsics.rawValue) else {
                throw SceneIOError.unwritable(url: url, reason: "exists and is not a video folder (no intrinsics.json); choose another --out")
            }
        }
        return try StagedFolder.write(to: url, body)
    }
}
