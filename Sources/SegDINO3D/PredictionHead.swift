import Tensor

/// One set of predictions (before the first decoder layer or after one).
public struct LayerPrediction {
    /// Mask logits `[Q, S]` over superpoints.
    public let maskLogits: Var
    /// Class logits `[Q, T + 1]`: scaled cosine similarity to each text embedding, then to the no-object embedding.
    public let classLogits: Var
    /// Box centres `[Q, 3]`, metres.
    public let centers: Var
    /// Box sizes `[Q, 3]` in (0, 1), as fractions of the scene extent.
    public let sizes: Var
    /// Normalised class embeddings `[Q, textWidth]` (unit rows): what `query` compares with a text.
    public let embeddings: Var
}

/// The SegDINO3D-VL head shared by every layer: mask = LN(query) · mask featuresᵀ; class = `logitScale` ·
/// cos(projection of LN(query), text embedding) with a learned no-object embedding as the last class.
public final class PredictionHead: Module {
    let norm: LayerNorm
    let classProjection: MLP
    let noObject: Parameter
    let logitScale: Double

    public init(config: ModelConfig, using rng: inout some RandomNumberGenerator) {
        norm = LayerNorm(config.width)
        classProjection = MLP(widths: [config.width, config.width, config.textWidth], using: &rng)
        noObject = Parameter(.normal([1, config.textWidth], std: 1, using: &rng))
        logitScale = config.logitScale
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("norm", norm) + prefixed("class_proj", classProjection) + [("no_object", noObject)]
    }

    /// `queries [Q, d]`, `maskFeatures [S, d]`, `text [T, textWidth]` (constant; normalised here) → logits; the boxes
    /// are passed through.
    public func callAsFunction(_ queries: Var, maskFeatures: Var, text: Tensor, centers: Var, sizes: Var) -> LayerPrediction {
        let tape = queries.tape
        let q = norm(queries)
        let masks = q.matmul(maskFeatures, transposeB: true)
        let embedding = classProjection(q).rowNormalized()
        let vocabulary = Var.concat([tape.constant(text).rowNormalized(), tape.parameter(noObject).rowNormalized()], axis: 0)
        let logits = embedding.matmul(vocabulary, transposeB: true) * logitScale
        return LayerPrediction(maskLogits: masks, classLogits: logits, centers: centers, sizes: sizes, embeddings: embedding)
    }
}

extension Var {
    /// Each row divided by its L2 norm (`[R, C]`, ε = 1e-12 inside the root).
    public func rowNormalized() -> Var {
        self / ((self * self).sum(axes: [1], keepDims: true) + 1e-12).sqrt()
    }
}
