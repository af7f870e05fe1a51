import ArgumentParser
import Geometry
import Tensor

@main
struct OVSeg3R: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ovseg3r",
        abstract: "Open-vocabulary 3D instance segmentation from RGB-D video without 3D labels.",
        version: "0.1.0 (Ceres \(CeresInfo.version))",
        subcommands: [
            EvalCommand.self,
            ReportCommand.self,
            BenchCommand.self,
            InfoCommand.self,
            ImportCommand.self,
            SynthCommand.self,
            DemoCommand.self,
            ReconCommand.self,
            TrainCommand.self,
            PredictCommand.self,
            QueryCommand.self,
            EmbedCommand.self,
            SuperpointsCommand.self,
            SegmentMeshCommand.self,
            LiftCommand.self,
            PrepareCommand.self,
            ExperimentCommand.self,
            FuseCommand.self,
            MergeCommand.self,
            TrackMasksCommand.self,
            TransferCommand.self,
            ExportCommand.self,
        ]
    )

    /// OpenBLAS starts one spinning worker per core at load time; the toolkit's matrices are mid-sized,
    /// where one thread is as fast (BENCHMARKS.md, Tensor), so the second core stays free for our own loops.
    /// `OVSEG3R_THREADS` caps our own loops' threads too (`ThreadLimit`).
    static func main() {
        setBLASThreads(1)
        ThreadLimit.applyFromEnvironment()
        main(nil)
    }
}
