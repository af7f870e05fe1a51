/// Multi-head attention with separate query/key/value/output projections (`q_proj`, `k_proj`, `v_proj`,
/// `out_proj`). Query and key inputs may have different widths, and the per-head query/key width may differ from
/// the per-head value width (the conditional-DETR decoder's q/k are content ‖ positional per head).
public final class MultiHeadAttention: Module {
    public let heads: Int
    public let queryProjection: Linear
    public let keyProjection: Linear
    public let valueProjection: Linear
    public let outputProjection: Linear

    /// - Parameters:
    ///   - queryWidth, keyWidth, valueWidth: widths of the three inputs.
    ///   - qkWidth: total projected query/key width (`heads · dk`); `valueProjWidth`: total value width (`heads · dv`).
    ///   - outWidth: output width.
    public init(queryWidth: Int, keyWidth: Int, valueWidth: Int, qkWidth: Int, valueProjWidth: Int, outWidth: Int,
                heads: Int, dtype: DType = .float32, using rng: inout some RandomNumberGenerator) {
        precondition(qkWidth % heads == 0 && valueProjWidth % heads == 0,
                     "MultiHeadAttention: widths \(qkWidth), \(valueProjWidth) not divisible by \(heads) heads")
        self.heads = heads
        queryProjection = Linear(queryWidth, qkWidth, dtype: dtype, using: &rng)
        keyProjection = Linear(keyWidth, qkWidth, dtype: dtype, using: &rng)
        valueProjection = Linear(valueWidth, valueProjWidth, dtype: dtype, using: &rng)
        outputProjection = Linear(valueProjWidth, outWidth, dtype: dtype, using: &rng)
    }

    /// The usual square case: every width is `width`.
    public convenience init(width: Int, heads: Int, dtype: DType = .float32, using rng: inout some RandomNumberGenerator) {
        self.init(queryWidth: width, keyWidth: width, valueWidth: width, qkWidth: width, valueProjWidth: width,
                  outWidth: width, heads: heads, dtype: dtype, using: &rng)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("q_proj", queryProjection) + prefixed("k_proj", keyProjection)
            + prefixed("v_proj", valueProjection) + prefixed("out_proj", outputProjection)
    }

    /// `query [Lq, queryWidth]`, `key [Lk, keyWidth]`, `value [Lk, valueWidth]` → `[Lq, outWidth]`.
    public func callAsFunction(query: Var, key: Var, value: Var, mask: AttentionMask = .none) -> Var {
        let o = Var.attention(query: queryProjection(query), key: keyProjection(key), value: valueProjection(value),
                              heads: heads, mask: mask)
        return outputProjection(o)
    }
}

/// Multi-head self/cross-attention with exactly the parameters of PyTorch's `nn.MultiheadAttention(E, heads)`:
/// `in_proj_weight [3E, E]` (query, key, value projections stacked), `in_proj_bias [3E]`, `out_proj.weight [E, E]`,
/// `out_proj.bias [E]`, so that checkpoints map one-to-one onto SegDINO3D's self-attention and 2D-query
/// cross-attention. Initialisation as PyTorch: Xavier-uniform `in_proj_weight`, zero biases, `out_proj.weight`
/// uniform in ±1/√E.
public final class PackedMultiHeadAttention: Module {
    public let heads: Int
    public let width: Int
    public let inProjectionWeight: Parameter
    public let inProjectionBias: Parameter
    public let outputProjection: Linear

    public init(width: Int, heads: Int, dtype: DType = .float32, using rng: inout some RandomNumberGenerator) {
        precondition(width % heads == 0, "PackedMultiHeadAttention: width \(width) not divisible by \(heads) heads")
        self.heads = heads
        self.width = width
        let bound = (6 / Double(width + 3 * width)).squareRoot()
        inProjectionWeight = Parameter(.uniform([3 * width, width], low: -bound, high: bound, dtype: dtype, using: &rng))
        inProjectionBias = Parameter(.zeros([3 * width], dtype: dtype))
        outputProjection = Linear(width, width, dtype: dtype, using: &rng)
        outputProjection.bias?.value = .zeros([width], dtype: dtype)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("in_proj_weight", inProjectionWeight), ("in_proj_bias", inProjectionBias)] + prefixed("out_proj", outputProjection)
    }

    /// `query [Lq, E]`, `key [Lk, E]`, `value [Lk, E]` → `[Lq, E]`.
    public func callAsFunction(query: Var, key: Var, value: Var, mask: AttentionMask = .none) -> Var {
        let tape = query.tape
        let w = tape.parameter(inProjectionWeight), b = tape.parameter(inProjectionBias)
        func project(_ x: Var, _ part: Int) -> Var {
            let rows = (part * width)..<((part + 1) * width)
            return x.matmul(w.sliced(axis: 0, rows), transposeB: true) + b.sliced(axis: 0, rows)
        }
        let o = Var.attention(query: project(query, 0), key: project(key, 1), value: project(value, 2),
                              heads: heads, mask: mask)
        return outputProjection(o)
    }
}
