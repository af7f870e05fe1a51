import ArgumentParser
import Foundation
import SceneIO
import SegDINO3D
import Tensor
import Train

/// `ovseg3r bench sparse --scene ROOM`: every convolution layer shape of the sparse UNet on a real room's voxels:
/// kernel-map build, forward and backward time, GFLOP/s against raw `cblas_sgemm` on the same matrix shapes.
struct BenchSparseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sparse",
        abstract: "Sparse-convolution figures per UNet layer on a scene: kernel maps, forward/backward, GFLOP/s vs cblas_sgemm.",
        discussion: """
        The scene's points are voxelised at --voxel-size and coarsened once per level; each distinct layer of the \
        UNet (stem, residual convolutions per level, down, up, the first decoder convolution on the concatenated \
        skip) is timed --reps times on 1 and on 2 workers (medians). The reference is the same per-offset GEMMs on \
        pre-gathered buffers on one thread; efficiency = op GFLOP/s / (reference GFLOP/s · workers), goal ≥ 0.6. \
        Load average before and after is printed: the machine is shared.
        """)

    @Option(help: "A scene folder (coord.npy).")
    var scene: String
    @Option(help: "Voxel edge, metres.")
    var voxelSize = SparseUNetConfig().voxelSize
    @Option(help: "Level widths, comma-separated, finest first.")
    var widths = SparseUNetConfig().widths.map(String.init).joined(separator: ",")
    @Option(help: "Input channels of the stem (9 + the 2D feature width).")
    var inputChannels = 9
    @Option(help: "Repetitions per figure (medians).")
    var reps = 5
    @Option(help: "Worker counts to run, comma-separated.")
    var workers = "1,2"
    @Flag(help: "Print the results as JSON.")
    var json = false

    struct Report: Codable {
        var scene: String
        var points: Int
        var voxelsPerLevel: [Int]
        var voxelizeMs: Double
        var layers: [SparseLayerResult]
        var peakResidentMB: Double
        var loadAverageBefore: Double
        var loadAverageAfter: Double
    }

    func run() throws {
        let load0 = BenchTensorCommand.loadAverage()
        let w = widths.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !w.isEmpty else { throw ValidationError("--widths needs at least one integer, got \(widths)") }
        let coords = try ScenePoints.read(from: SceneFolder(URL(fileURLWithPath: scene))).coords
        var voxelization: Voxelization?
        let voxelizeMs = try SparseBenchmarks.milliseconds {
            voxelization = try Voxelization(points: coords, voxelSize: voxelSize, maxVoxels: Int.max, field: "--voxel-size")
        }
        guard let voxelization else { return }
        var sets = [voxelization.voxels]
        for _ in 1..<w.count { sets.append(sets[sets.count - 1].coarsened()) }
        // (name, kind, input level, output level, Cin, Cout): one row per distinct layer shape of `SparseUNet`.
        var layers: [(String, SparseConvolutionKind, Int, Int, Int, Int)] = [("stem", .submanifold, 0, 0, inputChannels, w[0])]
        for l in w.indices {
            layers.append(("enc.\(l) block conv", .submanifold, l, l, w[l], w[l]))
            if l + 1 < w.count {
                layers.append(("down.\(l)", .down, l, l + 1, w[l], w[l + 1]))
                layers.append(("up.\(l)", .up, l + 1, l, w[l + 1], w[l]))
                layers.append(("dec.\(l) first conv (skip concat)", .submanifold, l, l, 2 * w[l], w[l]))
            }
        }
        let workerCounts = workers.split(separator: ",").compactMap { Int($0) }
        let bar = ProgressBar("bench sparse", unit: "layers", enabled: !json)
        bar.begin(at: 0)
        var results: [SparseLayerResult] = []
        for (i, (name, kind, a, b, cIn, cOut)) in layers.enumerated() {
            for wk in workerCounts {
                results.append(try SparseBenchmarks.layer(name: name, kind: kind, from: sets[a], to: sets[b], inChannels: cIn,
                                                          outChannels: cOut, workers: wk, reps: reps))
            }
            bar.update(i + 1, of: layers.count)
        }
        let report = Report(scene: scene, points: coords.count / 3, voxelsPerLevel: sets.map(\.count), voxelizeMs: voxelizeMs,
                            layers: results, peakResidentMB: Double(peakResidentBytes() ?? 0) / 1e6,
                            loadAverageBefore: load0, loadAverageAfter: BenchTensorCommand.loadAverage())
        if json {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try e.encode(report), as: UTF8.self))
            return
        }
        print("scene \(scene): \(report.points) points, voxels per level \(report.voxelsPerLevel) at \(voxelSize) m; "
              + "voxelise \(String(format: "%.1f", voxelizeMs)) ms")
        print("| layer | kind | voxels in→out | Cin→Cout | pairs | workers | map ms | fwd ms | bwd ms | sgemm ms | fwd GFLOP/s | sgemm GFLOP/s | efficiency | fwd MB |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in results {
            print(String(format: "| %@ | %@ | %d→%d | %d→%d | %d | %d | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f | %.1f |",
                         r.name, r.kind, r.inputVoxels, r.outputVoxels, r.inChannels, r.outChannels, r.pairs, r.workers, r.mapMs,
                         r.forwardMs, r.backwardMs, r.sgemmMs, r.forwardGFlops, r.sgemmGFlops, r.efficiency, Double(r.forwardBytes) / 1e6))
        }
        print(String(format: "peak resident memory %.0f MB; load average %.2f before, %.2f after", report.peakResidentMB,
                     report.loadAverageBefore, report.loadAverageAfter))
    }
}
