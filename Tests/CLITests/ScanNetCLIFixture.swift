import Foundation
import SceneIO

/// A ScanNet scan folder in ScanNet's layout for the CLI tests (the SceneIO tests have their own, richer one):
/// a 30 × 20 grid mesh, 6 segments of 100 vertices, objects chair (segments 0, 1), table (2), wall (3) and
/// "mystery thing" (4, not in the label map); segment 5 unlabelled.
enum ScanNetCLIFixture {
    static let scene = "scene0998_00"
    static let vertexCount = 600

    static func positions() -> [SIMD3<Float>] {
        (0..<vertexCount).map { v in SIMD3(Float(v % 30) * 0.05, Float(v / 30) * 0.05, 0.03 * Float(v % 5)) }
    }

    /// Writes `root/scans/<scene>/` and `root/labels.tsv`; `segmentCount` overrides the segs.json length.
    @discardableResult
    static func write(in root: URL, segmentCount: Int = vertexCount) throws -> (scan: URL, labelMap: URL) {
        let scan = root.appendingPathComponent("scans/" + scene)
        try FileManager.default.createDirectory(at: scan, withIntermediateDirectories: true)
        var faces: [Int32] = []
        for y in 0..<19 { for x in 0..<29 {
            let a = Int32(y * 30 + x)
            faces += [a, a + 1, a + 30, a + 1, a + 31, a + 30]
        } }
        let colors = (0..<vertexCount).map { SIMD3<UInt8>(UInt8($0 % 200), 40, 90) }
        try Ply.write(PlyMesh(positions: positions(), colors: colors, faces: faces), to: scan.appendingPathComponent(scene + "_vh_clean_2.ply"))
        let segs: [String: Any] = ["sceneId": scene, "segIndices": (0..<segmentCount).map { 10 + $0 / 100 }]
        try JSONSerialization.data(withJSONObject: segs).write(to: scan.appendingPathComponent(scene + "_vh_clean_2.0.010000.segs.json"))
        let groups: [[String: Any]] = [
            ["id": 0, "objectId": 0, "label": "chair", "segments": [10, 11]],
            ["id": 1, "objectId": 1, "label": "table", "segments": [12]],
            ["id": 2, "objectId": 2, "label": "wall", "segments": [13]],
            ["id": 3, "objectId": 3, "label": "mystery thing", "segments": [14]],
        ]
        try JSONSerialization.data(withJSONObject: ["sceneId": "scannet." + scene, "segGroups": groups])
            .write(to: scan.appendingPathComponent(scene + ".aggregation.json"))
        let tsv = root.appendingPathComponent("labels.tsv")
        try "id\traw_category\tcategory\tcount\tnyu40id\tnyu40class\n1\twall\twall\t1\t1\twall\n2\tchair\tchair\t1\t5\tchair\n4\ttable\ttable\t1\t7\ttable\n"
            .write(to: tsv, atomically: true, encoding: .utf8)
        return (scan, tsv)
    }

    /// Writes `masks` (point-index lists, label ids, score 1) over `n` points as a benchmark prediction folder.
    static func writePredictions(_ masks: [(label: Int, points: [Int])], scene: String, pointCount n: Int, to out: URL) throws {
        try FileManager.default.createDirectory(at: out.appendingPathComponent("pred_mask"), withIntermediateDirectories: true)
        var lines = ""
        for (k, mask) in masks.enumerated() {
            var bits = [String](repeating: "0", count: n)
            for p in mask.points { bits[p] = "1" }
            try (bits.joined(separator: "\n") + "\n").write(to: out.appendingPathComponent("pred_mask/\(scene)_\(k).txt"), atomically: true, encoding: .utf8)
            lines += "pred_mask/\(scene)_\(k).txt \(mask.label) 1.0\n"
        }
        try lines.write(to: out.appendingPathComponent(scene + ".txt"), atomically: true, encoding: .utf8)
    }

    /// The ground truth of `GT/<scene>.txt` as one mask per instance id.
    static func masks(fromGroundTruth url: URL) throws -> [(label: Int, points: [Int])] {
        let ids = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap { Int($0) }
        var byID: [Int: [Int]] = [:]
        for (v, id) in ids.enumerated() where id > 0 { byID[id, default: []].append(v) }
        return byID.keys.sorted().map { (label: $0 / 1000, points: byID[$0] ?? []) }
    }
}
