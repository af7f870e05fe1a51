import Testing
@testable import Tensor

/// A classifier Linear → LayerNorm → ReLU → Linear, small enough for debug-build tests.
final class ToyClassifier: Module {
    let fc1: Linear, norm: LayerNorm, fc2: Linear

    init(input: Int, hidden: Int, classes: Int, using rng: inout some RandomNumberGenerator) {
        fc1 = Linear(input, hidden, using: &rng)
        norm = LayerNorm(hidden)
        fc2 = Linear(hidden, classes, using: &rng)
    }

    var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("fc1", fc1) + prefixed("norm", norm) + prefixed("fc2", fc2)
    }

    func callAsFunction(_ x: Var) -> Var { fc2(norm(fc1(x)).relu()) }
}

/// Inputs `[n, d]` and labels from a random linear teacher with `classes` outputs.
func teacherData(n: Int, d: Int, classes: Int, seed: UInt64) -> (Tensor, [Int32]) {
    var rng = SeededGenerator(seed: seed)
    let x = Tensor.normal([n, d], using: &rng), w = Tensor.normal([d, classes], using: &rng)
    let tape = Tape(recording: false)
    let logits = tape.constant(x).matmul(tape.constant(w)).value.doubles()
    let labels = (0..<n).map { r in
        Int32((0..<classes).max { logits[r * classes + $0] < logits[r * classes + $1] } ?? 0)
    }
    return (x, labels)
}

extension TensorTestSuite {
    @Suite struct Training {
        @Test func mlpFitsTeacherLabels() {
            let (x, labels) = teacherData(n: 64, d: 16, classes: 4, seed: 3)
            var rng = SeededGenerator(seed: 4)
            let model = ToyClassifier(input: 16, hidden: 32, classes: 4, using: &rng)
            let opt = Optimizer(AdamW(weightDecay: 0))
            let schedule = PolyLR(base: 0.02, totalSteps: 300)
            let tape = Tape()
            var losses: [Double] = []
            for step in 0..<300 {
                let loss = model(tape.constant(x)).crossEntropy(labels: labels)
                losses.append(loss.value.scalar)
                tape.backward(loss)
                clipGradientNorm(model.parameters, maxNorm: 10)
                opt.update(model.namedParameters, learningRate: schedule.learningRate(at: step))
                model.zeroGrad()
                tape.reset()
            }
            let logits = model(Tape(recording: false).constant(x)).value.doubles()
            let correct = (0..<64).filter { r in
                (0..<4).max { logits[r * 4 + $0] < logits[r * 4 + $1] } == Int(labels[r])
            }.count
            #expect(losses[0] > 0.5)
            #expect((losses.last ?? 1) < 0.02, "final loss \(losses.last ?? .nan)")
            #expect(correct == 64)
        }

        @Test func attentionFitsTeacherAttention() {
            var rng = SeededGenerator(seed: 8)
            let teacher = MultiHeadAttention(width: 16, heads: 2, using: &rng)
            let student = MultiHeadAttention(width: 16, heads: 2, using: &rng)
            let x = Tensor.normal([10, 16], using: &rng)
            let ctx = Tensor.normal([12, 16], using: &rng)
            var mask = Tensor.zeros([10, 12])
            for i in 0..<mask.count where rng.nextUnitDouble() < 0.3 { mask[flat: i] = 1 }
            let fixedTape = Tape(recording: false)
            let target = teacher(query: fixedTape.constant(x), key: fixedTape.constant(ctx), value: fixedTape.constant(ctx),
                                 mask: .boolean(mask)).value
            let opt = Optimizer(AdamW(weightDecay: 0))
            let tape = Tape()
            var losses: [Double] = []
            for step in 0..<400 {
                let y = student(query: tape.constant(x), key: tape.constant(ctx), value: tape.constant(ctx), mask: .boolean(mask))
                let loss = (y - tape.constant(target)).square().mean()
                losses.append(loss.value.scalar)
                tape.backward(loss)
                opt.update(student.namedParameters, learningRate: CosineLR(base: 0.01, totalSteps: 400).learningRate(at: step))
                student.zeroGrad()
                tape.reset()
            }
            #expect((losses.last ?? 1) < 1e-3 * losses[0], "loss \(losses[0]) → \(losses.last ?? .nan)")
        }

        /// Buffers come back to the pool every step: after warm-up, the pool's bytes do not grow.
        @Test func memoryStaysFlatOverSteps() {
            let (x, labels) = teacherData(n: 32, d: 8, classes: 3, seed: 5)
            var rng = SeededGenerator(seed: 6)
            let model = ToyClassifier(input: 8, hidden: 16, classes: 3, using: &rng)
            let opt = Optimizer(AdamW())
            let tape = Tape()
            var afterWarmup = BufferPool.Statistics(liveBytes: 0, cachedBytes: 0, peakLiveBytes: 0)
            var maxTotal = 0, nodeCounts = Set<Int>()
            for step in 0..<300 {
                let loss = model(tape.constant(x)).crossEntropy(labels: labels)
                nodeCounts.insert(tape.nodeCount)
                tape.backward(loss)
                opt.update(model.namedParameters, learningRate: 1e-3)
                model.zeroGrad()
                tape.reset()
                let s = BufferPool.shared.statistics
                if step == 10 { afterWarmup = s }
                if step > 10 { maxTotal = Swift.max(maxTotal, s.totalBytes) }
            }
            #expect(nodeCounts.count == 1)
            #expect(afterWarmup.totalBytes > 0)
            #expect(maxTotal <= afterWarmup.totalBytes, "pool grew from \(afterWarmup.totalBytes) to \(maxTotal) bytes")
            #expect(BufferPool.shared.statistics.liveBytes == afterWarmup.liveBytes)
        }

        @Test func schedulesHitTheirEndpoints() {
            let poly = PolyLR(base: 1e-4, totalSteps: 100)
            #expect(poly.learningRate(at: 0) == 1e-4)
            #expect(Swift.abs(poly.learningRate(at: 50) - 1e-4 * Double.pow(0.5, 0.9)) < 1e-15)
            #expect(poly.learningRate(at: 100) == 0)
            let cos = CosineLR(base: 1, totalSteps: 10, minimum: 0.1)
            #expect(Swift.abs(cos.learningRate(at: 5) - 0.55) < 1e-12)
            #expect(Swift.abs(cos.learningRate(at: 10) - 0.1) < 1e-12)
        }

        @Test func clippingScalesToMaxNorm() throws {
            let a = Parameter(Tensor.zeros([2])), b = Parameter(Tensor.zeros([1]))
            a.grad = try Tensor([3, 0] as [Float], shape: [2])
            b.grad = try Tensor([4] as [Float], shape: [1])
            let norm = clipGradientNorm([a, b], maxNorm: 1)
            #expect(Swift.abs(norm - 5) < 1e-9)
            let after = ((a.grad?.squaredNorm() ?? 0) + (b.grad?.squaredNorm() ?? 0)).squareRoot()
            #expect(Swift.abs(after - 1) < 1e-5)
        }
    }
}
