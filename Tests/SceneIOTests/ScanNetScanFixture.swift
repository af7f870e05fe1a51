import Foundation
@testable import SceneIO

/// Writes a tiny ScanNet scan folder in ScanNet's own layout: a `_vh_clean_2.ply` grid mesh of 30 × 20 vertices,
/// its `segs.json` (6 segments of 100 vertices, ids 3, 10, 17, …), an `aggregation.json` and a label-map TSV.
///
/// Objects: objectId 0 "chair" = segments 0, 1; objectId 1 "table" = segment 2; objectId 2 "wall" = segment 3;
/// objectId 3 "mystery thing" (not in the map) = segment 4; segment 5 unlabelled.
struct ScanNetScanFixture {
    static let scene = "scene0999_00"
    static let vertexCount = 600
    static func segmentID(_ k: Int) -> Int { 3 + 7 * k }

    struct Group { var objectID: Int?; var id: Int?; var label: String; var segments: [Int] }

    static let standardGroups: [Group] = [
        Group(objectID: 0, id: 0, label: "chair", segments: [segmentID(0), segmentID(1)]),
        Group(objectID: 1, id: 1, label: "table", segments: [segmentID(2)]),
        Group(objectID: 2, id: 2, label: "wall", segments: [segmentID(3)]),
        Group(objectID: 3, id: 3, label: "mystery thing", segments: [segmentID(4)]),
    ]

    /// The TSV's header and rows as ScanNet ships them (the columns used here and a few others).
    static let labelMap = """
    id\traw_category\tcategory\tcount\tnyu40id\teigen13id\tnyu40class
    1\twall\twall\t8277\t1\t12\twall
    2\tchair\tchair\t4646\t5\t4\tchair
    4\ttable\ttable\t1170\t7\t10\ttable
    5\tdoor\tdoor\t1400\t8\t12\tdoor
    2\tchair\tchair\t1\t3\t4\tduplicate row, ignored
    40\tstuff\tstuff\t5\t\t\t

    """

    /// Writes the scan into `root/<scene>/` and the TSV into `root/labels.tsv`; returns (scan folder, TSV).
    @discardableResult
    static func write(in root: URL, groups: [Group] = standardGroups, segments: [Int]? = nil,
                      layout: String = "current") throws -> (scan: URL, labelMap: URL) {
        let scan = root.appendingPathComponent(scene)
        try FileManager.default.createDirectory(at: scan, withIntermediateDirectories: true)
        var positions: [SIMD3<Float>] = []
        var colors: [SIMD3<UInt8>] = []
        for v in 0..<vertexCount {
            positions.append(SIMD3(Float(v % 30) * 0.05, Float(v / 30) * 0.05, 0.02 * Float(v % 7)))
            colors.append(SIMD3(UInt8(v % 256), UInt8((v * 7) % 256), 90))
        }
        var faces: [Int32] = []
        for y in 0..<19 {
            for x in 0..<29 {
                let a = Int32(y * 30 + x)
                faces += [a, a + 1, a + 30, a + 1, a + 31, a + 30]
            }
        }
        try Ply.write(PlyMesh(positions: positions, colors: colors, faces: faces),
                      to: scan.appendingPathComponent(scene + "_vh_clean_2.ply"))
        let segIndices = segments ?? (0..<vertexCount).map { segmentID($0 / 100) }
        let segs: [String: Any] = ["params": ["kThresh": "0.0001", "segMinVerts": "20"], "sceneId": scene, "segIndices": segIndices]
        try JSONSerialization.data(withJSONObject: segs).write(to: scan.appendingPathComponent(scene + "_vh_clean_2.0.010000.segs.json"))
        let groupObjects: [[String: Any]] = groups.map { g in
            var o: [String: Any] = ["label": g.label, "segments": g.segments]
            if layout == "current", let objectID = g.objectID { o["objectId"] = objectID }
            if let id = g.id { o["id"] = id }
            return o
        }
        let aggregation: [String: Any] = ["sceneId": "scannet." + scene, "appId": "Aggregator.v2",
                                          "segGroups": groupObjects, "segmentsFile": "scannet.\(scene)_vh_clean_2.0.010000.segs.json"]
        try JSONSerialization.data(withJSONObject: aggregation).write(to: scan.appendingPathComponent(scene + ".aggregation.json"))
        let tsv = root.appendingPathComponent("labels.tsv")
        try labelMap.write(to: tsv, atomically: true, encoding: .utf8)
        return (scan, tsv)
    }
}
