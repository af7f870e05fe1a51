import ArgumentParser
import Foundation
import Train

/// What the commands that take scene folders on the command line share: expanding each path into the scene folders
/// at or below it, and naming a threshold's flag in an error.
enum SceneFolderArguments {
    /// The scene folders (with `scene.json`) at or below each path, in order. A path with none is refused, named
    /// with `flag` when the paths came from an option (`--scene PATH: …`).
    static func gather(_ paths: [String], flag: String? = nil) throws -> [URL] {
        var folders: [URL] = []
        for path in paths {
            let found = SceneList.folders(URL(fileURLWithPath: path))
            guard !found.isEmpty else {
                throw ValidationError("\(flag.map { "\($0) " } ?? "")\(path): no scene folder (scene.json) there or below")
            }
            folders += found
        }
        return folders
    }

    /// The command-line flag of an options field: `minViews` → `--min-views`.
    static func flag(ofField name: String) -> String {
        "--" + name.replacingOccurrences(of: "([A-Z])", with: "-$1", options: .regularExpression).lowercased()
    }
}
