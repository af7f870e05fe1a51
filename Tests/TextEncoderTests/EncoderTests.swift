import Foundation
import Tensor
import Testing
@testable import TextEncoder

/// The forward pass on a random miniature model: batching, pooling, normalisation, and weight-file errors.
@Suite struct EncoderTests {
    func encoder(_ folder: URL) throws -> MiniLMEncoder {
        try MiniLMEncoder(model: TextModelFiles(folder: folder), config: TinyModel.config)
    }

    @Test func packedBatchesEqualOnePhraseAtATime() throws {
        let folder = try TinyModel.write()
        defer { try? FileManager.default.removeItem(at: folder) }
        let e = try encoder(folder)
        let phrases = ["chair", "wooden chair, a chair!", "", "日本 x", "a a a a a a a a a a a a a a a a a a"]
        let together = e.embed(phrases)
        e.maxBatchTokens = 1
        var alone: [Float] = []
        for p in phrases { alone += e.embed([p]) }
        #expect(together.count == phrases.count * 8)
        #expect(zip(together, alone).allSatisfy { abs($0 - $1) < 1e-6 })
        for r in 0..<phrases.count {
            let norm = together[(r * 8)..<(r * 8 + 8)].reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
        // Different phrases, different vectors; the same phrase, the same vector.
        #expect(together[0..<8] != together[8..<16])
        #expect(e.embed(["CHAIR"]) == e.embed(["chair"]))
    }

    @Test func aMissingTensorIsNamed() throws {
        let folder = try TinyModel.write { $0.removeAll { $0.name == "encoder.layer.1.output.dense.bias" } }
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("model.safetensors").path
        #expect(throws: TextEncoderError.missingTensor(path: path, tensor: "encoder.layer.1.output.dense.bias")) { try encoder(folder) }
    }

    @Test func aWrongShapeIsNamed() throws {
        let folder = try TinyModel.write { list in
            if let i = list.firstIndex(where: { $0.name == "encoder.layer.0.attention.self.key.weight" }) {
                list[i].tensor = Tensor.zeros([8, 7])
            }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("model.safetensors").path
        #expect(throws: TextEncoderError.wrongShape(path: path, tensor: "encoder.layer.0.attention.self.key.weight",
                                                    expected: [8, 8], actual: [8, 7])) { try encoder(folder) }
    }

    @Test func aWrongHashIsRefusedAndNamesTheFile() throws {
        let folder = try TinyModel.write()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = TextModelFiles(folder: folder)
        #expect {
            try files.verify()
        } throws: { error in
            guard case let .wrongHash(path, expected, _) = error as? TextEncoderError else { return false }
            return path == files.weights.path && expected == TextModelFiles.weightsSHA256
        }
    }

    @Test func aTruncatedFileIsUnreadableNotACrash() throws {
        let folder = try TinyModel.write()
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = folder.appendingPathComponent("model.safetensors")
        try Data(try Data(contentsOf: weights).prefix(200)).write(to: weights)
        #expect(throws: TextEncoderError.self) { try encoder(folder) }
    }

    @Test func locateNamesEveryPlaceAndTheFetchCommand() {
        #expect(throws: TextEncoderError.modelNotFound(searched: ["/nowhere/a", "/nowhere/cache/ovseg3r/all-minilm-l6-v2"],
                                                       fetch: "tools/setup.sh --model")) {
            try TextModelFiles.locate(explicit: "/nowhere/a", environment: ["XDG_CACHE_HOME": "/nowhere/cache"])
        }
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256KnownAnswers(input: String, digest: String) {
        #expect(Array(input.utf8).withUnsafeBytes { SHA256.hex($0) } == digest)
    }
}
