import Foundation
import _TestSupport
import Testing
@testable import SceneIO

@Suite("ScanNet ground truth")
struct ScanNetGroundTruthTests {
    typealias Fixture = ScanNetScanFixture

    /// Expected per-vertex benchmark ids of the fixture, from the conventions (label·1000 + objectId + 1).
    static func expected(_ benchmark: ScanNetBenchmark) -> [Int32] {
        let chair: Int32 = benchmark == .scannet200 ? 2 : 5, table: Int32 = benchmark == .scannet200 ? 4 : 7
        let bySegment: [Int32] = [chair * 1000 + 1, chair * 1000 + 1, table * 1000 + 2, 1 * 1000 + 3, 0, 0]
        return (0..<Fixture.vertexCount).map { bySegment[$0 / 100] }
    }

    func read(_ root: URL, benchmark: ScanNetBenchmark, unknown: ScanNetUnknownLabelPolicy = .void) throws -> (PlyMesh, ScanNetGroundTruth) {
        let map = try ScanNetLabelMap(contentsOf: root.appendingPathComponent("labels.tsv"), column: benchmark.labelColumn)
        let scan = ScanNetScan(folder: root.appendingPathComponent(Fixture.scene))
        return try scan.groundTruth(labelMap: map, options: ScanNetGroundTruthOptions(benchmark: benchmark, unknownLabels: unknown))
    }

    @Test("label map: first row of a repeated category wins, empty cells are skipped", arguments: ScanNetBenchmark.allCases)
    func labelMap(benchmark: ScanNetBenchmark) throws {
        let dir = try TemporaryDirectory()
        let (_, tsv) = try Fixture.write(in: dir.url)
        let map = try ScanNetLabelMap(contentsOf: tsv, column: benchmark.labelColumn)
        #expect(map.ids["chair"] == (benchmark == .scannet200 ? 2 : 5))
        #expect(map.repeatedCategories == ["chair"])
        #expect(map.skippedRows == (benchmark == .scannet200 ? 0 : 1))
        #expect(throws: SceneIOError.self) { try ScanNetLabelMap(contentsOf: tsv, column: "nyu41id") }
    }

    @Test("per-vertex ids, semantic, instance and superpoints follow ScanNet's conventions", arguments: ScanNetBenchmark.allCases)
    func conventions(benchmark: ScanNetBenchmark) throws {
        let dir = try TemporaryDirectory()
        try Fixture.write(in: dir.url)
        let (mesh, truth) = try read(dir.url, benchmark: benchmark)
        #expect(mesh.vertexCount == Fixture.vertexCount)
        #expect(truth.benchmarkIDs == Self.expected(benchmark))
        #expect(truth.semantic == truth.benchmarkIDs.map { $0 / 1000 })
        #expect(truth.instance == truth.benchmarkIDs.map { $0 % 1000 })
        #expect(truth.superpoints == (0..<Fixture.vertexCount).map { Int32($0 / 100) })
        #expect(truth.unknownLabelObjects.map(\.label) == ["mystery thing"])
        #expect(truth.instanceCount == 3)
        #expect(truth.overlappingVertices == 0)
    }

    @Test("the older aggregation layout (groups with id only) gives the same ground truth")
    func olderLayout() throws {
        let dir = try TemporaryDirectory()
        try Fixture.write(in: dir.url, layout: "older")
        let (_, truth) = try read(dir.url, benchmark: .scannet200)
        #expect(truth.benchmarkIDs == Self.expected(.scannet200))
    }

    @Test("a vertex in two objects keeps the later one, and is counted")
    func overlap() throws {
        let dir = try TemporaryDirectory()
        var groups = Fixture.standardGroups
        groups.append(.init(objectID: 4, id: 4, label: "door", segments: [Fixture.segmentID(1)]))
        try Fixture.write(in: dir.url, groups: groups)
        let (_, truth) = try read(dir.url, benchmark: .scannet200)
        #expect(truth.overlappingVertices == 100)
        #expect(truth.benchmarkIDs[150] == 5 * 1000 + 5)
        #expect(truth.benchmarkIDs[50] == 2001)
    }

    @Test("bad input: segs length, a missing segment, an unknown label under .error name the file and object")
    func badInput() throws {
        let dir = try TemporaryDirectory()
        try Fixture.write(in: dir.url, segments: (0..<599).map { Fixture.segmentID($0 / 100) })
        do {
            _ = try read(dir.url, benchmark: .scannet200)
            Issue.record("a short segs.json was accepted")
        } catch {
            #expect("\(error)".contains("599") && "\(error)".contains("600") && "\(error)".contains("segs.json"))
        }
        let dir2 = try TemporaryDirectory()
        var groups = Fixture.standardGroups
        groups[1].segments.append(999)
        try Fixture.write(in: dir2.url, groups: groups)
        do {
            _ = try read(dir2.url, benchmark: .scannet200)
            Issue.record("an object naming a missing segment was accepted")
        } catch {
            #expect("\(error)".contains("segGroups[1]") && "\(error)".contains("999") && "\(error)".contains("aggregation.json"))
        }
        let dir3 = try TemporaryDirectory()
        try Fixture.write(in: dir3.url)
        do {
            _ = try read(dir3.url, benchmark: .scannet200, unknown: .error)
            Issue.record("an unknown label was accepted under .error")
        } catch {
            #expect("\(error)".contains("mystery thing") && "\(error)".contains("segGroups[3]"))
        }
    }

    @Test("the written GT/<scene>.txt and scene folder round-trip, and match the numpy reference (when available)",
          arguments: ScanNetBenchmark.allCases)
    func writeAndReference(benchmark: ScanNetBenchmark) throws {
        let dir = try TemporaryDirectory()
        let (scan, tsv) = try Fixture.write(in: dir.url)
        let (mesh, truth) = try read(dir.url, benchmark: benchmark)
        let out = dir.url.appendingPathComponent("gt")
        try truth.write(scene: Fixture.scene, mesh: mesh, to: out, provenance: [:])
        let text = try String(contentsOf: out.appendingPathComponent(Fixture.scene + ".txt"), encoding: .utf8)
        let lines = text.split(separator: "\n").compactMap { Int32($0) }
        #expect(lines == Self.expected(benchmark))
        let folder = try SceneFolder(out.appendingPathComponent(Fixture.scene))
        try folder.checkConventions()
        #expect(try folder.read("semantic").int32s() == truth.semantic)
        #expect(try folder.read("normal").shape == [Fixture.vertexCount, 3])
        let probe = try runProcess("python3", ["-c", "import numpy"])
        guard probe.status == 0 else { return }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("tools/scannet/scannet_gt_reference.py")
        let reference = dir.url.appendingPathComponent("reference.txt")
        let valid = benchmark.classes.entries.map { String($0.id) }.joined(separator: ",")
        let run = try runProcess("python3", [script.path, scan.path, tsv.path, benchmark.labelColumn, valid, reference.path])
        #expect(run.status == 0, "\(run.stderr)")
        let referenceIDs = try String(contentsOf: reference, encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
        #expect(referenceIDs == lines)
    }
}
