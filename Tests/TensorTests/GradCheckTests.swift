import Testing
@testable import Tensor

/// One differentiable op under test: inputs of `shapes` (float64) feed `build`, whose output is reduced to a
/// scalar with fixed random weights so that every output element contributes a different amount.
struct OpCase: Sendable, CustomTestStringConvertible {
    let name: String
    let shapes: [[Int]]
    /// Inputs drawn from [0.5, 2] instead of N(0, 1) (for log, sqrt, division).
    var positive = false
    let build: @Sendable ([Var]) -> Var
    var testDescription: String { name }
}

/// A deterministic constant for use inside `build` (the same on every evaluation).
func fixed(_ shape: [Int], seed: UInt64, low: Double = 0, high: Double = 1) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    return Tensor.uniform(shape, low: low, high: high, dtype: .float64, using: &rng)
}

/// 0/1 entries (probability `p` of a 1) for masks and binary targets.
func fixedBinary(_ shape: [Int], seed: UInt64, p: Double = 0.5) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    var t = Tensor.zeros(shape, dtype: .float64)
    for i in 0..<t.count { t[flat: i] = rng.nextUnitDouble() < p ? 1 : 0 }
    return t
}

let gradCases: [OpCase] = [
    OpCase(name: "add [3,4]+[4]", shapes: [[3, 4], [4]]) { $0[0] + $0[1] },
    OpCase(name: "add [2,1,4]+[3,1]", shapes: [[2, 1, 4], [3, 1]]) { $0[0] + $0[1] },
    OpCase(name: "sub [3,4]-[3,1]", shapes: [[3, 4], [3, 1]]) { $0[0] - $0[1] },
    OpCase(name: "mul [3,4]*[1,4]", shapes: [[3, 4], [1, 4]]) { $0[0] * $0[1] },
    OpCase(name: "mul scalar-shaped", shapes: [[2, 3], []]) { $0[0] * $0[1] },
    OpCase(name: "div [3,4]/[4]", shapes: [[3, 4], [4]], positive: true) { $0[0] / $0[1] },
    OpCase(name: "affine", shapes: [[5]]) { $0[0] * 2.5 + 1 - $0[0] },
    OpCase(name: "exp", shapes: [[6]]) { $0[0].exp() },
    OpCase(name: "log", shapes: [[6]], positive: true) { $0[0].log() },
    OpCase(name: "sqrt", shapes: [[6]], positive: true) { $0[0].sqrt() },
    OpCase(name: "sigmoid", shapes: [[6]]) { $0[0].sigmoid() },
    OpCase(name: "relu", shapes: [[8]]) { $0[0].relu() },
    OpCase(name: "gelu", shapes: [[8]]) { $0[0].gelu() },
    OpCase(name: "tanh", shapes: [[8]]) { $0[0].tanh() },
    OpCase(name: "abs", shapes: [[8]]) { $0[0].abs() },
    OpCase(name: "square", shapes: [[8]]) { $0[0].square() },
    OpCase(name: "clamped", shapes: [[8]]) { $0[0].clamped(lower: -0.5, upper: 0.7) },
    OpCase(name: "inverseSigmoid", shapes: [[6]]) { $0[0].sigmoid().inverseSigmoid() },
    OpCase(name: "sum axis 1 keepDims", shapes: [[2, 3, 4]]) { $0[0].sum(axes: [1], keepDims: true) },
    OpCase(name: "sum all", shapes: [[2, 3]]) { $0[0].sum() },
    OpCase(name: "mean axes 0,2", shapes: [[2, 3, 4]]) { $0[0].mean(axes: [0, 2]) },
    OpCase(name: "max axis 1", shapes: [[3, 5, 2]]) { $0[0].max(axis: 1) },
    OpCase(name: "max axis -1 keepDims", shapes: [[4, 5]]) { $0[0].max(axis: -1, keepDims: true) },
    OpCase(name: "matmul", shapes: [[3, 4], [4, 5]]) { $0[0].matmul($0[1]) },
    OpCase(name: "matmul Aᵀ", shapes: [[4, 3], [4, 5]]) { $0[0].matmul($0[1], transposeA: true) },
    OpCase(name: "matmul Bᵀ", shapes: [[3, 4], [5, 4]]) { $0[0].matmul($0[1], transposeB: true) },
    OpCase(name: "linear x·Wᵀ + b", shapes: [[3, 4], [5, 4], [5]]) { $0[0].linear(weight: $0[1], bias: $0[2]) },
    OpCase(name: "matmul AᵀBᵀ", shapes: [[4, 3], [5, 4]]) { $0[0].matmul($0[1], transposeA: true, transposeB: true) },
    OpCase(name: "bmm", shapes: [[2, 3, 4], [2, 4, 5]]) { $0[0].matmul($0[1]) },
    OpCase(name: "bmm Aᵀ", shapes: [[2, 4, 3], [2, 4, 5]]) { $0[0].matmul($0[1], transposeA: true) },
    OpCase(name: "bmm Bᵀ", shapes: [[2, 3, 4], [2, 5, 4]]) { $0[0].matmul($0[1], transposeB: true) },
    OpCase(name: "bmm shared B", shapes: [[2, 3, 4], [4, 5]]) { $0[0].matmul($0[1]) },
    OpCase(name: "bmm shared Bᵀ", shapes: [[2, 3, 4], [5, 4]]) { $0[0].matmul($0[1], transposeB: true) },
    OpCase(name: "bmm Aᵀ shared B", shapes: [[2, 4, 3], [4, 5]]) { $0[0].matmul($0[1], transposeA: true) },
    OpCase(name: "softmax", shapes: [[2, 3, 5]]) { $0[0].softmax() },
    OpCase(name: "logSoftmax", shapes: [[3, 6]]) { $0[0].logSoftmax() },
    OpCase(name: "layerNorm", shapes: [[4, 6], [6], [6]]) { $0[0].layerNorm(gamma: $0[1], beta: $0[2]) },
    OpCase(name: "reshape+permute", shapes: [[2, 3, 4]]) { $0[0].reshaped([6, 4]).reshaped([2, 3, 4]).permuted([2, 0, 1]) },
    OpCase(name: "transpose", shapes: [[3, 4]]) { $0[0].transposed() },
    OpCase(name: "concat axis 1", shapes: [[2, 3], [2, 2]]) { Var.concat([$0[0], $0[1], $0[0]], axis: 1) },
    OpCase(name: "slice axis 1", shapes: [[3, 5]]) { $0[0].sliced(axis: 1, 1..<4) },
    OpCase(name: "gatherRows repeated", shapes: [[4, 3]]) { $0[0].gatherRows([2, 0, 2, 3]) },
    OpCase(name: "scatterMean with empty segment", shapes: [[6, 3]]) { $0[0].scatterMean(segments: [0, 2, 0, 3, 2, 0], segmentCount: 4) },
    OpCase(name: "scatterMax with empty segment", shapes: [[6, 3]]) { $0[0].scatterMax(segments: [1, 1, 0, 3, 0, 1], segmentCount: 4) },
    OpCase(name: "maskedFill broadcast", shapes: [[3, 4]]) { $0[0].maskedFill(fixedBinary([1, 4], seed: 5), with: -2) },
    OpCase(name: "dropout seeded", shapes: [[4, 4]]) { x in
        var rng = SeededGenerator(seed: 9)
        return x[0].dropout(0.3, using: &rng)
    },
    OpCase(name: "bceWithLogits", shapes: [[3, 5]]) { $0[0].binaryCrossEntropyWithLogits(targets: fixedBinary([3, 5], seed: 1)) },
    OpCase(name: "dice", shapes: [[3, 5]]) { $0[0].diceLoss(targets: fixedBinary([3, 5], seed: 2)) },
    OpCase(name: "crossEntropy weighted, ignore", shapes: [[5, 4]]) {
        $0[0].crossEntropy(labels: [0, 3, -100, 1, 3], classWeights: [1, 0.5, 2, 0.1])
    },
    OpCase(name: "l1 broadcast", shapes: [[3, 4], [4]]) { $0[0].l1Loss($0[1]) },
    OpCase(name: "concatPerHead", shapes: [[3, 4], [3, 6]]) { Var.concatPerHead([$0[0], $0[1]], heads: 2) },
    OpCase(name: "attention", shapes: [[3, 8], [5, 8], [5, 6]]) { Var.attention(query: $0[0], key: $0[1], value: $0[2], heads: 2) },
    OpCase(name: "attention bool mask, full row", shapes: [[4, 6], [5, 6], [5, 4]]) {
        var m = fixedBinary([4, 5], seed: 3, p: 0.4)
        for j in 0..<5 { m[flat: 2 * 5 + j] = 1 }  // row 2 forbids every key: must be lifted
        return Var.attention(query: $0[0], key: $0[1], value: $0[2], heads: 2, mask: .boolean(m))
    },
    OpCase(name: "attention in query blocks of 2", shapes: [[5, 6], [4, 6], [4, 4]]) {
        var m = fixedBinary([5, 4], seed: 6, p: 0.4)
        for j in 0..<4 { m[flat: 3 * 4 + j] = 1 }
        return Var.attention(query: $0[0], key: $0[1], value: $0[2], heads: 2, mask: .boolean(m), scale: nil, queryBlock: 2)
    },
    OpCase(name: "attention additive per-head mask", shapes: [[3, 6], [4, 6], [4, 9]]) {
        Var.attention(query: $0[0], key: $0[1], value: $0[2], heads: 3, mask: .additive(fixed([3, 3, 4], seed: 4, low: -2, high: 1)), scale: 0.7)
    },
]

extension TensorTestSuite {
    @Suite struct GradCheck {
        /// Analytic gradients from the tape against central differences (h = 1e-6) in float64.
        @Test(arguments: gradCases + sparseGradCases)
        func matchesFiniteDifferences(_ op: OpCase) throws {
            var rng = SeededGenerator(seed: 1234)
            let params = op.shapes.map { shape in
                Parameter(op.positive ? Tensor.uniform(shape, low: 0.5, high: 2, dtype: .float64, using: &rng)
                                      : Tensor.normal(shape, dtype: .float64, using: &rng))
            }
            func scalarLoss(_ tape: Tape) -> Var {
                let out = op.build(params.map { tape.parameter($0) })
                if out.value.count == 1 { return out.sum() }
                return (out * tape.constant(fixed(out.shape, seed: 77, low: -1, high: 1))).sum()
            }
            let tape = Tape()
            tape.backward(scalarLoss(tape))
            let h = 1e-6
            for (k, p) in params.enumerated() {
                let analytic = try #require(p.grad, "\(op.name): no gradient reached input \(k)")
                #expect(analytic.shape == p.value.shape)
                for i in 0..<p.value.count {
                    let x0 = p.value[flat: i]
                    p.value[flat: i] = x0 + h
                    let up = scalarLoss(Tape(recording: false)).value.scalar
                    p.value[flat: i] = x0 - h
                    let down = scalarLoss(Tape(recording: false)).value.scalar
                    p.value[flat: i] = x0
                    let numeric = (up - down) / (2 * h)
                    let a = analytic[flat: i]
                    #expect(Swift.abs(a - numeric) <= 1e-6 * Swift.max(1, Swift.abs(numeric)),
                            "\(op.name): input \(k) element \(i): analytic \(a) vs numeric \(numeric)")
                }
            }
        }

        /// A parameter used twice accumulates both contributions, and across two backward passes.
        @Test func gradientsAccumulate() throws {
            let p = Parameter(try Tensor([1, 2, 3] as [Double], shape: [3], dtype: .float64))
            let tape = Tape()
            let x = tape.parameter(p)
            tape.backward((x * x + x).sum())          // d/dx = 2x + 1
            tape.reset()
            tape.backward((tape.parameter(p) * 3).sum())  // + 3
            #expect(p.grad?.doubles() == [6, 8, 10])
        }

        /// Two losses backpropagated on one tape add up exactly once each.
        @Test func twoBackwardPassesOnOneTape() throws {
            let p = Parameter(try Tensor([1, 2] as [Double], shape: [2], dtype: .float64))
            let tape = Tape()
            let x = tape.parameter(p)
            tape.backward((x * 2).sum())
            tape.backward((x * x).sum())
            #expect(p.grad?.doubles() == [4, 6])
        }

        /// A parameter first seen inside a no-grad region still gets its gradient when used later while recording.
        @Test func parameterAfterNoGradRegionStillLearns() throws {
            let p = Parameter(try Tensor([2] as [Double], shape: [1], dtype: .float64))
            let tape = Tape()
            _ = tape.withoutRecording { tape.parameter(p) * 3 }
            tape.backward((tape.parameter(p) * 3).sum())
            #expect(p.grad?.doubles() == [3])
        }

        /// Values computed without recording carry no backward rule.
        @Test func noGradRegionRecordsNothing() {
            let p = Parameter(Tensor(repeating: 2, shape: [2], dtype: .float64))
            let tape = Tape()
            let y = tape.withoutRecording { (tape.parameter(p) * tape.parameter(p)).sum() }
            #expect(tape.nodes[y.id].backward == nil)
            #expect(y.value.scalar == 8)
        }
    }
}
