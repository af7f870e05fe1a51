import Tensor

/// Per-layer inputs that stay fixed while the queries change: superpoint keys and encodings, 2D object tokens.
public struct DecoderContext {
    /// Superpoint instance features `[S, d]` (the cross-attention's keys and values).
    public let superpointFeatures: Var
    /// Sine encoding of the superpoint centres, scene-normalised, `[S, d]` (constant).
    public let superpointEncoding: Var
    /// 2D object tokens `[O + 1, d]`: projected object features, then the always-visible dummy token (ones).
    public let objectTokens: Var
    /// `near[s·O + o]`: superpoint s lies within the object radius (L1, metres) of object o's centre; `[S, O]`.
    public let near: [Bool]
    /// Number of 2D objects O (without the dummy).
    public let objectCount: Int
}

/// The current state of the queries between layers: content and the (detached) reference box.
public struct QueryState {
    /// Query content `[Q, d]`.
    public var content: Var
    /// Reference centres `[Q, 3]`, metres (detached).
    public var centers: Tensor
    /// Reference sizes `[Q, 3]` in (0, 1), scene-normalised (detached).
    public var sizes: Tensor
}

/// One SegDINO3D decoder layer (method §4.4): box-modulated masked cross-attention to superpoints, self-attention,
/// distance-aware cross-attention to 2D objects (+ dummy token), FFN, then box refinement.
public final class DecoderLayer: Module {
    let heads: Int
    let isFirst: Bool
    let axisChannels: [Int]
    // (1) box-modulated cross-attention; q/k are content ‖ positional per head.
    let anchorHead: MLP, qContent: Linear, qPosition: Linear?, qSine: Linear
    let kContent: Linear, kPosition: Linear, vProjection: Linear, crossOut: Linear, crossNorm: LayerNorm
    // (2) self-attention, (3) 2D-object cross-attention, (4) FFN.
    let selfAttention: MultiHeadAttention, selfNorm: LayerNorm
    let objectAttention: MultiHeadAttention, objectNorm: LayerNorm
    let ffn: MLP, ffnNorm: LayerNorm
    // (5) box refinement.
    let centerHead: MLP, sizeHead: MLP

    public init(config: ModelConfig, isFirst: Bool, axisChannels: [Int], using rng: inout some RandomNumberGenerator) {
        let d = config.width
        heads = config.heads
        self.isFirst = isFirst
        self.axisChannels = axisChannels
        anchorHead = MLP(widths: [d, d, 3], using: &rng)
        qContent = Linear(d, d, using: &rng); qSine = Linear(d, d, using: &rng)
        qPosition = isFirst ? Linear(d, d, using: &rng) : nil  // the query position enters only at layer 0
        kContent = Linear(d, d, using: &rng); kPosition = Linear(d, d, using: &rng)
        vProjection = Linear(d, d, using: &rng); crossOut = Linear(d, d, using: &rng); crossNorm = LayerNorm(d)
        selfAttention = MultiHeadAttention(width: d, heads: heads, using: &rng); selfNorm = LayerNorm(d)
        objectAttention = MultiHeadAttention(width: d, heads: heads, using: &rng); objectNorm = LayerNorm(d)
        ffn = MLP(widths: [d, config.ffnHidden, d], activation: .gelu, using: &rng); ffnNorm = LayerNorm(d)
        centerHead = MLP(widths: [d, d, d, 3], using: &rng)
        sizeHead = MLP(widths: [d, d, d, 3], using: &rng)
        if let last = centerHead.layers.last {  // start from the seed's centre
            last.weight.value = Tensor.zeros(last.weight.value.shape)
            last.bias?.value = Tensor.zeros([3])
        }
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        let cross = prefixed("cross.anchor_head", anchorHead) + prefixed("cross.q_content", qContent)
            + (qPosition.map { prefixed("cross.q_pos", $0) } ?? []) + prefixed("cross.q_sine", qSine) + prefixed("cross.k_content", kContent)
            + prefixed("cross.k_pos", kPosition) + prefixed("cross.v_proj", vProjection) + prefixed("cross.out_proj", crossOut)
            + prefixed("cross.norm", crossNorm)
        return cross + prefixed("self_attn", selfAttention) + prefixed("self_norm", selfNorm)
            + prefixed("object_attn", objectAttention) + prefixed("object_norm", objectNorm)
            + prefixed("ffn", ffn) + prefixed("ffn_norm", ffnNorm)
            + prefixed("center_head", centerHead) + prefixed("size_head", sizeHead)
    }

    /// One layer. `encoding [Q, d]` is the sine encoding of the reference centres (scene-normalised, constant),
    /// `queryPosition [Q, d]` its MLP embedding, `previousMask [Q, S]` the last prediction's mask logits.
    /// Returns the new state (refined boxes, detached) and the undetached refined boxes for the loss.
    public func callAsFunction(_ state: QueryState, encoding: Var, queryPosition: Var, previousMask: Tensor,
                               context: DecoderContext) -> (state: QueryState, centers: Var, sizes: Var) {
        let tape = state.content.tape
        var x = state.content
        let cannotSee = previousMask.mapped { $0 < 0 ? 1 : 0 }  // sigmoid < 0.5
        // (1) Box-modulated cross-attention: each axis's sine channels scaled by sigmoid(anchor)/reference size.
        let sizes = tape.constant(state.sizes)
        let modulation = (anchorHead(x).sigmoid() / sizes).matmul(tape.constant(axisExpansion()))
        var q = qContent(x)
        var k = kContent(context.superpointFeatures)
        let kPos = kPosition(context.superpointEncoding)
        if let qPosition { q = q + qPosition(queryPosition); k = k + kPos }
        let qh = Var.concatPerHead([q, qSine(encoding * modulation)], heads: heads)
        let kh = Var.concatPerHead([k, kPos], heads: heads)
        let attended = Var.attention(query: qh, key: kh, value: vProjection(context.superpointFeatures), heads: heads,
                                     mask: .boolean(cannotSee))
        x = crossNorm(x + crossOut(attended))
        // (2) Self-attention among queries.
        let qk = x + queryPosition
        x = selfNorm(x + selfAttention(query: qk, key: qk, value: x))
        // (3) Distance-aware cross-attention to 2D objects (+ the always-visible dummy token).
        x = objectNorm(x + objectAttention(query: x, key: context.objectTokens, value: context.objectTokens,
                                           mask: .boolean(objectMask(previousMask, context: context))))
        // (4) FFN.
        x = ffnNorm(x + ffn(x))
        // (5) Box refinement: centre += MLP (metres); size = sigmoid(logit(ref) + MLP).
        let centers = tape.constant(state.centers) + centerHead(x)
        let newSizes = (sizes.inverseSigmoid() + sizeHead(x)).sigmoid()
        let next = QueryState(content: x, centers: centers.value, sizes: newSizes.value)
        return (next, centers, newSizes)
    }

    /// `[3, d]` 0/1 matrix copying axis a's factor onto that axis's sine channels.
    func axisExpansion() -> Tensor {
        let d = axisChannels.reduce(0, +)
        var m = [Float](repeating: 0, count: 3 * d)
        var start = 0
        for a in 0..<3 {
            for c in start..<(start + axisChannels[a]) { m[a * d + c] = 1 }
            start += axisChannels[a]
        }
        return Tensor.from(m, rows: 3, cols: d)
    }

    /// `[Q, O + 1]`, 1 = forbidden: q sees object o iff a superpoint in q's current mask (logit ≥ 0) is near o;
    /// the last column (dummy) is always visible.
    func objectMask(_ previousMask: Tensor, context: DecoderContext) -> Tensor {
        let qn = previousMask.shape[0], s = previousMask.shape[1], o = context.objectCount
        let logits = previousMask.floats()
        var out = [Float](repeating: 1, count: qn * (o + 1))
        for qi in 0..<qn {
            out[qi * (o + 1) + o] = 0
            guard o > 0 else { continue }
            var seen = [Bool](repeating: false, count: o)
            for si in 0..<s where logits[qi * s + si] >= 0 {
                for oi in 0..<o where context.near[si * o + oi] { seen[oi] = true }
            }
            for oi in 0..<o where seen[oi] { out[qi * (o + 1) + oi] = 0 }
        }
        return Tensor.from(out, rows: qn, cols: o + 1)
    }
}
