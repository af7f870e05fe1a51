import Foundation
import _TestSupport
import SceneIO
import Testing

/// `import scannet-gt`, `transfer` and `export pointcept` end to end on files written in ScanNet's layout.
@Suite struct ScanNetCommandTests {
    typealias Fixture = ScanNetCLIFixture

    func ap(_ cli: CLIRunner, pred: URL, gt: URL, extra: [String] = [], in dir: TemporaryDirectory) throws -> Double? {
        let json = dir.file("eval-\(UUID().uuidString).json")
        try cli.succeed(["eval", "--pred", pred.path, "--gt", gt.path, "--json", json.path] + extra)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
        return object?["ap"] as? Double
    }

    @Test("import scannet-gt writes the benchmark GT; the GT as predictions scores AP 1.0", arguments: ["scannet200", "scannet20"])
    func groundTruthScoresOne(benchmark: String) throws {
        let cli = try CLIRunner(), dir = try TemporaryDirectory("cli-tests")
        let (scan, tsv) = try Fixture.write(in: dir.url)
        let gt = dir.file("gt")
        let result = try cli.run(["import", "scannet-gt", scan.path, "--out", gt.path, "--label-map", tsv.path, "--benchmark", benchmark])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("mystery thing"))
        let masks = try Fixture.masks(fromGroundTruth: gt.appendingPathComponent(Fixture.scene + ".txt"))
        let chair = benchmark == "scannet200" ? 2 : 5, table = benchmark == "scannet200" ? 4 : 7
        #expect(masks.map(\.label) == [1, chair, table])
        #expect(masks.map(\.points.count) == [100, 200, 100])
        let pred = dir.file("pred")
        try Fixture.writePredictions(masks, scene: Fixture.scene, pointCount: Fixture.vertexCount, to: pred)
        let classes = ["--classes", gt.appendingPathComponent("classes.json").path]
        #expect(try ap(cli, pred: pred, gt: gt, extra: classes, in: dir) == 1.0)
        // Dropping the table prediction must lower AP.
        try Fixture.writePredictions(Array(masks.prefix(2)), scene: Fixture.scene, pointCount: Fixture.vertexCount, to: pred)
        #expect((try ap(cli, pred: pred, gt: gt, extra: classes, in: dir) ?? 1) < 1.0)
    }

    @Test("bad input: a segs.json of the wrong length and an unknown label under --unknown-labels error write nothing")
    func badInput() throws {
        let cli = try CLIRunner(), dir = try TemporaryDirectory("cli-tests")
        let (scan, tsv) = try Fixture.write(in: dir.url, segmentCount: 590)
        let gt = dir.file("gt")
        let short = try cli.run(["import", "scannet-gt", scan.path, "--out", gt.path, "--label-map", tsv.path])
        #expect(short.status != 0)
        #expect(short.stderr.contains("590") && short.stderr.contains("segs.json"))
        #expect(!FileManager.default.fileExists(atPath: gt.appendingPathComponent(Fixture.scene + ".txt").path))
        try Fixture.write(in: dir.url)
        let strict = try cli.run(["import", "scannet-gt", scan.path, "--out", gt.path, "--label-map", tsv.path, "--unknown-labels", "error"])
        #expect(strict.status != 0 && strict.stderr.contains("mystery thing") && strict.stderr.contains("segGroups[3]"))
        #expect(!FileManager.default.fileExists(atPath: gt.appendingPathComponent(Fixture.scene + ".txt").path))
    }

    @Test("transfer carries predictions from scene points onto the mesh (AP 1.0) and refuses a mesh that is not aligned")
    func transfer() throws {
        let cli = try CLIRunner(), dir = try TemporaryDirectory("cli-tests")
        let (scan, tsv) = try Fixture.write(in: dir.url)
        let gt = dir.file("gt")
        try cli.succeed(["import", "scannet-gt", scan.path, "--out", gt.path, "--label-map", tsv.path])
        let masks = try Fixture.masks(fromGroundTruth: gt.appendingPathComponent(Fixture.scene + ".txt"))
        // A "reconstruction": the vertices in reverse order, 1 cm off, without the last mesh row (30 unlabelled
        // vertices the video never saw).
        let n = Fixture.vertexCount, kept = n - 30
        let vertices = Fixture.positions()
        let points = (0..<kept).map { vertices[kept - 1 - $0] + SIMD3<Float>(0.01, 0, 0) }
        func writeScene(_ points: [SIMD3<Float>], name: String) throws -> URL {
            var folder = try SceneFolder.create(at: dir.file(name))
            try folder.write(points.flatMap { [$0.x, $0.y, $0.z] }, shape: [points.count, 3], named: "coord")
            return folder.url
        }
        let scene = try writeScene(points, name: "recon")
        let pred = dir.file("pred")
        let onPoints = masks.map { m in (label: m.label, points: m.points.compactMap { v in v < kept ? kept - 1 - v : nil }) }
        try Fixture.writePredictions(onPoints, scene: "recon", pointCount: kept, to: pred)
        let out = dir.file("pred-mesh")
        let mesh = scan.appendingPathComponent(Fixture.scene + "_vh_clean_2.ply").path
        let report = try cli.succeed(["transfer", "--pred", pred.path, "--scene", scene.path, "--mesh", mesh, "--out", out.path,
                                      "--name", Fixture.scene, "--mesh-radius", "0.02"])
        #expect(report.contains("30 vertices (5.0 %) took no prediction"))
        #expect(try ap(cli, pred: out, gt: gt, in: dir) == 1.0)
        // The same points 1 m away: refused, naming the mesh.
        let far = try writeScene(points.map { $0 + SIMD3<Float>(1, 0, 0) }, name: "far")
        try Fixture.writePredictions(onPoints, scene: "far", pointCount: kept, to: pred)
        let refused = try cli.run(["transfer", "--pred", pred.path, "--scene", far.path, "--mesh", mesh, "--out", dir.file("x").path])
        #expect(refused.status != 0 && refused.stderr.contains("not aligned") && refused.stderr.contains("_vh_clean_2.ply"))
    }

    @Test("export pointcept writes Pointcept's ScanNet layout from an imported scan")
    func exportPointcept() throws {
        let cli = try CLIRunner(), dir = try TemporaryDirectory("cli-tests")
        let (scan, tsv) = try Fixture.write(in: dir.url)
        let gt = dir.file("gt")
        try cli.succeed(["import", "scannet-gt", scan.path, "--out", gt.path, "--label-map", tsv.path])
        let out = dir.file("pointcept")
        try cli.succeed(["export", "pointcept", gt.path, "--out", out.path])
        let folder = out.appendingPathComponent(Fixture.scene)
        let instance = try Npy.read(folder.appendingPathComponent("instance.npy")).int32s()
        let semantic = try Npy.read(folder.appendingPathComponent("semantic.npy")).int32s()
        let segment = try Npy.read(folder.appendingPathComponent("segment.npy")).int32s()
        #expect(try Npy.read(folder.appendingPathComponent("coord.npy")).shape == [Fixture.vertexCount, 3])
        #expect(instance[0] == 1 && instance[250] == 2 && instance[450] == -1 && instance[550] == -1)
        #expect(semantic[0] == 2 && semantic[450] == -1)
        #expect(segment[0] == 0 && segment[599] == 5)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("export.json").path))
        // Two scene folders of one name would overwrite each other: refused.
        let other = dir.file("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: gt.appendingPathComponent(Fixture.scene), to: other.appendingPathComponent(Fixture.scene))
        let clash = try cli.run(["export", "pointcept", gt.path, other.path, "--out", dir.file("clash").path])
        #expect(clash.status != 0 && clash.stderr.contains("same scene name"))
    }
}
