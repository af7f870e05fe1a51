import ArgumentParser
import Foundation
import SceneIO
import Train

/// `ovseg3r demo`: the whole method end to end on generated data, resumable stage by stage.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole pipeline end to end on generated rooms: synth → recon → superpoints → lift → train → predict → eval → report.",
        discussion: """
        Generates training rooms and held-out rooms (other seeds), reconstructs each from its RGB-D video with the
        drifting device poses refined, builds IBSp superpoints, lifts the simulated 2D model's output into view-level
        3D labels, trains SegDINO3D-VL with VIP on base-class 3D labels plus the lifted labels, predicts on the held-out
        rooms, evaluates AP/AP50/AP25 for all, base and novel classes, and writes an HTML report.

        Training averages 2 scenes per step and runs as 2 MPI ranks, one per core, when mpirun is installed
        (`--ranks 1`, or no mpirun, trains in one process with the same result).

        Every stage is the command you would type yourself (printed before it runs). An interrupted demo resumes:
        stages whose outputs exist are skipped. The standard run takes under 20 minutes on 2 cores.
        """
    )

    @Option(name: .long, help: "Folder for every output (videos, scenes, run, report).")
    var out: String = "demo-out"

    @Flag(name: .long, help: "A small run for tests: tiny rooms, few frames, few training steps.")
    var quick = false

    @Option(name: .long, help: "Seed of the whole run (scene generation, training).")
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp(
        "Zero-shot split: comma-separated novel classes the simulated 2D model never names (synth --hold-out); "
        + "eval and the report then show them as \"unseen\" beside base and novel. Default: \(DemoPlan.standardHeldOut) "
        + "in the standard demo, none with --quick; \"none\" turns the split off.",
        valueName: "names"))
    var holdOut: String?

    @Option(name: .long, help: """
        Training processes: the train stage runs under `mpirun -np RANKS` when mpirun is on PATH (each rank computes \
        one of the step's scenes); 1, or no mpirun, trains in one process with the same result.
        """)
    var ranks: Int = 2

    func validate() throws {
        guard ranks >= 1 else { throw ValidationError("--ranks must be ≥ 1, got \(ranks)") }
    }

    func run() throws {
        var plan = quick ? DemoPlan.quick(seed: seed) : DemoPlan.standard(seed: seed)
        if let holdOut { plan.heldOut = holdOut == "none" ? nil : holdOut }
        let layout = DemoLayout(root: URL(fileURLWithPath: out).standardizedFileURL)
        let runner = DemoRunner()
        try writeReconPreset(plan: plan, to: layout.reconPreset)
        try writeTrainConfig(plan: plan, to: layout.trainConfig)
        var outcomes: [DemoStageOutcome] = []
        let launcher = TrainLauncher.mpirun(ranks: ranks, scenesPerStep: plan.scenesPerStep)
        for var stage in Self.stages(plan: plan, layout: layout) {
            if stage.arguments.first == "train" { stage.launcher = launcher }
            outcomes.append(try runner.run(stage))
        }
        printSummary(outcomes: outcomes, layout: layout)
    }

    // MARK: - The stages

    static func stages(plan: DemoPlan, layout: DemoLayout) -> [DemoStage] {
        var stages: [DemoStage] = []
        let splits: [(name: String, count: Int, seed: UInt64)] = [
            ("train", plan.trainScenes, plan.trainSeed), ("test", plan.testScenes, plan.testSeed),
        ]
        for split in splits {
            let videos = layout.videoSet(split.name)
            let lastScene = sceneName(split.count - 1)
            stages.append(DemoStage(
                name: "synth \(split.name) (\(split.count) rooms × \(plan.frames) frames)",
                arguments: ["synth", "--out", videos.path, "--scenes", "\(split.count)", "--frames", "\(plan.frames)",
                            "--seed", "\(split.seed)", "--preset", plan.preset, "--resume"] + (plan.heldOut.map { ["--hold-out", $0] } ?? [])
                            + (plan.freeFormRate > 0 ? ["--free-form-labels", "\(plan.freeFormRate)"] : []),
                output: VideoFile.synthRecord.url(in: videos.appendingPathComponent(lastScene))))
        }
        for split in splits {
            for index in 0..<split.count {
                let name = sceneName(index)
                let video = layout.videoSet(split.name).appendingPathComponent(name)
                let scene = layout.sceneSet(split.name).appendingPathComponent(name)
                stages.append(DemoStage(
                    name: "recon \(split.name)/\(name)",
                    arguments: ["recon", video.path, "--out", scene.path, "--poses", "refine",
                                "--preset", layout.reconPreset.path],
                    output: scene.appendingPathComponent(SceneFile.manifest.fileName),
                    sceneStage: (scene, .recon, ["poseMode": "\"refine\""])))
                stages.append(DemoStage(
                    name: "superpoints \(split.name)/\(name)",
                    arguments: ["superpoints", scene.path, "--mode", "ibsp"],
                    output: scene.appendingPathComponent(SceneFile.superpoints.fileName),
                    sceneStage: (scene, .superpoints, ["mode": "ibsp"])))
                stages.append(DemoStage(
                    name: "lift \(split.name)/\(name)",
                    arguments: ["lift", scene.path],
                    output: scene.appendingPathComponent(SceneFile.viewLabels.fileName),
                    sceneStage: (scene, .lift, [:])))
            }
        }
        let unseen = plan.heldOut.map { ["--unseen", $0] } ?? []
        let resume = FileManager.default.fileExists(atPath: layout.run.appendingPathComponent("latest.json").path)
        stages.append(DemoStage(
            name: "train (\(plan.trainSteps) steps × \(plan.scenesPerStep) scenes)",
            arguments: ["train", "--data", layout.sceneSet("train").path, "--out", layout.run.path,
                        "--seed", "\(plan.seed)", "--steps", "\(plan.trainSteps)",
                        "--scenes-per-step", "\(plan.scenesPerStep)", "--config", layout.trainConfig.path] + (resume ? ["--resume"] : ["--force"]),
            output: layout.run.appendingPathComponent(String(format: "checkpoint-%06d", plan.trainSteps))))
        stages.append(DemoStage(
            name: "predict held-out rooms",
            arguments: ["predict", "--checkpoint", layout.run.path, "--scene", layout.sceneSet("test").path,
                        "--out", layout.predictions.path],
            output: layout.predictions.appendingPathComponent(sceneName(plan.testScenes - 1) + ".txt")))
        stages.append(DemoStage(
            name: "eval (all, base, novel)",
            arguments: ["eval", "--pred", layout.predictions.path, "--gt", layout.sceneSet("test").path,
                        "--split", "base-novel", "--json", layout.evaluation.path,
                        "--markdown", layout.evaluationMarkdown.path] + unseen,
            output: layout.evaluation))
        // What the model is measured against: the same 2D masks fused across views without training, and both together.
        let lastTest = sceneName(plan.testScenes - 1) + ".txt"
        stages.append(DemoStage(
            name: "fuse held-out rooms (training-free lifting)",
            arguments: ["fuse", "--scene", layout.sceneSet("test").path, "--out", layout.liftedPredictions.path],
            output: layout.liftedPredictions.appendingPathComponent(lastTest)))
        stages.append(DemoStage(
            name: "merge lifting and the model",
            arguments: ["merge", "--pred", layout.liftedPredictions.path, "--pred", layout.predictions.path,
                        "--out", layout.mergedPredictions.path, "--policy", "nms"],
            output: layout.mergedPredictions.appendingPathComponent(lastTest)))
        for (what, predictions, evaluation) in [("training-free lifting", layout.liftedPredictions, layout.liftedEvaluation),
                                                ("model + lifting", layout.mergedPredictions, layout.mergedEvaluation)] {
            stages.append(DemoStage(
                name: "eval \(what)",
                arguments: ["eval", "--pred", predictions.path, "--gt", layout.sceneSet("test").path,
                            "--split", "base-novel", "--json", evaluation.path] + unseen,
                output: evaluation))
        }
        stages.append(DemoStage(
            name: "report",
            arguments: ["report", layout.run.path, "--gt", layout.sceneSet("test").path, "--out", layout.report.path]
                + (plan.heldOut == nil ? [] : ["--split", "base-novel"]) + unseen,
            output: layout.report))
        return stages
    }

    /// The demo's reconstruction preset: any subset of `ovseg3r recon --print-options`, like the files in recon/presets.
    private func writeReconPreset(plan: DemoPlan, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(plan.reconPresetJSON.utf8).write(to: url, options: .atomic)
    }

    /// The demo's training config: the lifted 2D features as input (C = 16, what `lift` writes), and with them the
    /// 2D objects' names (`objectLabels`). The learning benchmark (RESULTS.md) measured the features as the largest
    /// single gain (+29.7 AP over the same model without them) and the names as +3.0 AP [0.8, 4.8] more (2 seeds each,
    /// 24 held-out rooms). The training rooms' fused instances (curriculum stage `fused`) join the view labels
    /// (RESULTS.md, "Training towards the training-free lifting's instances").
    /// The file holds only these keys, as a user's config would; they are checked against `TrainConfig` first.
    private func writeTrainConfig(plan: DemoPlan, to url: URL) throws {
        var model: [String: Any] = ["feature2DWidth": plan.feature2DWidth]
        if plan.feature2DWidth > 0 { model["objectLabels"] = true }
        let curriculum: [[String: Any]] = [CurriculumStage.views, .fused].map { ["stage": $0.rawValue, "fromStep": 0] }
        let config: [String: Any] = ["model": model, "supervision": ["curriculum": curriculum]]
        try TrainConfig.checkKeys(config, source: url.path)
        let data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
        try (data + Data("\n".utf8)).write(to: url, options: .atomic)
    }

    static func sceneName(_ index: Int) -> String { String(format: "scene_%04d", index) }

    // MARK: - Summary

    private func printSummary(outcomes: [DemoStageOutcome], layout: DemoLayout) {
        var lines = ["", "Demo summary", String(repeating: "─", count: 60)]
        for outcome in outcomes {
            let time = outcome.status == .ran ? String(format: "%7.1f s", outcome.seconds) : "       –"
            lines.append("\(outcome.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(time)  \(outcome.name)")
        }
        let total = outcomes.reduce(0) { $0 + $1.seconds }
        lines.append(String(format: "total %.1f s", total))
        lines.append(contentsOf: DemoSummary.apTable(evaluation: layout.evaluation))
        lines.append(contentsOf: DemoSummary.comparison([("trained model", layout.evaluation),
                                                          ("training-free lifting", layout.liftedEvaluation),
                                                          ("model + lifting", layout.mergedEvaluation)]))
        lines.append("Report: \(layout.report.path)")
        print(lines.joined(separator: "\n"))
    }
}
