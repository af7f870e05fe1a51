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
