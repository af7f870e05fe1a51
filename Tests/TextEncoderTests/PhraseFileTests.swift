import Foundation
import _TestSupport
import Testing
@testable import TextEncoder

@Suite struct PhraseFileTests {
    func temporaryFile(_ bytes: [UInt8], _ ext: String) throws -> String {
        let url = temporaryFolder("phrases").appendingPathComponent("phrases.\(ext)")
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func linesSkipEmptyAndDropCarriageReturns() throws {
        let path = try temporaryFile(Array("wooden chair\r\n\nthe red mug\n".utf8), "txt")
        #expect(try PhraseFile.read(path) == ["wooden chair", "the red mug"])
    }

    @Test func jsonArrayKeepsEmptyStrings() throws {
        let path = try temporaryFile(Array(#"  ["a", "", "  "]"#.utf8), "json")
        #expect(try PhraseFile.read(path) == ["a", "", "  "])
    }

    @Test func jsonArrayOfNonStringsIsAnError() throws {
        let path = try temporaryFile(Array(#"["a", 3]"#.utf8), "json")
        #expect(throws: TextEncoderError.badPhraseFile(path: path, reason: "element [1] is not a string")) { try PhraseFile.read(path) }
    }

    @Test(arguments: [
        ([0x61, 0x62, 0xFF, 0x63] as [UInt8], 2),       // a stray byte
        ([0x63, 0x61, 0x66, 0xC3] as [UInt8], 3),       // a truncated 2-byte sequence at the end
        ([0xC3, 0xA9, 0xE2, 0x82, 0x41] as [UInt8], 2), // "é", then a 3-byte sequence cut short
        ([0xED, 0xA0, 0x80] as [UInt8], 0),             // an encoded surrogate
    ])
    func invalidUTF8NamesTheByteOffset(bytes: [UInt8], offset: Int) throws {
        #expect(PhraseFile.firstInvalidUTF8(bytes) == offset)
        let path = try temporaryFile(bytes, "txt")
        #expect(throws: TextEncoderError.invalidUTF8(path: path, byteOffset: offset)) { try PhraseFile.read(path) }
    }

    @Test func validUTF8HasNoOffset() {
        #expect(PhraseFile.firstInvalidUTF8(Array("naïve café 日本 🙂".utf8)) == nil)
    }
}
