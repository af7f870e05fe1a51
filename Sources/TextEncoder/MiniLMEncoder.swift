import COpenBLAS
import Foundation
import Tensor

/// all-MiniLM-L6-v2, inference only: token, position and type embeddings → LayerNorm → 6 post-LayerNorm
/// Transformer layers (12-head self-attention, GELU in its erf form) → mean over the phrase's tokens → unit length.
///
/// Phrases are run in packed batches: the tokens of several phrases are stacked into one `[T, 384]` matrix for
/// every dense layer, and attention runs phrase by phrase over that phrase's own tokens. This is the reference's
/// padded batch with its attention mask, minus the padding rows: a masked key gets weight exactly 0 there, and
/// padding rows never reach the mean, so the result is the same.
public final class MiniLMEncoder: @unchecked Sendable {
    public let config: MiniLMConfig
    public let tokenizer: WordPieceTokenizer
    public let model: TextModelFiles
    let weights: MiniLMWeights
    /// Tokens per packed batch (bounds the scratch memory to ≈ `maxBatchTokens` × 1536 floats).
    public var maxBatchTokens = 2048

    /// Loads `vocab.txt` and memory-maps `model.safetensors` of `model`, checking every tensor's name and shape.
    public init(model: TextModelFiles, config: MiniLMConfig = MiniLMConfig()) throws(TextEncoderError) {
        self.model = model
        self.config = config
        tokenizer = try WordPieceTokenizer(vocabularyFile: model.vocabulary.path)
        guard tokenizer.tokens.count == config.vocabularySize else {
            throw .badVocabulary(path: model.vocabulary.path, reason: "\(tokenizer.tokens.count) tokens, expected \(config.vocabularySize)")
        }
        weights = try MiniLMWeights(path: model.weights.path, config: config)
        setBLASThreads(1)
    }

    /// Unit embeddings `[texts.count, 384]`, row-major, in input order.
    public func embed(_ texts: [String]) -> [Float] {
        embed(tokenized: texts.map(tokenizer.encode))
    }

    /// Unit embeddings of already tokenized phrases (each `[CLS] … [SEP]`, at most `config.positions` long).
    public func embed(tokenized: [TokenizedText], progress: ((Int) -> Void)? = nil) -> [Float] {
        let w = config.width
        var out = [Float](repeating: 0, count: tokenized.count * w)
        var start = 0
        while start < tokenized.count {
            var end = start, tokens = 0
            while end < tokenized.count, end == start || tokens + tokenized[end].ids.count <= maxBatchTokens {
                tokens += tokenized[end].ids.count
                end += 1
            }
            let pooled = forward(tokenized[start..<end].map { Array($0.ids.prefix(config.positions)) })
            out.replaceSubrange((start * w)..<(end * w), with: pooled)
            start = end
            progress?(end)
        }
        return out
    }

    /// The packed forward pass of `sequences` → pooled, normalised rows `[sequences.count, width]`.
    func forward(_ sequences: [[Int32]]) -> [Float] {
        let c = config, w = c.width
        let lengths = sequences.map(\.count)
        let total = lengths.reduce(0, +)
        let s = Scratch(tokens: total, width: w, inner: c.inner, longest: lengths.max() ?? 0)
        let x = s.x
        var row = 0
        for seq in sequences {
            for (p, id) in seq.enumerated() {
                let word = weights.wordEmbeddings + Int(id) * w, pos = weights.positionEmbeddings + p * w
                let type = weights.typeEmbeddings
                for j in 0..<w { x[row * w + j] = word[j] + pos[j] + type[j] }
                row += 1
            }
        }
        layerNorm(x, rows: total, weights.embeddingNorm)
        for layer in weights.layers { encoderLayer(layer, lengths: lengths, scratch: s) }
        // Mean over each phrase's tokens, then L2 normalisation (ε = 1e-12 on the norm, as the reference).
        var pooled = [Float](repeating: 0, count: sequences.count * w)
        var offset = 0
        var acc = [Double](repeating: 0, count: w)
        for (q, n) in lengths.enumerated() {
            for j in 0..<w { acc[j] = 0 }
            for t in offset..<(offset + n) { for j in 0..<w { acc[j] += Double(x[t * w + j]) } }
            offset += n
            var norm = 0.0
            for j in 0..<w { acc[j] /= Double(max(n, 1)); norm += acc[j] * acc[j] }
            norm = max(norm.squareRoot(), 1e-12)
            for j in 0..<w { pooled[q * w + j] = Float(acc[j] / norm) }
        }
        return pooled
    }

    /// Working memory of one packed batch; freed with the object.
    final class Scratch {
        let x, q, k, v, context, projected, hidden, scores: UnsafeMutablePointer<Float>
        private let all: [UnsafeMutablePointer<Float>]
        init(tokens: Int, width: Int, inner: Int, longest: Int) {
            func buffer(_ n: Int) -> UnsafeMutablePointer<Float> {
                let p = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
                p.initialize(repeating: 0, count: max(n, 1))
                return p
            }
            let n = tokens * width
            x = buffer(n); q = buffer(n); k = buffer(n); v = buffer(n); context = buffer(n); projected = buffer(n)
            hidden = buffer(tokens * inner)
            scores = buffer(longest * longest)
            all = [x, q, k, v, context, projected, hidden, scores]
        }
        deinit { for p in all { p.deallocate() } }
    }

    func encoderLayer(_ l: EncoderLayerWeights, lengths: [Int], scratch s: Scratch) {
        let total = lengths.reduce(0, +), w = config.width
        linear(l.query, s.x, rows: total, into: s.q)
        linear(l.key, s.x, rows: total, into: s.k)
        linear(l.value, s.x, rows: total, into: s.v)
        attention(lengths: lengths, scratch: s)
        linear(l.attentionOutput, s.context, rows: total, into: s.projected)
        for i in 0..<(total * w) { s.x[i] += s.projected[i] }
        layerNorm(s.x, rows: total, l.attentionNorm)
        linear(l.intermediate, s.x, rows: total, into: s.hidden)
        let invSqrt2: Float = 0.70710678118654752440
        for i in 0..<(total * config.inner) { let h = s.hidden[i]; s.hidden[i] = 0.5 * h * (1 + erff(h * invSqrt2)) }
        linear(l.output, s.hidden, rows: total, into: s.projected)
        for i in 0..<(total * w) { s.x[i] += s.projected[i] }
        layerNorm(s.x, rows: total, l.outputNorm)
    }

    /// softmax(Q_h K_hᵀ / √d) V_h for every phrase and head, into `context`.
    func attention(lengths: [Int], scratch s: Scratch) {
        let w = config.width, heads = config.heads, d = w / heads
        let scale = 1 / Float(d).squareRoot()
        let p = s.scores
        var offset = 0
        for n in lengths {
            for h in 0..<heads {
                let at = offset * w + h * d
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(d), scale,
                            s.q + at, Int32(w), s.k + at, Int32(w), 0, p, Int32(n))
                for r in 0..<n {
                    let row = p + r * n
                    var mx = -Float.infinity
                    for j in 0..<n { mx = max(mx, row[j]) }
                    var z: Float = 0
                    for j in 0..<n { let e = expf(row[j] - mx); row[j] = e; z += e }
                    let inv = 1 / z
                    for j in 0..<n { row[j] *= inv }
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(d), Int32(n), 1,
                            p, Int32(n), s.v + at, Int32(w), 0, s.context + at, Int32(w))
            }
            offset += n
        }
    }

    /// out[rows, o] = x[rows, i] · Wᵀ + b.
    func linear(_ l: Linear, _ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>) {
        let o = l.outputs
        for r in 0..<rows { (out + r * o).update(from: l.bias, count: o) }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(o), Int32(l.inputs), 1,
                    x, Int32(l.inputs), l.weight, Int32(l.inputs), 1, out, Int32(o))
    }

    /// Row-wise (x − mean) / √(var + ε) · γ + β, biased variance, statistics in Double.
    func layerNorm(_ x: UnsafeMutablePointer<Float>, rows: Int, _ n: LayerNormWeights) {
        let w = config.width, eps = Double(config.layerNormEpsilon)
        for r in 0..<rows {
            let row = x + r * w
            var mean = 0.0
            for j in 0..<w { mean += Double(row[j]) }
            mean /= Double(w)
            var v = 0.0
            for j in 0..<w { let d = Double(row[j]) - mean; v += d * d }
            let inv = 1 / (v / Double(w) + eps).squareRoot()
            for j in 0..<w { row[j] = Float((Double(row[j]) - mean) * inv) * n.gamma[j] + n.beta[j] }
        }
    }
}

extension MiniLMEncoder {
    /// Locates (`TextModelFiles.locate`), verifies the hash of, and loads the model.
    public static func load(folder: String? = nil) throws(TextEncoderError) -> MiniLMEncoder {
        let files = try TextModelFiles.locate(explicit: folder)
        try files.verify()
        return try MiniLMEncoder(model: files)
    }
}
