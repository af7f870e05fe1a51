import Foundation

/// Options of the Pointcept export.
public struct PointceptExportOptions: Sendable {
    /// The scene folder's superpoint array written as `segment.npy`.
    public var superpointArray = "superpoints"
    /// Copy the per-point 2D features (`feat2d.npy`) and the 2D objects (`objects2d_*.npy`).
    public var features = true

    public init(superpointArray: String = "superpoints", features: Bool = true) {
        self.superpointArray = superpointArray
        self.features = features
    }
}

/// What one scene's export wrote.
public struct PointceptExportResult: Sendable, Codable, Equatable {
    public var scene: String
    public var points: Int
    public var superpoints: Int
    /// Ground-truth instances written (0 without `instance`/`semantic`).
    public var instances: Int
    /// Views of the visibility table and view-level instances (0 when the scene was not lifted).
    public var views: Int
    public var viewInstances: Int
    /// Files written, relative to the scene's output folder, sorted.
    public var files: [String]
}

/// A prepared scene folder → Pointcept's ScanNet layout (one folder of `.npy` per scene) plus VIP's view-level
/// labels and the visibility table, as `tools/torch/ovseg3r_dataset.py` reads them.
///
/// Layout of `OUT/<scene>/` (N points, S superpoints, V views, M view-level instances):
/// - `coord.npy` f32 [N, 3] (metres), `color.npy` u8 [N, 3], `normal.npy` f32 [N, 3] (zeros when the scene has none);
/// - `segment.npy` i32 [N]: superpoint ids 0..S-1 (Pointcept's own ScanNet loader reads semantics from
///   `segment20/segment200.npy`, never `segment.npy`, so the two do not collide);
/// - `semantic.npy` i32 [N]: ScanNet label id, −1 = void; `segment200.npy` i32 [N]: ScanNet200 class index 0..199,
///   −1 = void (what Pointcept's ScanNet200 loader reads); `instance.npy` i32 [N]: instance id ≥ 0, −1 = void;
/// - `feat2d.npy` [N, C] and `objects2d_{feat,center,view}.npy` as the lift wrote them (when present);
/// - `vip_visible_offsets.npy` i64 [V+1], `vip_visible.npy` i32: the superpoints visible in view v are
///   `vip_visible[off[v]:off[v+1]]` (ascending);
/// - `vip_mask_offsets.npy` i64 [R+1], `vip_mask_superpoints.npy` i32: superpoint lists of the lifted 2D masks;
/// - `vip_instance_view.npy` i32 [M], `vip_instance_mask.npy` i32 [M] (a row of the mask table),
///   `vip_instance_label.npy` i32 [M] (an index into `vip_labels.json`, a JSON array of the label names).
public enum PointceptExport {
    /// Exports `scene` into `out/<scene name>/`; every file goes through a temporary name.
    public static func export(scene folderURL: URL, to out: URL, options: PointceptExportOptions = PointceptExportOptions())
        throws(SceneIOError) -> PointceptExportResult {
        let scene = try SceneFolder(folderURL)
        let name = folderURL.standardizedFileURL.lastPathComponent
        let dir = out.appendingPathComponent(name)
        try VideoFolderWriter.makeDirectory(dir)
        var files: [String] = []
        func has(_ a: String) -> Bool { FileManager.default.fileExists(atPath: scene.arrayURL(a).path) }
        func put(_ array: NpyArray, _ file: String) throws(SceneIOError) {
            try Npy.write(array, to: dir.appendingPathComponent(file + ".npy"))
            files.append(file + ".npy")
        }
        let coord = try scene.read(SceneArray.coord)
        let n = try coord.requireShape([nil, 3])[0]
        try put(coord, "coord")
        try put(has(SceneArray.color) ? try scene.read(SceneArray.color)
                : try NpyArray([UInt8](repeating: 128, count: n * 3), shape: [n, 3]), "color")
        try put(has(SceneArray.normal) ? try scene.read(SceneArray.normal)
                : try NpyArray([Float](repeating: 0, count: n * 3), shape: [n, 3]), "normal")
        guard has(options.superpointArray) else {
            throw .unreadable(url: scene.arrayURL(options.superpointArray), reason: "missing: run `ovseg3r superpoints` (or prepare) first")
        }
        let superpoints = try scene.read(options.superpointArray).int32s()
        guard superpoints.count == n else {
            throw .npyShapeMismatch(array: scene.arrayURL(options.superpointArray).path, shape: [superpoints.count], expectedCount: n,
                                    actualCount: superpoints.count)
        }
        try put(try NpyArray(superpoints, shape: [n]), "segment")
        var instances = 0
        if has(SceneArray.instance), has(SceneArray.semantic) {
            let semantic = try scene.read(SceneArray.semantic).int64s(), instance = try scene.read(SceneArray.instance).int64s()
            guard semantic.count == n, instance.count == n else {
                throw .npyShapeMismatch(array: scene.arrayURL(SceneArray.instance).path, shape: [instance.count], expectedCount: n,
                                        actualCount: semantic.count)
            }
            let classes = ClassCatalog.scanNet200()
            var sem = [Int32](repeating: -1, count: n), inst = [Int32](repeating: -1, count: n), sem200 = [Int32](repeating: -1, count: n)
            var seen = Set<Int64>()
            for p in 0..<n where semantic[p] > 0 {
                sem[p] = Int32(semantic[p])
                sem200[p] = Int32(classes.index(ofID: Int(semantic[p])) ?? -1)
                if instance[p] > 0 { inst[p] = Int32(instance[p]); seen.insert(instance[p]) }
            }
            instances = seen.count
            try put(try NpyArray(sem, shape: [n]), "semantic")
            try put(try NpyArray(sem200, shape: [n]), "segment200")
            try put(try NpyArray(inst, shape: [n]), "instance")
        }
        if options.features {
            for a in ["feat2d", "objects2d_feat", "objects2d_center", "objects2d_view"] where has(a) { try put(try scene.read(a), a) }
        }
        var views = 0, viewInstances = 0
        let labelsURL = scene.fileURL("view_labels.json")
        if FileManager.default.fileExists(atPath: labelsURL.path), has("vl_offsets"), has("sp_view_offsets") {
            let visibleOffsets = try scene.read("sp_view_offsets")
            views = max(0, visibleOffsets.count - 1)
            try put(visibleOffsets, "vip_visible_offsets")
            try put(try scene.read("sp_view"), "vip_visible")
            let maskOffsets = try scene.read("vl_offsets")
            try put(maskOffsets, "vip_mask_offsets")
            try put(try scene.read("vl_superpoints"), "vip_mask_superpoints")
            let table = try ViewLabelTable(labelsURL, maskCount: max(0, maskOffsets.count - 1))
            viewInstances = table.view.count
            try put(try NpyArray(table.view, shape: [table.view.count]), "vip_instance_view")
            try put(try NpyArray(table.mask, shape: [table.mask.count]), "vip_instance_mask")
            try put(try NpyArray(table.label, shape: [table.label.count]), "vip_instance_label")
            let names: Data
            do { names = try JSONEncoder().encode(table.names) } catch {
                throw .unwritable(url: dir.appendingPathComponent("vip_labels.json"), reason: "\(error)")
            }
            try AtomicFile.write(names, to: dir.appendingPathComponent("vip_labels.json"))
            files.append("vip_labels.json")
        }
        return PointceptExportResult(scene: name, points: n, superpoints: Int(superpoints.max() ?? -1) + 1, instances: instances,
                                     views: views, viewInstances: viewInstances, files: files.sorted())
    }
}

/// `view_labels.json` flattened into per-instance arrays, label names sorted.
struct ViewLabelTable {
    var view: [Int32] = [], mask: [Int32] = [], label: [Int32] = []
    var names: [String] = []

    init(_ url: URL, maskCount: Int) throws(SceneIOError) {
        struct File: Decodable {
            struct View: Decodable { var view: Int; var instances: [Instance] }
            struct Instance: Decodable { var label: String; var mask: Int }
            var views: [View]
        }
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url)) } catch {
            throw .unreadable(url: url, reason: "expected {\"views\": [{\"view\", \"instances\": [{\"label\", \"mask\"}]}]}: \(error)")
        }
        names = Array(Set(file.views.flatMap { $0.instances.map(\.label) })).sorted()
        var index: [String: Int32] = [:]
        for (i, name) in names.enumerated() { index[name] = Int32(i) }
        for v in file.views {
            for instance in v.instances {
                guard instance.mask >= 0, instance.mask < maskCount else {
                    throw .unreadable(url: url, reason: "view \(v.view): mask \(instance.mask) outside the \(maskCount) rows of vl_offsets")
                }
                view.append(Int32(v.view)); mask.append(Int32(instance.mask)); label.append(index[instance.label] ?? -1)
            }
        }
    }
}
