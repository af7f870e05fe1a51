import ArgumentParser
import Foundation
import SceneIO
import Support

/// `ovseg3r import scannet-gt SCAN_DIR… --out GT --label-map TSV --benchmark scannet200|scannet20`: ScanNet's own
/// annotation files → the benchmark's per-vertex ground truth and a scene folder per scan.
struct ImportScanNetGTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scannet-gt",
        abstract: "Write ScanNet's benchmark ground truth (per mesh vertex) from a scan's annotation files.",
        discussion: """
        Each SCAN_DIR is one scan as ScanNet distributes it (scans/<scene>/) holding <scene>_vh_clean_2.ply, \
        <scene>_vh_clean_2.0.010000.segs.json and <scene>.aggregation.json (the current layout, segGroups with \
        objectId; or the older one whose groups have only id, then id is the object id). Writes:
          GT/<scene>.txt   one integer per mesh vertex: label·1000 + objectId+1, 0 = void (what ScanNet's \
        evaluate_semantic_instance.py reads and `ovseg3r eval --gt GT` scores);
          GT/<scene>/      a scene folder: coord/color (the mesh vertices), normal (area-weighted face normals), \
        superpoints (ScanNet's over-segments renumbered 0..S-1), semantic (label id, 0 = void), instance \
        (objectId+1, 0 = void), scene.json;
          GT/classes.json  the benchmark's instance classes (pass it as `eval --classes` for scannet20).

        Conventions, from ScanNet's BenchmarkScripts (export_train_mesh_for_evaluation.py, util_3d.py, \
        evaluate_semantic_instance.py, ScanNet200/preprocess_scannet200.py):
          label column: scannet200 reads the TSV's `id` column (raw ScanNet ids, as preprocess_scannet200.py); \
        scannet20 reads `nyu40id` (as the export script). Ids that are not classes of the benchmark are void (0).
          instances: objectId + 1 (1-based, as the export script); preprocess_scannet200.py uses the group's 0-based \
        id instead, which makes the first object collide with "unannotated" 0 — not followed.
          unlabelled vertices (in no object) are 0; a vertex in two objects keeps the later object (both scripts).
          a label the map lacks: the export script crashes (KeyError), preprocess_scannet200.py makes it 0. Here \
        --unknown-labels void (default) makes its vertices void and lists every such object; error refuses the scan.
          a repeated raw_category in the TSV: the first row wins (pandas .iloc[0]; the export script keeps the last).
          an aggregation object naming a segment no vertex has: an error naming the object (the export script \
        crashes, preprocess_scannet200.py silently ignores it). A segs.json whose length differs from the mesh's \
        vertex count is an error naming both files.
        Nothing is written for a scan until all of it was read and checked; each file is renamed into place. \
        `train` reads ScanNet200 ids from scene folders: import with --benchmark scannet200 to train on GT/<scene>/.
        """)

    @Argument(help: "ScanNet scan folder(s), e.g. scans/scene0011_00.")
    var scans: [String]
    @Option(help: "Output ground-truth folder.")
    var out: String
    @Option(help: "scannetv2-labels.combined.tsv.")
    var labelMap: String
    @Option(help: "scannet200 (TSV column id) or scannet20 (TSV column nyu40id).")
    var benchmark: ScanNetBenchmark = .scannet200
    @Option(help: "void (default: vertices of categories the label map lacks become void and are reported) or error.")
    var unknownLabels: ScanNetUnknownLabelPolicy = .void

    func run() throws {
        let options = ScanNetGroundTruthOptions(benchmark: benchmark, unknownLabels: unknownLabels)
        let outURL = URL(fileURLWithPath: out)
        let bar = ProgressBar("scannet-gt", unit: "scans")
        var vertices = 0, instances = 0, unknown = 0, failures = 0
        do {
            let map = try ScanNetLabelMap(contentsOf: URL(fileURLWithPath: labelMap), column: benchmark.labelColumn)
            if !map.repeatedCategories.isEmpty {
                warn("\(labelMap): \(map.repeatedCategories.count) raw categories on several rows; the first row is used "
                     + "(\(map.repeatedCategories.prefix(5).joined(separator: ", ")))")
            }
            try writeClasses(to: outURL)
            for (i, path) in scans.enumerated() {
                bar.update(i, of: scans.count)
                let scan = ScanNetScan(folder: URL(fileURLWithPath: path))
                do {
                    let (mesh, truth) = try scan.groundTruth(labelMap: map, options: options)
                    try truth.write(scene: scan.scene, mesh: mesh, to: outURL, provenance: [
                        "tool": "ovseg3r import scannet-gt", "scan": scan.folder.path, "benchmark": benchmark.rawValue,
                        "label_map": labelMap, "label_column": benchmark.labelColumn])
                    for object in truth.unknownLabelObjects {
                        warn("\(scan.aggregationURL.path): \(object): category not in the label map; its vertices are void")
                    }
                    vertices += mesh.vertexCount
                    instances += truth.instanceCount
                    unknown += truth.unknownLabelObjects.count
                    print("\(scan.scene): \(mesh.vertexCount) vertices, \(truth.labelledVertexCount) labelled, "
                          + "\(truth.instanceCount) instances of \(truth.objectCount) objects, "
                          + "\(truth.nonBenchmarkObjects) objects outside \(benchmark.rawValue), "
                          + "\(truth.unknownLabelObjects.count) with unknown labels, \(truth.overlappingVertices) overlapping vertices")
                } catch {
                    failures += 1
                    warn("error: \(error)")
                }
            }
            bar.update(scans.count, of: scans.count)
        } catch {
            warn("error: \(error)")
            throw ExitCode.failure
        }
        print("\(out): \(scans.count - failures) of \(scans.count) scans, \(vertices) vertices, \(instances) instances, "
              + "\(unknown) objects with labels missing from the map")
        if failures > 0 { throw ExitCode.failure }
    }

    private func writeClasses(to out: URL) throws {
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        try AtomicFile.write(try encoder.encode(benchmark.instanceClasses.entries), to: out.appendingPathComponent("classes.json"))
    }

    private func warn(_ text: String) {
        FileHandle.standardError.write(Data("ovseg3r import scannet-gt: \(text)\n".utf8))
    }
}

extension ScanNetBenchmark: ExpressibleByArgument {}
extension ScanNetUnknownLabelPolicy: ExpressibleByArgument {}
