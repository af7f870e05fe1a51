import ArgumentParser
import Foundation
import SceneIO
import Support
import Train

/// `ovseg3r export`: prepared scenes → other toolkits' layouts.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export prepared scene folders for other toolkits (PyTorch).",
        subcommands: [ExportPointceptCommand.self])
}

/// `ovseg3r export pointcept SCENES… --out DIR`.
struct ExportPointceptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pointcept",
        abstract: "Write scene folders in Pointcept's ScanNet layout plus VIP's view-level labels, for PyTorch.",
        discussion: """
        Per scene OUT/<scene>/ (N points, S superpoints, V views, M view-level instances):
          coord.npy f32 [N,3] (metres), color.npy u8 [N,3], normal.npy f32 [N,3] (zeros if the scene has none);
          segment.npy i32 [N]: superpoint ids 0..S-1 (Pointcept's ScanNet loaders read semantics from \
        segment20/segment200.npy, not from segment.npy);
          semantic.npy i32 [N]: ScanNet label id, -1 = void; segment200.npy i32 [N]: ScanNet200 class index 0..199, \
        -1 = void (Pointcept's ScanNet200 convention); instance.npy i32 [N]: instance id, -1 = void (only for scenes \
        with ground truth);
          feat2d.npy [N,C], objects2d_{feat,center,view}.npy: the per-point 2D features and 2D objects of the lift;
          vip_visible_offsets.npy i64 [V+1] + vip_visible.npy i32: superpoints visible in each view (CSR);
          vip_mask_offsets.npy i64 + vip_mask_superpoints.npy i32: the superpoints of each lifted 2D mask (CSR);
          vip_instance_{view,mask,label}.npy i32 [M] + vip_labels.json: each view-level instance's view, mask row \
        and label (index into the JSON array of names).
        OUT/export.json lists the scenes with their counts and export times. tools/torch/ovseg3r_dataset.py reads \
        this layout; tools/torch/vip_loss.py is the VIP-truncated loss in PyTorch (equal to `train`'s loss, tested).
        """)

    @Argument(help: "Scene folder(s), or folder(s) of scene folders.")
    var scenes: [String]
    @Option(help: "Output folder.")
    var out: String
    @Option(help: "The superpoint array written as segment.npy.")
    var superpoints = "superpoints"
    @Flag(help: "Leave out the per-point 2D features and 2D objects.")
    var noFeatures = false

    func run() throws {
        let folders = scenes.flatMap { SceneList.folders(URL(fileURLWithPath: $0)) }
        guard !folders.isEmpty else {
            FileHandle.standardError.write(Data("ovseg3r export pointcept: error: no scene folders (scene.json) in \(scenes.joined(separator: ", "))\n".utf8))
            throw ExitCode.failure
        }
        var seen: [String: URL] = [:]
        for folder in folders {
            if let other = seen.updateValue(folder, forKey: folder.lastPathComponent) {
                FileHandle.standardError.write(Data(("ovseg3r export pointcept: error: \(other.path) and \(folder.path) have the same "
                    + "scene name \(folder.lastPathComponent); export them to different --out folders\n").utf8))
                throw ExitCode.failure
            }
        }
        let outURL = URL(fileURLWithPath: out)
        let options = PointceptExportOptions(superpointArray: superpoints, features: !noFeatures)
        let bar = ProgressBar("export", unit: "scenes")
        struct Entry: Encodable { let result: PointceptExportResult; let seconds: Double }
        var entries: [Entry] = []
        let start = Date()
        do {
            for (i, folder) in folders.enumerated() {
                bar.update(i, of: folders.count)
                let t0 = Date()
                let result = try PointceptExport.export(scene: folder, to: outURL, options: options)
                entries.append(Entry(result: result, seconds: Date().timeIntervalSince(t0)))
            }
            bar.update(folders.count, of: folders.count)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            struct Summary: Encodable { let format: String; let scenes: [Entry] }
            let summary = Summary(format: "ovseg3r-pointcept-1", scenes: entries)
            try AtomicFile.write(try encoder.encode(summary), to: outURL.appendingPathComponent("export.json"))
        } catch {
            FileHandle.standardError.write(Data("ovseg3r export pointcept: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let total = Date().timeIntervalSince(start)
        let points = entries.reduce(0) { $0 + $1.result.points }
        print(String(format: "%@: %d scenes, %d points, %d view-level instances in %.2f s (%.3f s per scene)", out, entries.count,
                     points, entries.reduce(0) { $0 + $1.result.viewInstances }, total, total / Double(max(1, entries.count))))
    }
}
