import Foundation

/// The two ScanNet semantic benchmarks whose ground truth `import scannet-gt` writes.
///
/// Each one fixes the column of `scannetv2-labels.combined.tsv` a raw category is mapped through and the
/// label ids that count; any other id is void (0), as in ScanNet's `preprocess_scannet200.py`.
public enum ScanNetBenchmark: String, CaseIterable, Sendable, Codable {
    /// ScanNet200: the TSV's `id` column, the 200 ids of `data/scannet200_classes.json`.
    case scannet200
    /// ScanNet v2 (20 classes): the TSV's `nyu40id` column, the 20 NYU40 ids of the ScanNet benchmark.
    case scannet20

    /// The label-map column this benchmark reads.
    public var labelColumn: String {
        switch self {
        case .scannet200: "id"
        case .scannet20: "nyu40id"
        }
    }

    /// Every semantic class of the benchmark (200 or 20), ids as written in the ground truth.
    public var classes: ClassCatalog {
        switch self {
        case .scannet200:
            return ClassCatalog.scanNet200()
        case .scannet20:
            let entries = zip(Self.nyu20IDs, Self.nyu20Names).map { ClassCatalog.Entry(id: $0, name: $1) }
            // Fixed, unique table.
            return (try? ClassCatalog(entries: entries)) ?? ClassCatalog.scanNet200()
        }
    }

    /// The classes scored by instance AP: every class but the stuff classes wall and floor.
    public var instanceClasses: ClassCatalog { classes.removing(["wall", "floor"]) }

    /// NYU40 ids of the ScanNet v2 20-class benchmark (ScanNet's `VALID_CLASS_IDS_20`).
    static let nyu20IDs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 24, 28, 33, 34, 36, 39]
    /// Their names, aligned with `nyu20IDs`.
    static let nyu20Names = [
        "wall", "floor", "cabinet", "bed", "chair", "sofa", "table", "door", "window", "bookshelf", "picture",
        "counter", "desk", "curtain", "refrigerator", "shower curtain", "toilet", "sink", "bathtub", "otherfurniture",
    ]
}
