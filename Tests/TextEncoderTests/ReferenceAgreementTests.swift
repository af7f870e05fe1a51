import Foundation
import Tensor
import Testing
@testable import TextEncoder

/// The real model against the stored output of the reference pipeline (tools/check_text_encoder.py
/// --write-fixture: sentence-transformers on the same files): the 200 ScanNet200 names and
/// Fixtures/phrases.json (attributes, punctuation, accents, other scripts, emoji, white space, empty, > 256 tokens).
enum InstalledModel {
    static var present: Bool { (try? TextModelFiles.locate(explicit: nil)) != nil }
}

@Suite(.enabled(if: InstalledModel.present,
                "text model not installed (run tools/setup.sh --model); reference agreement tests skipped"))
struct ReferenceAgreementTests {
    struct Fixture: Decodable {
        var phrases: [String]
        var tokenIds: [[Int32]]
        var vectorRows: [Int]
        var dims: Int
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func load() throws -> (Fixture, [Float]) {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: fixtures.appendingPathComponent("reference.json")))
        let npy = try Data(contentsOf: fixtures.appendingPathComponent("reference_vectors.npy"))
        // .npy v1: magic (6) + version (2) + u16 header length + header, then little-endian f32 rows.
        let headerLength = Int(npy[8]) | Int(npy[9]) << 8
        let body = npy.dropFirst(10 + headerLength)
        let floats = body.withUnsafeBytes { raw in (0..<(body.count / 4)).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
        return (fixture, floats)
    }

    @Test func tokenIdsAreIdentical() throws {
        let (fixture, _) = try Self.load()
        let files = try TextModelFiles.locate(explicit: nil)
        let tokenizer = try WordPieceTokenizer(vocabularyFile: files.vocabulary.path)
        for (phrase, ids) in zip(fixture.phrases, fixture.tokenIds) {
            #expect(tokenizer.encode(phrase).ids == ids, "\(phrase.debugDescription.prefix(60))")
        }
        #expect(fixture.phrases.count == 264)
    }

    @Test func embeddingsAgreeWithin1e5() throws {
        let (fixture, reference) = try Self.load()
        let encoder = try MiniLMEncoder.load()
        let phrases = fixture.vectorRows.map { fixture.phrases[$0] }
        let mine = encoder.embed(phrases)
        #expect(mine.count == reference.count)
        var worst: Float = 0
        for (a, b) in zip(mine, reference) { worst = max(worst, abs(a - b)) }
        #expect(worst < 1e-5, "largest |difference| \(worst)")
    }
}
