import Foundation
import SceneIO
import Testing
@testable import Train

@Suite struct TextEmbeddingsTests {
    /// The committed MiniLM table: every ScanNet200 name, 384 dims, unit rows, related names closer than unrelated.
    @Test func committedTableCoversScanNet200() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let table = try TextEmbeddings.load(stem: root.appendingPathComponent("data/text_embeddings"))
        #expect(table.dims == 384)
        for name in ClassCatalog.scanNet200().names { #expect(table.contains(name), "no embedding for \(name)") }
        let m = try table.matrix(for: ["chair", "armchair", "toilet"]).floats()
        func dot(_ a: Int, _ b: Int) -> Float { (0..<384).reduce(0) { $0 + m[a * 384 + $1] * m[b * 384 + $1] } }
        for r in 0..<3 { #expect(abs(dot(r, r) - 1) < 1e-5) }
        #expect(dot(0, 1) > dot(0, 2))
        #expect(throws: TrainError.self) { try table.matrix(for: ["not a class name"]) }
    }
}
