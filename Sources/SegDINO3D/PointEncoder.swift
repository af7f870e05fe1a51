import Tensor

/// The backbone: anything that turns a scene into one feature row per point and per superpoint. The CPU default is
/// `SuperpointEncoder` (a per-point MLP); `SparseUNetEncoder` is the sparse-convolution UNet of the published model.
public protocol PointEncoder: Module {
    /// Width of `pointFeatures`' rows.
    var pointFeatureWidth: Int { get }
    /// Per-point features `[N, pointFeatureWidth]` (what DITR's distillation head reads).
    func pointFeatures(_ input: ModelInput, geometry: SceneGeometry, tape: Tape) throws(SegDINO3DError) -> Var
    /// Superpoint features `[S, width]` for `input` (S = `input.superpointCount`).
    func encode(_ input: ModelInput, geometry: SceneGeometry, tape: Tape) throws(SegDINO3DError) -> Var
}

/// Positions shared by the encoder and the decoder: superpoint centres and the scene box.
public struct SceneGeometry: Sendable {
    /// Mean xyz of each superpoint, metres, `[S, 3]`.
    public let superpointCenters: [Float]
    /// Scene AABB minimum corner `[3]`, metres.
    public let lower: [Float]
    /// Scene AABB extent `[3]`, metres (each ≥ 1 mm).
    public let extent: [Float]

    public init(_ input: ModelInput) {
        (superpointCenters, lower, extent) = input.superpointCenters()
    }

    /// `coords [R, 3]` in metres mapped into the scene box's [0, 1]³ (the sine encoding's input range).
    public func normalized(_ coords: [Float]) -> [Float] {
        var out = coords
        for i in 0..<(coords.count / 3) { for a in 0..<3 { out[i * 3 + a] = (coords[i * 3 + a] - lower[a]) / extent[a] } }
        return out
    }
}

/// A post-norm transformer block over one set: self-attention, residual, LayerNorm; FFN (GELU), residual, LayerNorm.
public final class SelfAttentionBlock: Module {
    let attention: MultiHeadAttention
    let norm1: LayerNorm
    let ffn: MLP
    let norm2: LayerNorm

    public init(width: Int, heads: Int, ffnHidden: Int, using rng: inout some RandomNumberGenerator) {
        attention = MultiHeadAttention(width: width, heads: heads, using: &rng)
        norm1 = LayerNorm(width)
        ffn = MLP(widths: [width, ffnHidden, width], activation: .gelu, using: &rng)
        norm2 = LayerNorm(width)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("self_attn", attention) + prefixed("norm1", norm1) + prefixed("ffn", ffn) + prefixed("norm2", norm2)
    }

    /// `x [L, width]`, `position [L, width]` (added to queries and keys only) → `[L, width]`.
    public func callAsFunction(_ x: Var, position: Var) -> Var {
        let qk = x + position
        let h = norm1(x + attention(query: qk, key: qk, value: x))
        return norm2(h + ffn(h))
    }
}

/// The CPU point encoder of design.md §4: a per-point MLP over [xyz (scene-normalised), rgb, normal, lifted 2D
/// feature], then the `SuperpointHead` (pooling, projection, self-attention over superpoints).
public final class SuperpointEncoder: PointEncoder {
    let config: ModelConfig
    let pointMLP: MLP
    let head: SuperpointHead

    public init(config: ModelConfig, using rng: inout some RandomNumberGenerator) {
        self.config = config
        let inWidth = 9 + config.feature2DWidth
        pointMLP = MLP(widths: [inWidth, config.pointHidden, config.pointHidden], using: &rng)
        head = SuperpointHead(pointWidth: config.pointHidden, config: config, using: &rng)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("point_mlp", pointMLP) + head.namedParameters
    }

    public var pointFeatureWidth: Int { config.pointHidden }

    public func pointFeatures(_ input: ModelInput, geometry: SceneGeometry, tape: Tape) -> Var {
        pointMLP(tape.constant(pointInputRows(input, geometry: geometry, feature2DWidth: config.feature2DWidth))).relu()
    }

    public func encode(_ input: ModelInput, geometry: SceneGeometry, tape: Tape) -> Var {
        head(pointFeatures(input, geometry: geometry, tape: tape), input: input, geometry: geometry)
    }
}

/// What every point encoder ends with: superpoint pooling of per-point features `[N, pointWidth]` (scatter mean ‖
/// scatter max), a projection to the model width, then self-attention blocks over superpoints with a sine encoding
/// of their centres → `[S, width]`. Its parameters (`pool_proj`, `pos_proj`, `blocks.N`) sit at the encoder's top
/// level, so checkpoints name them as before the head was shared.
public final class SuperpointHead: Module {
    let poolProjection: Linear
    let positionProjection: Linear
    let blocks: [SelfAttentionBlock]
    let encoding: SinePositionalEncoding3D

    public init(pointWidth: Int, config: ModelConfig, using rng: inout some RandomNumberGenerator) {
        poolProjection = Linear(2 * pointWidth, config.width, using: &rng)
        positionProjection = Linear(config.width, config.width, using: &rng)
        blocks = (0..<config.encoderLayers).map { _ in
            SelfAttentionBlock(width: config.width, heads: config.heads, ffnHidden: config.ffnHidden, using: &rng)
        }
        encoding = SinePositionalEncoding3D(channels: config.width, temperature: 20)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("pool_proj", poolProjection) + prefixed("pos_proj", positionProjection)
            + blocks.enumerated().flatMap { prefixed("blocks.\($0.offset)", $0.element) }
    }

    public func callAsFunction(_ h: Var, input: ModelInput, geometry: SceneGeometry) -> Var {
        let s = input.superpointCount
        let pooled = Var.concat([h.scatterMean(segments: input.superpoints, segmentCount: s),
                                 h.scatterMax(segments: input.superpoints, segmentCount: s)], axis: 1)
        var x = poolProjection(pooled)
        let pe = h.tape.constant(encoding(Tensor.from(geometry.normalized(geometry.superpointCenters), rows: s, cols: 3)))
        let position = positionProjection(pe)
        for b in blocks { x = b(x, position: position) }
        return x
    }
}

/// Per-point input rows `[N, 9 + C]`: normalised xyz, rgb, normal, 2D feature (zeros when absent). The lifted 2D
/// features enter every encoder here (DITR's injection).
func pointInputRows(_ input: ModelInput, geometry: SceneGeometry, feature2DWidth c: Int) -> Tensor {
    let n = input.pointCount, w = 9 + c
    let xyz = geometry.normalized(input.coords)
    var rows = [Float](repeating: 0, count: n * w)
    for i in 0..<n {
        for a in 0..<3 {
            rows[i * w + a] = xyz[i * 3 + a] * 2 - 1
            rows[i * w + 3 + a] = input.colors[i * 3 + a] * 2 - 1
            rows[i * w + 6 + a] = input.normals[i * 3 + a]
        }
        if !input.features2D.isEmpty { for k in 0..<c { rows[i * w + 9 + k] = input.features2D[i * c + k] } }
    }
    return (try? Tensor(rows, shape: [n, w])) ?? Tensor.zeros([n, w])
}

extension Tensor {
    /// A `[rows, cols]` float32 tensor from row-major values (`values.count` must equal rows·cols).
    static func from(_ values: [Float], rows: Int, cols: Int) -> Tensor {
        precondition(values.count == rows * cols, "Tensor.from: \(values.count) values for [\(rows), \(cols)]")
        return (try? Tensor(values, shape: [rows, cols])) ?? Tensor.zeros([rows, cols])
    }
}
