/// A sparse convolution layer: weight `[K, Cin, Cout]` (K = 27 or 8 by `kind`), no bias (a normalisation follows
/// it in the UNet). Initialised uniform in ±1/√(K·Cin), PyTorch's default fan-in bound for convolutions.
public final class SparseConvolution: Module {
    public let kind: SparseConvolutionKind
    public let weight: Parameter
    public let inChannels: Int, outChannels: Int

    public init(_ kind: SparseConvolutionKind, _ inChannels: Int, _ outChannels: Int, dtype: DType = .float32,
                using rng: inout some RandomNumberGenerator) {
        self.kind = kind
        self.inChannels = inChannels
        self.outChannels = outChannels
        let bound = 1 / Double(kind.offsetCount * inChannels).squareRoot()
        weight = Parameter(.uniform([kind.offsetCount, inChannels, outChannels], low: -bound, high: bound, dtype: dtype, using: &rng))
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [("weight", weight)] }

    /// `x [map.inputCount, inChannels]` → `[map.outputCount, outChannels]`. Throws `channelMismatch` or
    /// `shapeMismatch` when `x` or `map` do not fit this layer.
    public func callAsFunction(_ x: Var, map: KernelMap) throws(TensorError) -> Var {
        guard map.kind == kind else {
            throw .shapeMismatch(op: "SparseConvolution(\(kind)) given a \(map.kind) map", expected: [kind.offsetCount], actual: [map.kind.offsetCount])
        }
        return try x.sparseConvolution(weight: x.tape.parameter(weight), map: map)
    }
}
