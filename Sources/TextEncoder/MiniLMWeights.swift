import Tensor

/// The shapes of all-MiniLM-L6-v2 (a 6-layer BERT, 384 wide, 12 heads, 1536 inner).
public struct MiniLMConfig: Sendable, Equatable {
    public var vocabularySize = 30522
    public var width = 384
    public var layers = 6
    public var heads = 12
    public var inner = 1536
    public var positions = 512
    public var typeVocabularySize = 2
    public var layerNormEpsilon: Float = 1e-12
    public init() {}
}

/// Pointers into the memory-mapped weights; Linear weights are PyTorch's `[out, in]`.
struct Linear: @unchecked Sendable {
    let weight: UnsafePointer<Float>, bias: UnsafePointer<Float>
    let outputs: Int, inputs: Int
}

struct LayerNormWeights: @unchecked Sendable {
    let gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>
}

struct EncoderLayerWeights: Sendable {
    let query: Linear, key: Linear, value: Linear, attentionOutput: Linear
    let attentionNorm: LayerNormWeights
    let intermediate: Linear, output: Linear
    let outputNorm: LayerNormWeights
}

/// Every tensor the forward pass reads, checked by name, dtype and shape against `MiniLMConfig`.
struct MiniLMWeights: @unchecked Sendable {
    let file: MappedSafetensors
    let wordEmbeddings: UnsafePointer<Float>, positionEmbeddings: UnsafePointer<Float>, typeEmbeddings: UnsafePointer<Float>
    let embeddingNorm: LayerNormWeights
    let layers: [EncoderLayerWeights]

    init(path: String, config c: MiniLMConfig) throws(TextEncoderError) {
        do { file = try MappedSafetensors(path: path) } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
        let f = file
        func tensor(_ name: String, _ shape: [Int]) throws(TextEncoderError) -> UnsafePointer<Float> {
            guard let e = f.entries[name] else { throw .missingTensor(path: path, tensor: name) }
            guard e.dtype == "F32" else { throw .wrongDType(path: path, tensor: name, expected: "F32", actual: e.dtype) }
            guard e.shape == shape else { throw .wrongShape(path: path, tensor: name, expected: shape, actual: e.shape) }
            do {
                guard let base = try f.floats(name).baseAddress else { throw TextEncoderError.missingTensor(path: path, tensor: name) }
                return base
            } catch let error as TensorError {
                throw .unreadable(path: path, reason: "tensor \(name): \(error)")
            } catch {
                throw .missingTensor(path: path, tensor: name)
            }
        }
        func linear(_ prefix: String, out: Int, in inputs: Int) throws(TextEncoderError) -> Linear {
            Linear(weight: try tensor(prefix + ".weight", [out, inputs]), bias: try tensor(prefix + ".bias", [out]),
                   outputs: out, inputs: inputs)
        }
        func norm(_ prefix: String) throws(TextEncoderError) -> LayerNormWeights {
            LayerNormWeights(gamma: try tensor(prefix + ".weight", [c.width]), beta: try tensor(prefix + ".bias", [c.width]))
        }
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [c.vocabularySize, c.width])
        positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [c.positions, c.width])
        typeEmbeddings = try tensor("embeddings.token_type_embeddings.weight", [c.typeVocabularySize, c.width])
        embeddingNorm = try norm("embeddings.LayerNorm")
        var layers: [EncoderLayerWeights] = []
        for l in 0..<c.layers {
            let p = "encoder.layer.\(l)."
            layers.append(EncoderLayerWeights(
                query: try linear(p + "attention.self.query", out: c.width, in: c.width),
                key: try linear(p + "attention.self.key", out: c.width, in: c.width),
                value: try linear(p + "attention.self.value", out: c.width, in: c.width),
                attentionOutput: try linear(p + "attention.output.dense", out: c.width, in: c.width),
                attentionNorm: try norm(p + "attention.output.LayerNorm"),
                intermediate: try linear(p + "intermediate.dense", out: c.inner, in: c.width),
                output: try linear(p + "output.dense", out: c.width, in: c.inner),
                outputNorm: try norm(p + "output.LayerNorm")))
        }
        self.layers = layers
    }
}
