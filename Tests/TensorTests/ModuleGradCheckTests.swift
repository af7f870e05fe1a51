import Testing
@testable import Tensor

/// A small decoder-like block in float64: attention with a boolean mask, residual, layer norm, GELU MLP, head.
final class ToyDecoderBlock: Module {
    let attention: MultiHeadAttention, norm: LayerNorm, ffn: MLP, head: Linear

    init(dtype: DType = .float64, using rng: inout some RandomNumberGenerator) {
        attention = MultiHeadAttention(queryWidth: 6, keyWidth: 4, valueWidth: 4, qkWidth: 8, valueProjWidth: 4,
                                       outWidth: 6, heads: 2, dtype: dtype, using: &rng)
        norm = LayerNorm(6, dtype: dtype)
        ffn = MLP(widths: [6, 10, 6], activation: .gelu, dtype: dtype, using: &rng)
        head = Linear(6, 3, bias: false, dtype: dtype, using: &rng)
    }

    var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("attn", attention) + prefixed("norm", norm) + prefixed("ffn", ffn) + prefixed("head", head)
    }

    func callAsFunction(_ q: Var, _ memory: Var, mask: Tensor) -> Var {
        let h = norm(q + attention(query: q, key: memory, value: memory, mask: .boolean(mask)))
        return head(h + ffn(h))
    }
}

extension TensorTestSuite {
    @Suite struct ModuleGradCheck {
        /// Gradients reaching every parameter of a composite module match central differences (h = 1e-6).
        @Test func everyParameterOfADecoderBlock() throws {
            var rng = SeededGenerator(seed: 31)
            let block = ToyDecoderBlock(using: &rng)
            let q = Tensor.normal([3, 6], dtype: .float64, using: &rng), memory = Tensor.normal([5, 4], dtype: .float64, using: &rng)
            var mask = Tensor.zeros([3, 5], dtype: .float64)
            for j in 0..<5 { mask[flat: j] = 1 }      // row 0 fully masked: lifted
            mask[flat: 5 + 2] = 1
            let labels: [Int32] = [2, 0, 1]
            func loss(_ tape: Tape) -> Var {
                block(tape.constant(q), tape.constant(memory), mask: mask).crossEntropy(labels: labels)
            }
            let tape = Tape()
            tape.backward(loss(tape))
            #expect(block.namedParameters.count == 15)  // 4 attention Linears ×2, LN 2, MLP 2×2, head weight
            for (name, p) in block.namedParameters {
                let g = try #require(p.grad, "\(name) got no gradient")
                for i in Set([0, p.value.count / 2, p.value.count - 1]) {
                    let x0 = p.value[flat: i]
                    p.value[flat: i] = x0 + 1e-6
                    let up = loss(Tape(recording: false)).value.scalar
                    p.value[flat: i] = x0 - 1e-6
                    let down = loss(Tape(recording: false)).value.scalar
                    p.value[flat: i] = x0
                    let numeric = (up - down) / 2e-6
                    #expect(Swift.abs(g[flat: i] - numeric) <= 1e-6 * Swift.max(1, Swift.abs(numeric)),
                            "\(name)[\(i)]: analytic \(g[flat: i]) vs numeric \(numeric)")
                }
            }
        }

        /// The float32 kernels (vectorised exp/erf, SIMD-free loops) give the float64 gradients to float32 accuracy.
        @Test func float32GradientsMatchFloat64() throws {
            func gradients(_ dtype: DType) -> [[Double]] {
                var rng = SeededGenerator(seed: 41)
                let block = ToyDecoderBlock(dtype: dtype, using: &rng)
                let q = Tensor.normal([4, 6], dtype: dtype, using: &rng), memory = Tensor.normal([6, 4], dtype: dtype, using: &rng)
                var mask = Tensor.zeros([4, 6], dtype: dtype)
                mask[flat: 3] = 1
                let tape = Tape()
                tape.backward(block(tape.constant(q), tape.constant(memory), mask: mask).crossEntropy(labels: [0, 2, 1, 1]))
                return block.parameters.map { $0.grad?.doubles() ?? [] }
            }
            let g32 = gradients(.float32), g64 = gradients(.float64)
            #expect(g32.count == g64.count)
            for (a, b) in zip(g32, g64) {
                let scale = Swift.max(1e-3, b.map { Swift.abs($0) }.max() ?? 0)
                #expect(!a.isEmpty && maxAbsDiff(a, b) / scale < 1e-4, "relative gradient error \(maxAbsDiff(a, b) / scale)")
            }
        }

        /// The packed layer computes what separate projections with the same weights compute, and its packed
        /// parameters receive correct gradients.
        @Test func packedAttentionMatchesSeparateProjections() throws {
            var rng = SeededGenerator(seed: 51)
            let packed = PackedMultiHeadAttention(width: 4, heads: 2, dtype: .float64, using: &rng)
            let separate = MultiHeadAttention(width: 4, heads: 2, dtype: .float64, using: &rng)
            #expect(packed.namedParameters.map(\.name) == ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"])
            packed.inProjectionBias.value = .normal([12], dtype: .float64, using: &rng)
            let w = packed.inProjectionWeight.value, b = packed.inProjectionBias.value
            for (i, l) in [separate.queryProjection, separate.keyProjection, separate.valueProjection].enumerated() {
                l.weight.value = w.sliced(axis: 0, (4 * i)..<(4 * i + 4))
                l.bias?.value = b.sliced(axis: 0, (4 * i)..<(4 * i + 4))
            }
            separate.outputProjection.weight.value = packed.outputProjection.weight.value
            separate.outputProjection.bias?.value = packed.outputProjection.bias?.value ?? .zeros([4], dtype: .float64)
            let x = Tensor.normal([3, 4], dtype: .float64, using: &rng), m = Tensor.normal([5, 4], dtype: .float64, using: &rng)
            func loss(_ tape: Tape, _ packedLayer: Bool) -> Var {
                let q = tape.constant(x), kv = tape.constant(m)
                let o = packedLayer ? packed(query: q, key: kv, value: kv) : separate(query: q, key: kv, value: kv)
                return (o * o).sum()
            }
            let t = Tape(recording: false)
            #expect(Swift.abs(loss(t, true).value.scalar - loss(t, false).value.scalar) < 1e-12)
            let tape = Tape()
            tape.backward(loss(tape, true))
            let g = try #require(packed.inProjectionWeight.grad)
            for i in [0, 21, 47] {
                let x0 = w[flat: i]
                packed.inProjectionWeight.value[flat: i] = x0 + 1e-6
                let up = loss(Tape(recording: false), true).value.scalar
                packed.inProjectionWeight.value[flat: i] = x0 - 1e-6
                let down = loss(Tape(recording: false), true).value.scalar
                packed.inProjectionWeight.value[flat: i] = x0
                #expect(Swift.abs(g[flat: i] - (up - down) / 2e-6) < 1e-6 * Swift.max(1, Swift.abs(g[flat: i])))
            }
        }
    }
}
