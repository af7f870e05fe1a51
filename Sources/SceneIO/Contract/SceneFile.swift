import Foundation

/// Every file of a scene folder, by its one spelling (docs/SCENE_FORMAT.md). Modules name files through this
/// enum, never through string literals.
public enum SceneFile: String, CaseIterable, Sendable {
    case manifest = "scene.json"
    case stages = "stages.json"
    case prepare = "prepare.json"
    // points
    case coord = "coord.npy", color = "color.npy", normal = "normal.npy"
    case mesh = "mesh.ply", poses = "poses.txt", views = "views.json", reconSummary = "recon_summary.json"
    // correspondences
    case corrOffsets = "corr_offsets.npy", corrPoint = "corr_point.npy", corrUV = "corr_uv.npy"
    case sourceView = "source_view.npy", sourceUV = "source_uv.npy"
    // ground truth
    case instance = "instance.npy", semantic = "semantic.npy", instances = "instances.json"
    // superpoints
    case superpoints = "superpoints.npy"
    // lifted labels
    case viewLabels = "view_labels.json"
    case vlOffsets = "vl_offsets.npy", vlSuperpoints = "vl_superpoints.npy"
    case spViewOffsets = "sp_view_offsets.npy", spView = "sp_view.npy"
    case objects2dFeat = "objects2d_feat.npy", objects2dCenter = "objects2d_center.npy", objects2dView = "objects2d_view.npy"
    case feat2d = "feat2d.npy", feat2dCount = "feat2d_count.npy"
    // tracked labels
    case tracks = "tracks.json", trackViewMask = "track_view_mask.npy"
    case trackOffsets = "track_offsets.npy", trackSuperpoints = "track_superpoints.npy"

    /// The file name inside the scene folder.
    public var fileName: String { rawValue }
    /// Whether the file is a `.npy` array recorded in `scene.json`.
    public var isArray: Bool { rawValue.hasSuffix(".npy") }
    /// The array name `SceneFolder.read(_:)` takes (the file name without `.npy`).
    public var stem: String { isArray ? String(rawValue.dropLast(4)) : rawValue }
}

/// The artefacts of a scene folder, one per stage output; each has a contract type that reads (validating) and
/// writes it: `ScenePoints`, `SceneCorrespondences`, `SceneGroundTruth`, `SceneSuperpoints`, `SceneLiftedLabels`,
/// `SceneTrackedLabels`.
public enum SceneArtefact: String, CaseIterable, Sendable, Codable {
    case points, correspondences, groundTruth = "ground_truth", superpoints, liftedLabels = "lifted_labels"
    case trackedLabels = "tracked_labels"

    /// The files that make up the artefact (optional ones included).
    public var files: [SceneFile] {
        switch self {
        case .points: return [.coord, .color, .normal, .mesh, .poses, .views, .reconSummary]
        case .correspondences: return [.corrOffsets, .corrPoint, .corrUV, .sourceView, .sourceUV]
        case .groundTruth: return [.instance, .semantic, .instances]
        case .superpoints: return [.superpoints]
        case .liftedLabels:
            return [.viewLabels, .vlOffsets, .vlSuperpoints, .spViewOffsets, .spView,
                    .objects2dFeat, .objects2dCenter, .objects2dView, .feat2d, .feat2dCount]
        case .trackedLabels: return [.tracks, .trackViewMask, .trackOffsets, .trackSuperpoints]
        }
    }

    /// The files whose presence means the artefact was written.
    public var requiredFiles: [SceneFile] {
        switch self {
        case .points: return [.coord]
        case .correspondences: return [.corrOffsets, .corrPoint, .corrUV]
        case .groundTruth: return [.instance, .semantic]
        case .superpoints: return [.superpoints]
        case .liftedLabels: return [.viewLabels, .vlOffsets, .vlSuperpoints, .spViewOffsets, .spView]
        case .trackedLabels: return [.tracks, .trackViewMask, .trackOffsets, .trackSuperpoints]
        }
    }

    /// Artefacts computed from this one, which are stale once it is rewritten (transitively).
    public var invalidates: [SceneArtefact] {
        switch self {
        case .points: return [.correspondences, .groundTruth, .superpoints, .liftedLabels, .trackedLabels]
        case .correspondences: return [.superpoints, .liftedLabels, .trackedLabels]
        case .superpoints: return [.liftedLabels, .trackedLabels]
        case .liftedLabels: return [.trackedLabels]
        case .groundTruth, .trackedLabels: return []
        }
    }

    /// The command that writes the artefact.
    public var producedBy: String {
        switch self {
        case .points, .correspondences, .groundTruth: return "recon"
        case .superpoints: return "superpoints"
        case .liftedLabels: return "lift"
        case .trackedLabels: return "track-masks"
        }
    }
}

extension SceneFolder {
    /// Whether `file` exists (and, for arrays, is recorded in `scene.json`).
    public func has(_ file: SceneFile) -> Bool {
        if file.isArray, manifest.arrays[file.stem] == nil { return false }
        return FileManager.default.fileExists(atPath: fileURL(file.fileName).path)
    }

    /// The path of `file` in this folder.
    public func url(of file: SceneFile) -> URL { fileURL(file.fileName) }

    /// Whether every required file of `artefact` is present (contents are checked by the artefact's `read`).
    public func isComplete(_ artefact: SceneArtefact) -> Bool { artefact.requiredFiles.allSatisfy { has($0) } }

    /// Removes the files of every artefact `artefact` invalidates, so no stale labels survive a rewrite.
    public mutating func invalidate(dependentsOf artefact: SceneArtefact) throws(SceneContractError) {
        for dependent in artefact.invalidates {
            for file in dependent.files {
                if file.isArray {
                    if manifest.arrays[file.stem] != nil {
                        do { try remove(file.stem) } catch { throw .io(error) }
                    }
                } else {
                    try? FileManager.default.removeItem(at: url(of: file))
                }
            }
            try? clearStageRecord(dependent)
        }
    }

    /// Reads `file`, throwing `.missing` (naming the command that writes `artefact`) when it is absent.
    func contractArray(_ file: SceneFile, of artefact: SceneArtefact) throws(SceneContractError) -> NpyArray {
        try contractArray(named: file.stem, of: artefact)
    }

    func contractArray(named stem: String, of artefact: SceneArtefact) throws(SceneContractError) -> NpyArray {
        guard manifest.arrays[stem] != nil, FileManager.default.fileExists(atPath: arrayURL(stem).path) else {
            throw .missing(folder: url, file: stem + ".npy", producedBy: artefact.producedBy)
        }
        do { return try read(stem) } catch { throw .io(error) }
    }

    /// JSON file `file` of `artefact` decoded as `T`; missing names the command that writes it.
    func contractJSON<T: Decodable>(_ type: T.Type, _ file: SceneFile, of artefact: SceneArtefact) throws(SceneContractError) -> T {
        guard has(file) else { throw .missing(folder: url, file: file.fileName, producedBy: artefact.producedBy) }
        do { return try JSONFile.read(type, from: url(of: file)) } catch { throw .io(error) }
    }

    /// Array `file` of `artefact` as int32 (stored as int32 unless `dtypes` allows more), its shape matched against
    /// `pattern` (nil = any extent).
    func contractInt32s(_ file: SceneFile, of artefact: SceneArtefact, shape pattern: [Int?],
                        dtypes: [NpyDType] = [.int32]) throws(SceneContractError) -> [Int32] {
        let array = try contractArray(file, of: artefact)
        try ContractCheck.shape(array, pattern, dtypes: dtypes, file: url(of: file))
        return try ContractCheck.values { () throws(SceneIOError) in try array.int32s() }
    }

    /// The offsets of a CSR pair: int64 `[rows + 1]` (values are checked by `ContractCheck.csr`).
    func contractOffsets(_ file: SceneFile, of artefact: SceneArtefact) throws(SceneContractError) -> [Int64] {
        let array = try contractArray(file, of: artefact)
        try ContractCheck.shape(array, [nil], dtypes: [.int64], file: url(of: file))
        return try ContractCheck.values { () throws(SceneIOError) in try array.int64s() }
    }

    /// Array `file` of `artefact` as floats (float16 or float32 unless `dtypes` says otherwise) and its shape.
    func contractFloats(_ file: SceneFile, of artefact: SceneArtefact, shape pattern: [Int?],
                        dtypes: [NpyDType] = [.float16, .float32]) throws(SceneContractError) -> (values: [Float], shape: [Int]) {
        let array = try contractArray(file, of: artefact)
        let shape = try ContractCheck.shape(array, pattern, dtypes: dtypes, file: url(of: file))
        return (try ContractCheck.values { () throws(SceneIOError) in try array.floats() }, shape)
    }

    /// Writes `values` as array `file` (temporary file, then rename; the manifest is updated the same way).
    mutating func contractWrite<T: NpyElement>(_ values: [T], shape: [Int], as file: SceneFile) throws(SceneContractError) {
        do { try write(values, shape: shape, named: file.stem) } catch { throw .io(error) }
    }
}
