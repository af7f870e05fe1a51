import Foundation
import _TestSupport
import Tensor
@testable import TextEncoder

/// A randomly initialised miniature of the encoder (vocabulary 22, width 8, 2 heads, 2 layers), written as a
/// model folder, for tests that must not need the real weights.
enum TinyModel {
    static var config: MiniLMConfig {
        var c = MiniLMConfig()
        c.vocabularySize = TokenizerRuleTests.vocabulary.count
        c.width = 8; c.heads = 2; c.inner = 16; c.layers = 2; c.positions = 32
        return c
    }

    /// Every tensor name with its shape, in the reference's naming.
    static func shapes(_ c: MiniLMConfig) -> [(String, [Int])] {
        var out: [(String, [Int])] = [
            ("embeddings.word_embeddings.weight", [c.vocabularySize, c.width]),
            ("embeddings.position_embeddings.weight", [c.positions, c.width]),
            ("embeddings.token_type_embeddings.weight", [c.typeVocabularySize, c.width]),
            ("embeddings.LayerNorm.weight", [c.width]), ("embeddings.LayerNorm.bias", [c.width]),
        ]
        for l in 0..<c.layers {
            let p = "encoder.layer.\(l)."
            for name in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"] {
                out += [(p + name + ".weight", [c.width, c.width]), (p + name + ".bias", [c.width])]
            }
            out += [(p + "intermediate.dense.weight", [c.inner, c.width]), (p + "intermediate.dense.bias", [c.inner]),
                    (p + "output.dense.weight", [c.width, c.inner]), (p + "output.dense.bias", [c.width])]
            for name in ["attention.output.LayerNorm", "output.LayerNorm"] {
                out += [(p + name + ".weight", [c.width]), (p + name + ".bias", [c.width])]
            }
        }
        return out
    }

    /// Writes `vocab.txt` and `model.safetensors` into a new folder; `edit` may change the tensor list first.
    static func write(seed: UInt64 = 7, edit: (inout [(name: String, tensor: Tensor)]) -> Void = { _ in }) throws -> URL {
        let folder = temporaryFolder("tiny-minilm")
        var rng = SeededGenerator(seed: seed)
        var tensors: [(name: String, tensor: Tensor)] = try shapes(config).map { name, shape in
            let n = shape.reduce(1, *)
            let values = (0..<n).map { _ in Float(rng.nextGaussian()) * 0.5 + (name.hasSuffix("LayerNorm.weight") ? 1 : 0) }
            return (name, try Tensor(values, shape: shape))
        }
        edit(&tensors)
        try Safetensors.write(tensors, to: folder.appendingPathComponent("model.safetensors").path)
        try (TokenizerRuleTests.vocabulary.joined(separator: "\n") + "\n")
            .write(to: folder.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        return folder
    }
}
