import Foundation
import SceneIO
import VIP

/// Finds and loads the scene folders under a data folder (sorted by name).
public enum SceneList {
    /// Scene folders: `data` itself if it has scene.json, else its children that do.
    public static func folders(_ data: URL) -> [URL] {
        if SceneFolder.isSceneFolder(data) { return [data] }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: data.path)) ?? []).sorted()
        return names.map { data.appendingPathComponent($0) }.filter(SceneFolder.isSceneFolder)
    }

    /// Every scene that has the superpoint array, with scene-level GT of `gtClasses`: the base classes
    /// (`ClassGroups.baseNovel()`'s "base") or every class; with `fuse`, the lifted scenes' fused instances too.
    public static func load(_ data: URL, superpointArray: String, gtClasses: SceneGTClasses = .base,
                            fuse: FuseThresholds? = nil) throws -> [TrainScene] {
        let base: Set<String>? = gtClasses == .all ? nil : Set(ClassGroups.baseNovel().group(named: "base")?.classes ?? [])
        let scenes = try folders(data).filter {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent(superpointArray + ".npy").path)
        }.map { try TrainScene.load($0, superpointArray: superpointArray, baseClasses: base, fuse: fuse) }
        if scenes.isEmpty { throw TrainError.noScenes(folder: data.path) }
        return scenes
    }
}
