import Foundation

/// Figures of one sparse convolution layer (`ovseg3r bench sparse`): the op's forward and backward against raw
/// `cblas_sgemm` on the same matrix shapes (one GEMM of `[pairs_k, Cin]·[Cin, Cout]` per offset k).
public struct SparseLayerResult: Codable, Sendable {
    public var name: String
    public var kind: String
    public var inputVoxels: Int, outputVoxels: Int
    public var inChannels: Int, outChannels: Int
    /// Σ_k pairs_k.
    public var pairs: Int
    /// Kernel-map build time, ms (median).
    public var mapMs: Double
    /// Forward and backward (input and weight gradients) of the op, ms (medians).
    public var forwardMs: Double, backwardMs: Double
    /// The forward's GEMMs alone, one thread, ms (median): the reference.
    public var sgemmMs: Double
    /// Achieved GFLOP/s of the forward (2·pairs·Cin·Cout per pass).
    public var forwardGFlops: Double
    /// The raw GEMMs' GFLOP/s on one thread, and the op's on its workers.
    public var sgemmGFlops: Double
    /// forwardGFlops / (sgemmGFlops · workers): the share of the cores' GEMM rate the op reaches (goal ≥ 0.6); the
    /// median over rounds of that round's ratio (each round times the op and its GEMMs back to back).
    public var efficiency: Double
    /// Bytes the layer's forward allocates: the output, each worker's gather/GEMM scratch (one chunk of pairs).
    public var forwardBytes: Int
    public var workers: Int
}

public enum SparseBenchmarks {
    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? .nan : s[s.count / 2]
    }

    public static func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
    }

    /// Times one layer of `kind` from `input` to `output` voxels with `inChannels → outChannels`, `reps` times each
    /// (medians) on `workers` threads, with random features and weights from `seed`.
    public static func layer(name: String, kind: SparseConvolutionKind, from input: VoxelSet, to output: VoxelSet,
                             inChannels: Int, outChannels: Int, workers: Int, reps: Int, seed: UInt64 = 1) throws(TensorError) -> SparseLayerResult {
        var rng = SeededGenerator(seed: seed)
        let x = Tensor.uniform([input.count, inChannels], low: -1, high: 1, using: &rng)
        let w = Parameter(.uniform([kind.offsetCount, inChannels, outChannels], low: -0.1, high: 0.1, using: &rng))
        let xp = Parameter(x)
        var mapTimes: [Double] = [], fwd: [Double] = [], bwd: [Double] = [], gemm: [Double] = []
        var map = KernelMap(kind, from: input, to: output, workers: workers)
        for _ in 0..<reps { mapTimes.append(milliseconds { map = KernelMap(kind, from: input, to: output, workers: workers) }) }
        let g = Tensor.uniform([output.count, outChannels], low: -1, high: 1, using: &rng)
        // The reference: the same GEMMs on pre-gathered buffers, one thread, what the op would cost without gather
        // and scatter. It is timed in the same round as the op (op forward, op backward, GEMMs; `reps` rounds), so
        // the machine's drift between rounds moves both alike.
        let counts = map.pairCounts, largest = counts.max() ?? 0
        let a = Tensor.uniform([max(1, largest), inChannels], low: -1, high: 1, using: &rng)
        let c = Tensor.zeros([max(1, largest), outChannels])
        let ap = a.pointer(Float.self), wp = w.value.pointer(Float.self), cp = c.pointer(Float.self)
        for _ in 0..<reps {
            let tape = Tape()
            var y: Var?
            var failure: TensorError?
            fwd.append(milliseconds {
                do { y = try tape.parameter(xp).sparseConvolution(weight: tape.parameter(w), map: map) } catch let e as TensorError { failure = e } catch { failure = .channelMismatch(op: "\(error)", expected: 0, actual: 0) }
            })
            if let failure { throw failure }
            guard let y else { continue }
            let loss = (y * tape.constant(g)).sum()
            // The backward of the product and the sum is elementwise; the convolution's rule dominates.
            bwd.append(milliseconds { tape.backward(loss) })
            xp.zeroGrad(); w.zeroGrad()
            gemm.append(milliseconds {
                for (k, p) in counts.enumerated() where p > 0 {
                    Float.gemm(transA: false, transB: false, m: p, n: outChannels, k: inChannels, alpha: 1, a: ap, lda: inChannels,
                               b: wp + k * inChannels * outChannels, ldb: outChannels, beta: 0, c: cp, ldc: outChannels)
                }
            })
        }
        let flops = Double(map.forwardFlops(inChannels: inChannels, outChannels: outChannels))
        let f = median(fwd), s = median(gemm)
        let perWorker = min(chunkRows(Float.self, width: inChannels + outChannels, bytes: map.byOutput.chunkBytes), counts.max() ?? 0)
        return SparseLayerResult(
            name: name, kind: kind.rawValue, inputVoxels: input.count, outputVoxels: output.count, inChannels: inChannels,
            outChannels: outChannels, pairs: counts.reduce(0, +), mapMs: median(mapTimes), forwardMs: f, backwardMs: median(bwd),
            sgemmMs: s, forwardGFlops: flops / (f * 1e6), sgemmGFlops: flops / (s * 1e6),
            efficiency: median(zip(fwd, gemm).map { $1 / ($0 * Double(map.workers)) }),
            forwardBytes: 4 * (output.count * outChannels + map.workers * perWorker * (inChannels + outChannels)), workers: map.workers)
    }
}
