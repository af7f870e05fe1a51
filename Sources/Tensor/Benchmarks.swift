import COpenBLAS
import Foundation

/// Timings behind `ovseg3r bench tensor`. Every figure comes with a reference measured in the same run
/// (raw `cblas_sgemm` on the same shapes), and every time is a median over repetitions.
public enum TensorBenchmarks {
    /// One matmul size: our `Var.matmul` against raw `cblas_sgemm` into a preallocated buffer.
    public struct MatmulResult: Codable, Sendable {
        public var size: Int
        public var oursMs: Double
        public var cblasMs: Double
        /// cblas time / our time (1 = no overhead).
        public var ratio: Double
        public var gflops: Double

        init(size: Int, oursMs: Double, cblasMs: Double) {
            self.size = size
            self.oursMs = oursMs
            self.cblasMs = cblasMs
            ratio = cblasMs / oursMs
            gflops = 2 * pow(Double(size), 3) / (oursMs * 1e6)
        }
    }

    /// Fused attention forward + backward.
    public struct AttentionResult: Codable, Sendable {
        public var queries: Int, keys: Int, width: Int, heads: Int, workers: Int
        public var milliseconds: Double
        /// Matmul FLOPs: 4·Lq·Lk·d forward + 8·Lq·Lk·d backward.
        public var gflops: Double

        init(queries: Int, keys: Int, width: Int, heads: Int, workers: Int, milliseconds: Double) {
            self.queries = queries
            self.keys = keys
            self.width = width
            self.heads = heads
            self.workers = workers
            self.milliseconds = milliseconds
            gflops = 12 * Double(queries * keys * width) / (milliseconds * 1e6)
        }
    }

    /// One training step of Linear(256,256) → LayerNorm → ReLU → Linear(256,16) → CE with AdamW on a batch.
    public struct TrainingStepResult: Codable, Sendable {
        public var batch: Int
        public var stepMs: Double
        /// The same step's five GEMMs through raw cblas: the floor for any implementation over OpenBLAS.
        public var gemmOnlyMs: Double
    }

    /// Memory over a long run of the training step.
    public struct MemoryResult: Codable, Sendable {
        public var steps: Int
        public var rssAfter10StepsMB: Double
        public var rssAfterAllStepsMB: Double
        public var peakRSSMB: Double
        public var poolBytesAfter10Steps: Int
        public var poolBytesAfterAllSteps: Int
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? .nan : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
    }

    static func milliseconds(_ body: () -> Void) -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
    }

    /// Median ms of `reps` timed runs of `body` after one warm-up run (timed the same way, then dropped);
    /// `reset` runs untimed after each run (zero gradients, reset the tape).
    static func medianMilliseconds(reps: Int, _ body: () -> Void, reset: () -> Void) -> Double {
        var times: [Double] = []
        for _ in 0..<(reps + 1) {
            times.append(milliseconds(body))
            reset()
        }
        return median(Array(times.dropFirst()))
    }

    /// `body` run with `TensorThreads.workers = workers`, restored afterwards.
    static func withWorkers<R>(_ workers: Int, _ body: () -> R) -> R {
        let saved = TensorThreads.workers
        TensorThreads.workers = workers
        defer { TensorThreads.workers = saved }
        return body()
    }

    /// Matmul overhead at `n×n×n`, `reps` alternating repetitions of each.
    public static func matmul(size n: Int, reps: Int) -> MatmulResult {
        var rng = SeededGenerator(seed: UInt64(n))
        let a = Tensor.normal([n, n], using: &rng), b = Tensor.normal([n, n], using: &rng)
        let c = Tensor(uninitialized: [n, n], dtype: .float32)
        let tape = Tape(recording: false)
        var ours: [Double] = [], ref: [Double] = []
        func runReference() {
            ref.append(milliseconds {
                Float.gemm(transA: false, transB: false, m: n, n: n, k: n, alpha: 1, a: a.pointer(Float.self), lda: n,
                           b: b.pointer(Float.self), ldb: n, beta: 0, c: c.pointer(Float.self), ldc: n)
            })
        }
        func runOurs() {
            ours.append(milliseconds { _ = tape.constant(a).matmul(tape.constant(b)) })
            tape.reset()
        }
        // Alternate which goes first so that neither always runs right after the other's cache traffic.
        for i in 0..<(reps + 1) {
            if i % 2 == 0 { runReference(); runOurs() } else { runOurs(); runReference() }
        }
        return MatmulResult(size: n, oursMs: median(Array(ours.dropFirst())), cblasMs: median(Array(ref.dropFirst())))
    }

    /// Attention forward + backward through the fused op.
    public static func attention(queries: Int = 512, keys: Int = 2000, width: Int = 128, heads: Int = 8,
                                 workers: Int, reps: Int) -> AttentionResult {
        var rng = SeededGenerator(seed: 11)
        let q = Parameter(.normal([queries, width], using: &rng)), k = Parameter(.normal([keys, width], using: &rng))
        let v = Parameter(.normal([keys, width], using: &rng))
        let mask = try? Tensor((0..<(queries * keys)).map { _ in rng.next() & 1 == 0 ? Float(1) : 0 } as [Float], shape: [queries, keys])
        let tape = Tape()
        let ms = withWorkers(workers) {
            medianMilliseconds(reps: reps, {
                let o = Var.attention(query: tape.parameter(q), key: tape.parameter(k), value: tape.parameter(v),
                                      heads: heads, mask: mask.map { .boolean($0) } ?? .none)
                tape.backward(o.sum())
            }, reset: {
                for p in [q, k, v] { p.zeroGrad() }
                tape.reset()
            })
        }
        return AttentionResult(queries: queries, keys: keys, width: width, heads: heads, workers: workers, milliseconds: ms)
    }

    /// A large pointwise op (GELU forward + backward on `count` elements) with the given number of workers.
    public struct PointwiseResult: Codable, Sendable {
        public var count: Int, workers: Int
        public var milliseconds: Double
    }

    public static func pointwise(count: Int = 1 << 23, workers: Int, reps: Int) -> PointwiseResult {
        var rng = SeededGenerator(seed: 3)
        let x = Parameter(.uniform([count], low: -3, high: 3, using: &rng))
        let tape = Tape()
        let ms = withWorkers(workers) {
            medianMilliseconds(reps: reps, {
                let y = tape.parameter(x).gelu()
                tape.backward(y.sum())
            }, reset: {
                x.zeroGrad()
                tape.reset()
            })
        }
        return PointwiseResult(count: count, workers: workers, milliseconds: ms)
    }

    /// Fused attention fwd+bwd (same shapes as `attention`) for several query-block sizes, alternating within
    /// each repetition so that all see the same load. Returns (rows per block, median ms); `queries` = unblocked.
    public static func attentionBlocking(queries: Int = 512, keys: Int = 2000, width: Int = 128, heads: Int = 8,
                                         blocks: [Int], reps: Int) -> [(rows: Int, milliseconds: Double)] {
        var rng = SeededGenerator(seed: 11)
        let q = Parameter(.normal([queries, width], using: &rng)), k = Parameter(.normal([keys, width], using: &rng))
        let v = Parameter(.normal([keys, width], using: &rng))
        let tape = Tape()
        var times = [[Double]](repeating: [], count: blocks.count)
        for r in 0..<(reps + 1) {
            for (i, rows) in blocks.enumerated() {
                let t = milliseconds {
                    let o = Var.attention(query: tape.parameter(q), key: tape.parameter(k), value: tape.parameter(v),
                                          heads: heads, mask: .none, scale: nil, queryBlock: rows)
                    tape.backward(o.sum())
                }
                if r > 0 { times[i].append(t) }
                for p in [q, k, v] { p.zeroGrad() }
                tape.reset()
            }
        }
        return zip(blocks, times).map { (rows: $0.0, milliseconds: median($0.1)) }
    }

    /// Median ms of a `MultiHeadAttention(width:heads:)` layer forward + backward (projections included), with
    /// `queries` query rows attending to `keys` rows.
    public static func attentionLayer(queries: Int = 512, keys: Int = 2000, width: Int = 128, heads: Int = 8,
                                      reps: Int) -> Double {
        var rng = SeededGenerator(seed: 12)
        let layer = MultiHeadAttention(width: width, heads: heads, using: &rng)
        let q = Tensor.normal([queries, width], using: &rng), kv = Tensor.normal([keys, width], using: &rng)
        let tape = Tape()
        return medianMilliseconds(reps: reps, {
            let o = layer(query: tape.constant(q), key: tape.constant(kv), value: tape.constant(kv))
            tape.backward(o.sum())
        }, reset: {
            layer.zeroGrad()
            tape.reset()
        })
    }

    final class StepModel: Module {
        let fc1: Linear, norm: LayerNorm, fc2: Linear
        init(using rng: inout some RandomNumberGenerator) {
            fc1 = Linear(256, 256, using: &rng)
            norm = LayerNorm(256)
            fc2 = Linear(256, 16, using: &rng)
        }
        var namedParameters: [(name: String, parameter: Parameter)] {
            prefixed("fc1", fc1) + prefixed("norm", norm) + prefixed("fc2", fc2)
        }
        func callAsFunction(_ x: Var) -> Var { fc2(norm(fc1(x)).relu()) }
    }

    struct StepSetup {
        let x: Tensor
        let labels: [Int32]
        let model: StepModel
        let optimizer: Optimizer<AdamW>
        let tape = Tape()

        init(batch: Int) {
            var rng = SeededGenerator(seed: 5)
            x = Tensor.normal([batch, 256], using: &rng)
            labels = (0..<batch).map { _ in Int32(rng.next() % 16) }
            model = StepModel(using: &rng)
            optimizer = Optimizer(AdamW(weightDecay: 0.05))
        }

        func step() {
            let loss = model(tape.constant(x)).crossEntropy(labels: labels)
            tape.backward(loss)
            clipGradientNorm(model.parameters, maxNorm: 10)
            optimizer.update(model.namedParameters, learningRate: 1e-3)
            model.zeroGrad()
            tape.reset()
        }
    }

    /// Median step time of the MLP training step, and of its GEMMs alone.
    public static func trainingStep(batch: Int = 1024, reps: Int) -> TrainingStepResult {
        let setup = StepSetup(batch: batch)
        var times: [Double] = []
        // The five products of one step (two forward, three backward; dX of a constant input is skipped), timed
        // alternately with the step so that both see the same machine load.
        let h = Tensor.zeros([batch, 256]), w1 = Tensor.zeros([256, 256]), w2 = Tensor.zeros([16, 256])
        let g2 = Tensor.zeros([batch, 16]), out = Tensor.zeros([batch, 256]), small = Tensor.zeros([batch, 16])
        let dW = Tensor.zeros([256, 256])
        let p = { (t: Tensor) in t.pointer(Float.self) }
        var gemm: [Double] = []
        for _ in 0..<(reps + 3) {
            times.append(milliseconds { setup.step() })
            gemm.append(milliseconds {
                Float.gemm(transA: false, transB: true, m: batch, n: 256, k: 256, alpha: 1, a: p(setup.x), lda: 256, b: p(w1), ldb: 256, beta: 0, c: p(out), ldc: 256)
                Float.gemm(transA: false, transB: true, m: batch, n: 16, k: 256, alpha: 1, a: p(h), lda: 256, b: p(w2), ldb: 256, beta: 0, c: p(small), ldc: 16)
                Float.gemm(transA: true, transB: false, m: 16, n: 256, k: batch, alpha: 1, a: p(g2), lda: 16, b: p(h), ldb: 256, beta: 0, c: p(dW), ldc: 256)
                Float.gemm(transA: false, transB: false, m: batch, n: 256, k: 16, alpha: 1, a: p(g2), lda: 16, b: p(w2), ldb: 256, beta: 0, c: p(out), ldc: 256)
                Float.gemm(transA: true, transB: false, m: 256, n: 256, k: batch, alpha: 1, a: p(out), lda: 256, b: p(setup.x), ldb: 256, beta: 0, c: p(dW), ldc: 256)
            })
        }
        return TrainingStepResult(batch: batch, stepMs: median(Array(times.dropFirst(3))), gemmOnlyMs: median(Array(gemm.dropFirst(3))))
    }

    /// Resident set size fields of /proc/self/status, in MB (VmRSS current, VmHWM peak).
    public static func residentMB() -> (current: Double, peak: Double) {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (.nan, .nan) }
        func field(_ name: String) -> Double {
            guard let line = s.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return .nan }
            return (Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan) / 1024
        }
        return (field("VmRSS"), field("VmHWM"))
    }

    /// RSS and pool bytes over `steps` training steps.
    public static func memory(steps: Int = 1000) -> MemoryResult {
        let setup = StepSetup(batch: 1024)
        var rss10 = 0.0, pool10 = 0
        for i in 0..<steps {
            setup.step()
            if i == 9 { rss10 = residentMB().current; pool10 = BufferPool.shared.statistics.totalBytes }
        }
        let end = residentMB()
        return MemoryResult(steps: steps, rssAfter10StepsMB: rss10, rssAfterAllStepsMB: end.current, peakRSSMB: end.peak,
                            poolBytesAfter10Steps: pool10, poolBytesAfterAllSteps: BufferPool.shared.statistics.totalBytes)
    }
}
