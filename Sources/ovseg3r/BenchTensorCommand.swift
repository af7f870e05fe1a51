import ArgumentParser
import Foundation
import Tensor

/// `ovseg3r bench tensor [--json]`: matmul overhead against raw cblas_sgemm, fused attention forward+backward,
/// the MLP training step and memory over 1,000 steps.
struct BenchTensorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tensor",
        abstract: "Tensor/autodiff figures: matmul vs cblas_sgemm, attention, MLP step, memory over 1,000 steps."
    )

    @Flag(help: "Print the results as JSON.")
    var json = false

    @Option(help: "Training steps for the memory figure.")
    var steps = 1000

    @Option(help: "Run only these parts (comma-separated: matmul, attention, pointwise, step, memory; also blocks).")
    var only: String = "matmul,attention,pointwise,step,memory"

    struct Report: Codable {
        var matmul: [TensorBenchmarks.MatmulResult]
        var attention: [TensorBenchmarks.AttentionResult]
        var pointwise: [TensorBenchmarks.PointwiseResult]
        /// `MultiHeadAttention` layer (projections included) forward + backward, same shapes, one worker.
        var attentionLayerMs: Double?
        /// Fused attention at several query-block sizes (rows, median ms), alternating within each repetition.
        var attentionBlocks: [[Double]]
        var trainingStep: TensorBenchmarks.TrainingStepResult?
        var memory: TensorBenchmarks.MemoryResult?
        /// /proc/loadavg's 1-minute figure before and after: the machine is shared, so absolute times depend on it.
        var loadAverageBefore: Double
        var loadAverageAfter: Double
    }

    static func loadAverage() -> Double {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return Double(text.split(separator: " ").first ?? "") ?? .nan
    }

    func run() throws {
        let loadBefore = Self.loadAverage()
        let parts = Set(only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let matmul = parts.contains("matmul")
            ? [(256, 100), (512, 60), (1024, 20), (2048, 7)].map { TensorBenchmarks.matmul(size: $0.0, reps: $0.1) } : []
        let attention = parts.contains("attention") ? [1, 2].map { TensorBenchmarks.attention(workers: $0, reps: 7) } : []
        let layerMs = parts.contains("attention") ? TensorBenchmarks.attentionLayer(reps: 7) : nil
        let blocks = parts.contains("blocks")
            ? TensorBenchmarks.attentionBlocking(blocks: [32, 65, 131, 512], reps: 7).map { [Double($0.rows), $0.milliseconds] } : []
        let pointwise = parts.contains("pointwise") ? [1, 2].map { TensorBenchmarks.pointwise(workers: $0, reps: 7) } : []
        let step = parts.contains("step") ? TensorBenchmarks.trainingStep(reps: 60) : nil
        let memory = parts.contains("memory") ? TensorBenchmarks.memory(steps: steps) : nil
        let report = Report(matmul: matmul, attention: attention, pointwise: pointwise, attentionLayerMs: layerMs, attentionBlocks: blocks, trainingStep: step, memory: memory,
                            loadAverageBefore: loadBefore, loadAverageAfter: Self.loadAverage())
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        func f(_ x: Double, _ d: Int = 2) -> String { String(format: "%.\(d)f", x) }
        print("load average (1 min) \(f(report.loadAverageBefore)) before, \(f(report.loadAverageAfter)) after; "
              + "BLAS threads 1, tensor workers \(TensorThreads.workers)")
        if !matmul.isEmpty { print("matmul n×n×n        ours ms   cblas ms   cblas/ours   GFLOP/s") }
        for m in matmul {
            print("  \(m.size)".padding(toLength: 20, withPad: " ", startingAt: 0)
                  + "\(f(m.oursMs, 3))".padding(toLength: 10, withPad: " ", startingAt: 0)
                  + "\(f(m.cblasMs, 3))".padding(toLength: 11, withPad: " ", startingAt: 0)
                  + "\(f(m.ratio))".padding(toLength: 13, withPad: " ", startingAt: 0) + f(m.gflops, 1))
        }
        for a in attention {
            print("attention fwd+bwd Q=\(a.queries) S=\(a.keys) d=\(a.width) h=\(a.heads), \(a.workers) worker(s): "
                  + "\(f(a.milliseconds, 1)) ms, \(f(a.gflops, 1)) GFLOP/s")
        }
        for b in blocks {
            print("attention fwd+bwd, no mask, \(Int(b[0])) query rows per block: \(f(b[1], 1)) ms")
        }
        if let layerMs {
            print("MultiHeadAttention layer (q/k/v/out projections) fwd+bwd, same shapes: \(f(layerMs, 1)) ms")
        }
        for p in pointwise {
            print("GELU fwd+bwd over \(p.count) elements, \(p.workers) worker(s): \(f(p.milliseconds, 1)) ms")
        }
        if let step {
            print("MLP step (B=\(step.batch), 256→256→16, LN, CE, AdamW): \(f(step.stepMs)) ms; its GEMMs alone \(f(step.gemmOnlyMs)) ms "
                  + "(step/GEMM \(f(step.stepMs / step.gemmOnlyMs)))")
        }
        if let memory {
            print("memory over \(memory.steps) steps: RSS \(f(memory.rssAfter10StepsMB, 1)) MB after 10, "
                  + "\(f(memory.rssAfterAllStepsMB, 1)) MB after \(memory.steps), peak (VmHWM) \(f(memory.peakRSSMB, 1)) MB; "
                  + "pool \(memory.poolBytesAfter10Steps) → \(memory.poolBytesAfterAllSteps) bytes")
        }
    }
}
