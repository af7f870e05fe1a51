import Foundation

/// One scan's folder as ScanNet distributes it (`scans/<scene>/`), and the files `import scannet-gt` reads.
public struct ScanNetScan: Sendable {
    /// The scan folder.
    public let folder: URL
    /// The scene name, the folder's last component (e.g. `scene0011_00`).
    public var scene: String { folder.lastPathComponent }
    /// `<scene>_vh_clean_2.ply`: the benchmark mesh; ground truth lives on its vertices.
    public var meshURL: URL { folder.appendingPathComponent(scene + "_vh_clean_2.ply") }
    /// `<scene>_vh_clean_2.0.010000.segs.json`: one over-segment id per mesh vertex.
    public var segmentsURL: URL { folder.appendingPathComponent(scene + "_vh_clean_2.0.010000.segs.json") }
    /// `<scene>.aggregation.json`: objects as lists of over-segments.
    public var aggregationURL: URL { folder.appendingPathComponent(scene + ".aggregation.json") }

    public init(folder: URL) { self.folder = folder.standardizedFileURL }

    /// Reads the mesh, the segments and the aggregation and builds the ground truth; the segment count must
    /// equal the mesh's vertex count (an error names both files and both counts).
    public func groundTruth(labelMap: ScanNetLabelMap,
                            options: ScanNetGroundTruthOptions) throws(SceneIOError) -> (mesh: PlyMesh, truth: ScanNetGroundTruth) {
        for url in [meshURL, segmentsURL, aggregationURL] where !FileManager.default.fileExists(atPath: url.path) {
            throw .unreadable(url: url, reason: "missing: a ScanNet scan folder holds <scene>_vh_clean_2.ply, "
                              + "<scene>_vh_clean_2.0.010000.segs.json and <scene>.aggregation.json")
        }
        let mesh = try Ply.read(meshURL)
        let segments = try ScanNetAnnotation.readSegments(segmentsURL)
        guard segments.count == mesh.vertexCount else {
            throw .unreadable(url: segmentsURL, reason: "segIndices has \(segments.count) entries but \(meshURL.lastPathComponent) "
                              + "has \(mesh.vertexCount) vertices (the segs file must be the one of this mesh)")
        }
        let objects = try ScanNetAnnotation.readAggregation(aggregationURL)
        let truth = try ScanNetGroundTruth(segmentOfVertex: segments, objects: objects, labelMap: labelMap,
                                           options: options, segsURL: segmentsURL, aggregationURL: aggregationURL)
        return (mesh, truth)
    }
}

extension ScanNetGroundTruth {
    /// Writes `OUT/<scene>.txt` (one benchmark id per line, ScanNet's ground-truth format) and the scene
    /// folder `OUT/<scene>/` with `coord`, `color`, `normal` (area-weighted face normals; only when the mesh has
    /// faces), `superpoints`, `semantic`, `instance` and `scene.json`. Every file is written to a temporary
    /// name and renamed into place, and only after the whole scene was built.
    public func write(scene: String, mesh: PlyMesh, to out: URL, provenance: [String: String]) throws(SceneIOError) {
        try VideoFolderWriter.makeDirectory(out)
        let n = mesh.vertexCount
        var folder = try SceneFolder.create(at: out.appendingPathComponent(scene), provenance: provenance)
        try folder.write(mesh.flatPositions, shape: [n, 3], named: SceneArray.coord)
        let colors = mesh.colors.count == n ? mesh.colors : [SIMD3<UInt8>](repeating: SIMD3(128, 128, 128), count: n)
        try folder.write(colors.flatMap { [$0.x, $0.y, $0.z] }, shape: [n, 3], named: SceneArray.color)
        if mesh.triangleCount > 0 {
            try folder.write(Self.vertexNormals(mesh).flatMap { [$0.x, $0.y, $0.z] }, shape: [n, 3], named: SceneArray.normal)
        }
        try folder.write(superpoints, shape: [n], named: SceneArray.superpoints)
        try folder.write(semantic, shape: [n], named: SceneArray.semantic)
        try folder.write(instance, shape: [n], named: SceneArray.instance)
        try folder.setCount("points", n)
        try folder.setCount("instances", instanceCount)
        try folder.setCount("superpoints", Int(superpoints.max() ?? -1) + 1)
        var text = ""
        text.reserveCapacity(n * 6)
        for id in benchmarkIDs { text += String(id); text += "\n" }
        try AtomicFile.write(Data(text.utf8), to: out.appendingPathComponent(scene + ".txt"))
    }

    /// Area-weighted vertex normals (sum of unnormalised face normals), unit length; zero for isolated vertices.
    static func vertexNormals(_ mesh: PlyMesh) -> [SIMD3<Float>] {
        var sums = [SIMD3<Float>](repeating: .zero, count: mesh.vertexCount)
        for t in 0..<mesh.triangleCount {
            let a = Int(mesh.faces[3 * t]), b = Int(mesh.faces[3 * t + 1]), c = Int(mesh.faces[3 * t + 2])
            let p = mesh.positions
            let e1 = p[b] - p[a], e2 = p[c] - p[a]
            let cross = SIMD3<Float>(e1.y * e2.z - e1.z * e2.y, e1.z * e2.x - e1.x * e2.z, e1.x * e2.y - e1.y * e2.x)
            sums[a] += cross; sums[b] += cross; sums[c] += cross
        }
        return sums.map { v in
            let length = (v * v).sum().squareRoot()
            return length > 0 ? v / length : .zero
        }
    }
}
