import Foundation
import Testing
@testable import Tensor

extension TensorTestSuite {
    @Suite struct ShapeOps {
        let tape = Tape(recording: false)

        func v(_ values: [Double], _ shape: [Int]) throws -> Var { tape.constant(try Tensor(values, shape: shape)) }

        @Test func concatPerHeadInterleavesHeads() throws {
            let a = try v([1, 2, 3, 4], [1, 4]), b = try v([5, 6], [1, 2])
            #expect(Var.concatPerHead([a, b], heads: 2).value.doubles() == [1, 2, 5, 3, 4, 6])
        }

        @Test func permuteConcatSliceGather() throws {
            let x = try v([0, 1, 2, 3, 4, 5], [2, 3])
            #expect(x.transposed().value.doubles() == [0, 3, 1, 4, 2, 5])
            #expect(x.transposed().shape == [3, 2])
            #expect(Var.concat([x, x], axis: 0).shape == [4, 3])
            #expect(Var.concat([x, x.sliced(axis: 1, 0..<1)], axis: 1).value.doubles() == [0, 1, 2, 0, 3, 4, 5, 3])
            #expect(x.sliced(axis: 1, 1..<3).value.doubles() == [1, 2, 4, 5])
            #expect(x.gatherRows([1, 1, 0]).value.doubles() == [3, 4, 5, 3, 4, 5, 0, 1, 2])
        }

        @Test func reshapeAndRowsShareStorage() throws {
            let t = try Tensor([0, 1, 2, 3, 4, 5] as [Double], shape: [3, 2])
            let r = t.rows(1..<3)
            #expect(r.shape == [2, 2])
            #expect(r.doubles() == [2, 3, 4, 5])
            #expect(r.storage === t.storage)
            #expect(try t.reshaped([6]).storage === t.storage)
        }

        @Test func broadcastingFollowsNumpy() throws {
            let a = try v([1, 2, 3], [3, 1]), b = try v([10, 20], [2])
            let s = a + b
            #expect(s.shape == [3, 2])
            #expect(s.value.doubles() == [11, 21, 12, 22, 13, 23])
            #expect(broadcastShape([2, 1, 4], [3, 1]) == [2, 3, 4])
            #expect(broadcastShape([2, 3], [4]) == nil)
        }

        @Test func inPlaceAddCopiesSharedBuffers() throws {
            let a = try Tensor([1, 2] as [Double], shape: [2])
            var b = a
            b.add(a)
            #expect(a.doubles() == [1, 2])
            #expect(b.doubles() == [2, 4])
        }

        @Test func positionalEncodingSplitsChannels() {
            #expect(SinePositionalEncoding3D(channels: 256).axisChannels == [86, 86, 84])
            let pe = SinePositionalEncoding3D(channels: 12, temperature: 20)
            let out = pe(Tensor.zeros([2, 3]))
            #expect(out.shape == [2, 12])
            // At the origin every sine channel is 0 and every cosine channel is 1.
            #expect(out.doubles() == Array(repeating: [0.0, 1.0], count: 12).flatMap { $0 })
        }
    }
}

extension TensorTestSuite {
    @Suite struct Kernels {
        @Test func fastExpIsAccurate() {
            var worst = 0.0
            for i in 0...20000 {
                let x = Float(-87 + 175 * Double(i) / 20000)
                let exact = Foundation.exp(Double(x))
                worst = Swift.max(worst, Swift.abs(Double(Float.fastExp(x)) - exact) / exact)
            }
            #expect(worst < 5e-7, "worst relative error \(worst)")
            #expect(Float.fastExp(-Float.infinity) == 0)
            #expect(Float.fastExp(0) == 1)
        }

        @Test func reductionsMatchPlainSums() {
            var rng = SeededGenerator(seed: 2)
            let a = Tensor.normal([37], dtype: .float64, using: &rng), b = Tensor.normal([37], dtype: .float64, using: &rng)
            let x = a.doubles(), y = b.doubles()
            #expect(Swift.abs(sumOf(a.pointer(Double.self), 37) - x.reduce(0, +)) < 1e-12)
            #expect(Swift.abs(dotOf(a.pointer(Double.self), b.pointer(Double.self), 37) - zip(x, y).map(*).reduce(0, +)) < 1e-12)
            let mean = x.reduce(0, +) / 37
            #expect(Swift.abs(squaredDeviationOf(a.pointer(Double.self), mean, 37) - x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)) < 1e-12)
        }
    }
}

extension TensorTestSuite.Kernels {
    @Test func attentionBlocksMatchOneBlock() {
        var rng = SeededGenerator(seed: 12)
        let tape = Tape(recording: false)
        let q = tape.constant(.normal([7, 8], using: &rng)), k = tape.constant(.normal([5, 8], using: &rng))
        let v = tape.constant(.normal([5, 6], using: &rng))
        let whole = Var.attention(query: q, key: k, value: v, heads: 2, mask: .none, scale: nil, queryBlock: 7).value.doubles()
        let blocked = Var.attention(query: q, key: k, value: v, heads: 2, mask: .none, scale: nil, queryBlock: 3).value.doubles()
        #expect(maxAbsDiff(whole, blocked) < 1e-6)
    }
}

extension TensorTestSuite.Kernels {
    /// The two-worker split of large pointwise ops gives the same values and gradients as one worker.
    @Test func parallelPointwiseMatchesSerial() {
        var rng = SeededGenerator(seed: 13)
        let x = Parameter(.normal([Var.parallelThreshold + 17], using: &rng))
        func run(workers: Int) -> ([Float], [Float]) {
            let saved = TensorThreads.workers
            TensorThreads.workers = workers
            defer { TensorThreads.workers = saved }
            let tape = Tape()
            let y = tape.parameter(x).gelu()
            tape.backward(y.sum())
            defer { x.zeroGrad() }
            return (y.value.floats(), x.grad?.floats() ?? [])
        }
        let (y1, g1) = run(workers: 1), (y2, g2) = run(workers: 2)
        #expect(y1 == y2)
        #expect(g1 == g2)
        #expect(g1.count == x.value.count)
    }
}

extension TensorTestSuite.Kernels {
    @Test func fastErfIsAccurate() {
        var worst = 0.0
        for i in 0...20000 {
            let x = Float(-6 + 12 * Double(i) / 20000)
            worst = Swift.max(worst, Swift.abs(Double(Float.fastErf(x)) - Foundation.erf(Double(x))))
        }
        #expect(worst < 5e-7, "worst absolute error \(worst)")
    }
}

extension TensorTestSuite.Kernels {
    /// Heads split over two workers give the same attention output and gradients as one worker.
    @Test func parallelAttentionMatchesSerial() {
        var rng = SeededGenerator(seed: 14)
        let q = Parameter(.normal([9, 12], using: &rng)), k = Parameter(.normal([7, 12], using: &rng))
        let v = Parameter(.normal([7, 6], using: &rng))
        func run(workers: Int) -> [[Float]] {
            let saved = TensorThreads.workers
            TensorThreads.workers = workers
            defer { TensorThreads.workers = saved; for p in [q, k, v] { p.zeroGrad() } }
            let tape = Tape()
            let o = Var.attention(query: tape.parameter(q), key: tape.parameter(k), value: tape.parameter(v), heads: 3,
                                  mask: .none, scale: nil, queryBlock: 4)
            tape.backward((o * o).sum())
            return [o.value.floats()] + [q, k, v].map { $0.grad?.floats() ?? [] }
        }
        let one = run(workers: 1), two = run(workers: 2)
        #expect(one == two)
        #expect(one.allSatisfy { !$0.isEmpty })
    }

    /// The fused `linear` gives what `matmul(transposeB:)` then `+ bias` gives, bit for bit in Float, values and all
    /// three gradients, for inner extents on both sides of the bias-first limit (128) and above a GEMM's K block (so
    /// the bias is added once, after the whole dot product).
    @Test(arguments: [(700, 25, 64), (300, 128, 96), (300, 129, 96), (129, 600, 33)])
    func linearEqualsMatmulPlusBias(_ shape: (m: Int, k: Int, n: Int)) {
        var rng = SeededGenerator(seed: 21)
        let x = Parameter(.normal([shape.m, shape.k], using: &rng)), w = Parameter(.normal([shape.n, shape.k], using: &rng))
        let b = Parameter(.normal([shape.n], using: &rng)), g = Tensor.normal([shape.m, shape.n], using: &rng)
        func run(fused: Bool) -> [[Float]] {
            defer { for p in [x, w, b] { p.zeroGrad() } }
            let tape = Tape()
            let (xv, wv, bv) = (tape.parameter(x), tape.parameter(w), tape.parameter(b))
            let y = fused ? xv.linear(weight: wv, bias: bv) : xv.matmul(wv, transposeB: true) + bv
            tape.backward((y * tape.constant(g)).sum())
            return [y.value.floats()] + [x, w, b].map { $0.grad?.floats() ?? [] }
        }
        let fused = run(fused: true), plain = run(fused: false)
        for (part, (a, c)) in zip(["y", "dx", "dW", "db"], zip(fused, plain)) {
            let same = a == c && !a.isEmpty
            #expect(same, "\(part) of [\(shape.m), \(shape.k)]·[\(shape.n), \(shape.k)]ᵀ differs")
        }
    }
}
