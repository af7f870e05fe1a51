/// `y = x·Wᵀ + b` with `W [out, in]` and `b [out]`, PyTorch's `nn.Linear` layout and default initialisation
/// (both uniform in ±1/√in).
public final class Linear: Module {
    public let weight: Parameter
    public let bias: Parameter?
    public let inFeatures: Int
    public let outFeatures: Int

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, dtype: DType = .float32,
                using rng: inout some RandomNumberGenerator) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let bound = 1 / Double(Swift.max(inFeatures, 1)).squareRoot()
        weight = Parameter(.uniform([outFeatures, inFeatures], low: -bound, high: bound, dtype: dtype, using: &rng))
        self.bias = bias ? Parameter(.uniform([outFeatures], low: -bound, high: bound, dtype: dtype, using: &rng)) : nil
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// `[…, in]` → `[…, out]`. Leading axes are folded into one matrix product.
    public func callAsFunction(_ x: Var) -> Var {
        let shape = x.shape
        precondition(shape.last == inFeatures, "Linear: input \(shape) must end in \(inFeatures)")
        let flat = shape.count == 2 ? x : x.reshaped([x.value.count / Swift.max(inFeatures, 1), inFeatures])
        let w = x.tape.parameter(weight)
        let y = bias.map { flat.linear(weight: w, bias: x.tape.parameter($0)) } ?? flat.matmul(w, transposeB: true)
        return shape.count == 2 ? y : y.reshaped(Array(shape.dropLast()) + [outFeatures])
    }
}

/// Layer normalisation over the last axis with learned scale (`weight`, ones) and shift (`bias`, zeros).
public final class LayerNorm: Module {
    public let weight: Parameter
    public let bias: Parameter
    public let eps: Double

    public init(_ features: Int, eps: Double = 1e-5, dtype: DType = .float32) {
        weight = Parameter(Tensor(repeating: 1, shape: [features], dtype: dtype))
        bias = Parameter(Tensor.zeros([features], dtype: dtype))
        self.eps = eps
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [("weight", weight), ("bias", bias)] }

    /// `[…, C]` → `[…, C]`.
    public func callAsFunction(_ x: Var) -> Var {
        x.layerNorm(gamma: x.tape.parameter(weight), beta: x.tape.parameter(bias), eps: eps)
    }
}

/// A stack of `Linear` layers with an activation between them (none after the last), like mmdet's
/// `MLP(input_dim, hidden_dim, output_dim, num_layers)`. Parameter names: `layers.i.weight`, `layers.i.bias`.
public final class MLP: Module {
    public let layers: [Linear]
    public let activation: Activation

    /// `widths` lists every width from input to output, e.g. `[256, 256, 3]` for two layers.
    public init(widths: [Int], activation: Activation = .relu, dtype: DType = .float32, using rng: inout some RandomNumberGenerator) {
        precondition(widths.count >= 2, "MLP: needs at least an input and an output width, got \(widths)")
        var ls: [Linear] = []
        for i in 0..<(widths.count - 1) { ls.append(Linear(widths[i], widths[i + 1], dtype: dtype, using: &rng)) }
        layers = ls
        self.activation = activation
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        layers.enumerated().flatMap { prefixed("layers.\($0.offset)", $0.element) }
    }

    /// `[…, widths.first]` → `[…, widths.last]`.
    public func callAsFunction(_ x: Var) -> Var {
        var h = x
        for (i, l) in layers.enumerated() {
            h = l(h)
            if i < layers.count - 1 { h = activation(h) }
        }
        return h
    }
}
