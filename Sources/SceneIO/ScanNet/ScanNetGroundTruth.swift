import Foundation

/// What `import scannet-gt` does with an object whose raw category the label map lacks.
public enum ScanNetUnknownLabelPolicy: String, CaseIterable, Sendable, Codable {
    /// Its vertices become void (0) and the object is reported, as `preprocess_scannet200.py` (label 0).
    case void
    /// Refuse the scene, naming the object (ScanNet's export script crashes with a KeyError here).
    case error
}

/// Options of the ScanNet ground-truth import.
public struct ScanNetGroundTruthOptions: Sendable {
    public var benchmark: ScanNetBenchmark
    public var unknownLabels: ScanNetUnknownLabelPolicy

    public init(benchmark: ScanNetBenchmark = .scannet200, unknownLabels: ScanNetUnknownLabelPolicy = .void) {
        self.benchmark = benchmark
        self.unknownLabels = unknownLabels
    }
}

/// One object named in a report: its position in `segGroups`, object id and raw category.
public struct ScanNetObjectReference: Sendable, Equatable, Codable, CustomStringConvertible {
    public var group: Int
    public var objectID: Int
    public var label: String
    public var description: String { "segGroups[\(group)] objectId \(objectID) \"\(label)\"" }
}

/// Per-vertex ground truth of one ScanNet scan on its `_vh_clean_2` mesh vertices.
///
/// Conventions (ScanNet's `export_train_mesh_for_evaluation.py`, `util_3d.py`, `evaluate_semantic_instance.py`
/// and `ScanNet200/preprocess_scannet200.py`):
/// - a vertex's label is the benchmark column of its object's raw category; 0 when it is in no object, when
///   the category is missing from the map (policy `.void`), or when the id is not one of the benchmark's classes;
/// - its instance is the object's `objectId + 1` (1-based, as the export script), so the benchmark id is
///   `label · 1000 + objectId + 1`, 0 = void (what `evaluate_semantic_instance.py` reads: label = id // 1000);
/// - objects are applied in file order; a vertex in two objects keeps the later one (both scripts assign in order).
public struct ScanNetGroundTruth: Sendable {
    /// [V] `label · 1000 + objectId + 1`, 0 = void.
    public var benchmarkIDs: [Int32]
    /// [V] benchmark label id, 0 = void.
    public var semantic: [Int32]
    /// [V] instance number `objectId + 1`, 0 = void (the scene-folder convention `TrainScene` reads; the Pointcept
    /// export turns 0 into −1).
    public var instance: [Int32]
    /// [V] the over-segmentation renumbered 0..<S in order of first appearance (usable as superpoints).
    public var superpoints: [Int32]
    /// Objects whose raw category the label map lacks (their vertices are void).
    public var unknownLabelObjects: [ScanNetObjectReference]
    /// Objects whose label id is not a class of the benchmark (void, e.g. NYU40 `otherprop`).
    public var nonBenchmarkObjects: Int
    /// Vertices covered by more than one object (the later object is kept).
    public var overlappingVertices: Int
    /// Number of objects in the aggregation file.
    public var objectCount: Int

    /// Number of vertices with a benchmark label.
    public var labelledVertexCount: Int { benchmarkIDs.lazy.filter { $0 != 0 }.count }
    /// Number of distinct instances in the ground truth.
    public var instanceCount: Int { Set(benchmarkIDs.lazy.filter { $0 != 0 }).count }

    /// Builds the ground truth of `objects` over `segmentOfVertex`. `segsURL`/`aggregationURL` name the files
    /// in errors: a segment an object names that no vertex carries, an unknown category under `.error`, an
    /// object id ≥ 999 (the encoding holds 1…999).
    public init(segmentOfVertex: [Int], objects: [ScanNetObject], labelMap: ScanNetLabelMap,
                options: ScanNetGroundTruthOptions, segsURL: URL, aggregationURL: URL) throws(SceneIOError) {
        let n = segmentOfVertex.count
        var verticesOfSegment: [Int: [Int32]] = [:]
        var superpointOfSegment: [Int: Int32] = [:]
        var superpoints = [Int32](repeating: 0, count: n)
        for (v, s) in segmentOfVertex.enumerated() {
            verticesOfSegment[s, default: []].append(Int32(v))
            if superpointOfSegment[s] == nil { superpointOfSegment[s] = Int32(superpointOfSegment.count) }
            superpoints[v] = superpointOfSegment[s] ?? 0
        }
        let classes = options.benchmark.classes
        var ids = [Int32](repeating: 0, count: n)
        var semantic = [Int32](repeating: 0, count: n)
        var instance = [Int32](repeating: 0, count: n)
        var covered = [Bool](repeating: false, count: n)
        var overlapping = 0
        var unknown: [ScanNetObjectReference] = []
        var nonBenchmark = 0
        for (g, object) in objects.enumerated() {
            let reference = ScanNetObjectReference(group: g, objectID: object.objectID, label: object.label)
            var label = 0
            if let mapped = labelMap.ids[object.label] {
                if classes.index(ofID: mapped) != nil { label = mapped } else { nonBenchmark += 1 }
            } else {
                if options.unknownLabels == .error {
                    throw .unreadable(url: aggregationURL, reason: "\(reference): category not in the label map's raw_category column "
                                      + "(use --unknown-labels void to make its vertices void)")
                }
                unknown.append(reference)
            }
            guard object.objectID + 1 < 1000 else {
                throw .unreadable(url: aggregationURL, reason: "\(reference): objectId + 1 ≥ 1000 does not fit label·1000+instance")
            }
            let encoded = label == 0 ? 0 : Int32(label * 1000 + object.objectID + 1)
            for s in object.segments {
                guard let vertices = verticesOfSegment[s] else {
                    throw .unreadable(url: aggregationURL, reason: "\(reference) names segment \(s), which no vertex of \(segsURL.lastPathComponent) carries")
                }
                for v in vertices.map(Int.init) {
                    if covered[v] { overlapping += 1 }
                    covered[v] = true
                    ids[v] = encoded
                    semantic[v] = Int32(label)
                    instance[v] = label == 0 ? 0 : Int32(object.objectID + 1)
                }
            }
        }
        self.benchmarkIDs = ids
        self.semantic = semantic
        self.instance = instance
        self.superpoints = superpoints
        self.unknownLabelObjects = unknown
        self.nonBenchmarkObjects = nonBenchmark
        self.overlappingVertices = overlapping
        self.objectCount = objects.count
    }
}
