import Foundation
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
    /// Semantic logits `[Q, semanticClasses + 1]` of each query's seed superpoint; last prediction only, and only
    /// when the model has a semantic head.
    public internal(set) var semanticLogits: Var? = nil
    /// Logits `[Q, 1]` of each query's predicted mask IoU; last prediction only, and only when the model has a
    /// quality head (`ModelConfig.qualityHead`).
    public internal(set) var qualityLogits: Var? = nil
}

/// The SegDINO3D-VL head shared by every layer: mask = LN(query) · mask featuresᵀ; class = scale ·
/// cos(projection of LN(query), text embedding) with a learned no-object embedding as the last class.
///
/// The scale is the temperature 1/τ of the text classifier. With `learnLogitScale` it is learned as
/// `exp(logScale)` (CLIP's parametrisation, so that it stays positive and moves multiplicatively), starting at
/// `logitScale` and clamped to [1, `maxLogitScale`]; outside the clamp it is a constant, so its gradient is 0
/// there, as with `torch.clamp`.
public final class PredictionHead: Module {
    let norm: LayerNorm
    let classProjection: MLP
    let noObject: Parameter
    /// `[1, 1]` log of the logit scale, or nil for a fixed scale.
    let logScale: Parameter?
    let fixedScale: Double
    let maxScale: Double

    public init(config: ModelConfig, dtype: DType = .float32, using rng: inout some RandomNumberGenerator) {
        norm = LayerNorm(config.width, dtype: dtype)
        classProjection = MLP(widths: [config.width, config.width, config.textWidth], dtype: dtype, using: &rng)
        noObject = Parameter(.normal([1, config.textWidth], std: 1, dtype: dtype, using: &rng))
        logScale = config.learnLogitScale ? Parameter(Tensor(repeating: Foundation.log(config.logitScale), shape: [1, 1], dtype: dtype)) : nil
        fixedScale = config.logitScale
        maxScale = config.maxLogitScale
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("norm", norm) + prefixed("class_proj", classProjection) + [("no_object", noObject)]
            + (logScale.map { [("logit_scale", $0)] } ?? [])
    }

    /// The current logit scale (after the clamp).
    public var logitScale: Double {
        guard let logScale else { return fixedScale }
        return min(max(Foundation.exp(logScale.value.scalar), 1), maxScale)
    }

    /// `queries [Q, d]`, `maskFeatures [S, d]`, `text [T, textWidth]` (constant; normalised here) → logits; the boxes
    /// are passed through.
    public func callAsFunction(_ queries: Var, maskFeatures: Var, text: Tensor, centers: Var, sizes: Var) -> LayerPrediction {
        let tape = queries.tape
        let q = norm(queries)
        let masks = q.matmul(maskFeatures, transposeB: true)
        let embedding = classProjection(q).rowNormalized()
        let vocabulary = Var.concat([tape.constant(text).rowNormalized(), tape.parameter(noObject).rowNormalized()], axis: 0)
        let cosine = embedding.matmul(vocabulary, transposeB: true)
        let logits: Var
        if let logScale, logScale.value.scalar >= 0, logScale.value.scalar <= Foundation.log(maxScale) {
            logits = cosine * tape.parameter(logScale).exp()
        } else {
            logits = cosine * logitScale
        }
        return LayerPrediction(maskLogits: masks, classLogits: logits, centers: centers, sizes: sizes, embeddings: embedding)
    }
}

extension Var {
    /// Each row divided by its L2 norm (`[R, C]`, ε = 1e-12 inside the root).
    public func rowNormalized() -> Var {
        self / ((self * self).sum(axes: [1], keepDims: true) + 1e-12).sqrt()
    }
}
