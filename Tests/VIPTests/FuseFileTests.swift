import Foundation
import _TestSupport
import SceneIO
import Testing
@testable import VIP

/// `Fuse` on scene folders: what it writes, and the errors for inputs it cannot fuse.
@Suite("Fusing lifted scene folders")
struct FuseFileTests {
    /// A lifted scene folder holding `FuseTests.twoObjects()`; `edit` may change the arrays before they are written.
    static func makeScene(in root: URL, name: String = "room",
                          edit: (inout [String: [Int32]], inout [Int64], inout [Int64]) -> Void = { _, _, _ in }) throws -> URL {
        let url = root.appendingPathComponent(name)
        var folder = try SceneFolder.create(at: url)
        let inputs = try FuseTests.twoObjects()
        var int32s: [String: [Int32]] = ["superpoints": inputs.pointSuperpoints,
                                         "vl_superpoints": inputs.masks.flatMap(\.superpoints),
                                         "sp_view": inputs.visibility.superpoints]
        var vlOffsets: [Int64] = [0]
        for mask in inputs.masks { vlOffsets.append(vlOffsets[vlOffsets.count - 1] + Int64(mask.superpoints.count)) }
        var viewOffsets = inputs.visibility.offsets
        edit(&int32s, &vlOffsets, &viewOffsets)
        let n = inputs.pointSuperpoints.count
        try folder.write([Float](repeating: 0, count: 3 * n), shape: [n, 3], named: SceneArray.coord)
        for (name, values) in int32s { try folder.write(values, shape: [values.count], named: name) }
        try folder.write(vlOffsets, shape: [vlOffsets.count], named: "vl_offsets")
        try folder.write(viewOffsets, shape: [viewOffsets.count], named: "sp_view_offsets")
        var views: [LiftedView] = []
        for (m, mask) in inputs.masks.enumerated() {
            if views.last?.view != mask.view { views.append(LiftedView(view: mask.view, frame: mask.view * 10, instances: [])) }
            views[views.count - 1].instances.append(LiftedInstance(label: mask.label, score: mask.score, object: -1, mask: m))
        }
        try JSONFile.write(ViewLabelsFile(formatVersion: 1, views: views), to: folder.fileURL("view_labels.json"))
        return url
    }


    @Test("writes the ScanNet benchmark files: one line per instance, one 0/1 line per point, label ids of the catalog")
    func writesTheBenchmarkFormat() throws {
        let scratch = try TemporaryDirectory("fuse-tests")
        let root = scratch.url
        let scene = try Self.makeScene(in: root)
        #expect(try FuseInputs.load(scene: scene) == (try FuseTests.twoObjects()))
        var options = FuseOptions(scenes: [scene], out: root.appendingPathComponent("pred"))
        options.classes = try ClassCatalog(entries: [.init(id: 7, name: "table"), .init(id: 5, name: "sofa")])
        let result = try Fuse.run(options)
        #expect(result.scenes.map(\.instances) == [1] && result.skippedLabels == ["chair": 1])
        let listing = try String(contentsOf: options.out.appendingPathComponent("room.txt"), encoding: .utf8)
        #expect(listing == "pred_mask/room_0.txt 7 0.700000\n")
        let mask = try String(contentsOf: options.out.appendingPathComponent("pred_mask/room_0.txt"), encoding: .utf8)
        let bits = mask.split(separator: "\n")
        #expect(bits.count == 300 && bits.enumerated().allSatisfy { $0.element == (($0.offset / 50 == 2 || $0.offset / 50 == 3) ? "1" : "0") })
        let dense = try Npy.read(options.out.appendingPathComponent("npy/room_masks.npy"))
        #expect(dense.shape == [1, 300])
        // Deterministic: a second run writes the same bytes.
        let first = try Data(contentsOf: options.out.appendingPathComponent("npy/room_masks.npy"))
        _ = try Fuse.run(options)
        #expect(try Data(contentsOf: options.out.appendingPathComponent("npy/room_masks.npy")) == first)
    }

    @Test("bad inputs are refused naming the file and the index")
    func badInputs() throws {
        let scratch = try TemporaryDirectory("fuse-tests")
        let root = scratch.url
        func message(_ scene: URL) -> String {
            do { _ = try FuseInputs.load(scene: scene); return "no error" } catch { return error.description }
        }
        let outOfRange = try Self.makeScene(in: root, name: "a") { arrays, _, _ in arrays["vl_superpoints"]?[3] = 6 }
        #expect(message(outOfRange).contains("vl_superpoints.npy[3] = 6 is outside 0..<6"), "\(message(outOfRange))")

        let noLabels = try Self.makeScene(in: root, name: "b")
        try FileManager.default.removeItem(at: noLabels.appendingPathComponent("view_labels.json"))
        #expect(message(noLabels).contains("view_labels.json is missing; run `ovseg3r lift"), "\(message(noLabels))")

        let noViews = try Self.makeScene(in: root, name: "c") { arrays, _, viewOffsets in
            arrays["sp_view"] = []
            viewOffsets = [0]
        }
        #expect(message(noViews).contains("view_labels.json: views[0].view = 0, expected 0..<0"), "\(message(noViews))")

        let badRow = try Self.makeScene(in: root, name: "d") { _, vlOffsets, _ in vlOffsets.removeLast(2) }
        #expect(message(badRow).contains("vl_offsets.npy[4] = 8 breaks the offsets"), "\(message(badRow))")

        let badView = try Self.makeScene(in: root, name: "e") { arrays, _, _ in arrays["sp_view"]?[5] = -1 }
        #expect(message(badView).contains("sp_view.npy[5] = -1 is outside 0..<6"), "\(message(badView))")

        var options = FuseOptions(scenes: [], out: root.appendingPathComponent("pred"))
        options.thresholds.consensus = 1.5
        #expect(throws: VIPError.invalidOption(name: "consensus", value: 1.5, allowed: "(0, 1]")) { try Fuse.run(options) }
    }
}
