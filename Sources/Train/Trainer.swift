import Foundation
import Support
import Geometry
import SceneIO
import SegDINO3D
import Tensor
import VIP

/// What to train on and where to write.
public struct TrainOptions: Sendable {
    /// Folder of scene folders (each with scene.json), or one scene folder.
    public var data: URL
    /// Run folder: config.json, log.jsonl, checkpoint-*/, latest.json.
    public var run: URL
    public var config: TrainConfig
    public var seed: UInt64 = 0
    /// Continue from the run's latest checkpoint (`Checkpoint.resumePoint`); without one, `init` throws.
    public var resume = false
    /// Stop after this many steps of the schedule (simulates a killed run); nil = `config.steps`.
    public var stopAfter: Int?
    public var showProgress = true
    public var embeddings: TextEmbeddings
    /// With several ranks: compare the ranks' parameter checksums every this many steps (and at the end).
    public var checksumEvery = 50
    /// A checkpoint (folder or run) whose encoder weights start a new run (DITR: a distilled backbone); ignored when
    /// resuming from a checkpoint of this run.
    public var initCheckpoint: URL?
    /// Test hook: throw `injectedFailure` on this rank when it starts this step (1-based).
    public var failAt: (rank: Int, step: Int)?
    /// With several ranks: how a step's slots are shared out (`SlotBalance`); the result is the same either way.
    public var balance = SlotBalance.cost
    /// With `balance` `.cost`: slots measured before costs are predicted (round-robin until then).
    public var balanceWarmup = 16

    public init(data: URL, run: URL, config: TrainConfig, embeddings: TextEmbeddings) {
        self.data = data
        self.run = run
        self.config = config
        self.embeddings = embeddings
    }
}

/// What a run did.
public struct TrainResult: Sendable {
    /// Steps completed (including resumed ones).
    public var steps: Int
    /// Total loss of every step run in this call, in order.
    public var losses: [Double]
    public var seconds: Double
    /// Steps per second of this call (higher is better).
    public var stepsPerSecond: Double { seconds > 0 ? Double(losses.count) / seconds : 0 }
    /// Peak resident memory of the process, bytes.
    public var peakMemoryBytes: Int?
    public var lastCheckpoint: URL?
}

/// The training loop: `scenesPerStep` scenes per step (spread over the ranks of `reducer`), AdamW with poly decay,
/// gradient clip, periodic atomic checkpoints. Rank 0 alone writes config.json, log.jsonl, checkpoints and progress.
public final class Trainer {
    public let options: TrainOptions
    public let model: SegDINO3DModel
    let optimizer: Optimizer<AdamW>
    let schedule: PolyLR
    let scenes: [TrainScene]
    let viewScenes: Set<Int>
    let reducer: any GradientReducer
    let layout: GradientLayout
    /// Predicts each slot's CPU time for `SlotBalance.cost` (fed by every rank with the same exchanged values).
    var slotCosts: SlotCostModel
    /// The run's seed: with the step and the slot it fixes every sample (`StepSlots`); the stored one on resume.
    public private(set) var seed: UInt64
    public private(set) var step = 0
    /// Whether this process writes the run's files (rank 0).
    public var isLead: Bool { reducer.rank == 0 }
    /// On resume: the fields where `options.config` differs from the run's stored config.json (empty otherwise).
    /// Training continues with the given config; `ovseg3r train` prints these as a warning.
    public private(set) var configChanges: [ConfigChange] = []
    /// On resume: why the run continues from another checkpoint than `latest.json` names (nil when it does not).
    public private(set) var resumeNote: String?

    /// A trainer for `options`; `reducer` says which rank this is and exchanges gradients (one process by default).
    /// Under N > 1 ranks a `scenesPerStep` of 1 becomes N, and any other value must be a multiple of N.
    public init(_ options: TrainOptions, reducer: any GradientReducer = LocalReducer()) throws {
        var options = options
        if reducer.size > 1 && options.config.scenesPerStep == 1 { options.config.scenesPerStep = reducer.size }
        try options.config.validate()
        guard options.config.scenesPerStep >= reducer.size else {
            throw TrainError.invalidConfiguration(field: "scenesPerStep", value: String(options.config.scenesPerStep),
                                                  reason: "must be at least the \(reducer.size) ranks (each rank computes at least one scene per step)")
        }
        self.options = options
        self.reducer = reducer
        seed = options.seed
        let c = options.config
        let loadedScenes = try SceneList.load(options.data, superpointArray: c.superpointArray, gtClasses: c.supervision.sceneGTClasses,
                                              fuse: c.supervision.needsFusedInstances ? FuseThresholds() : nil)
        scenes = c.supervision.relabelViews == true ? loadedScenes.map { $0.withRelabeledViews() } : loadedScenes
        let nView = Int((c.supervision.reconstructedFraction * Double(scenes.count)).rounded())
        viewScenes = Set(0..<nView)
        let loaded = scenes
        if c.supervision.needsTrackedLabels, let lacking = loaded.prefix(nView).first(where: { !$0.hasTrackedLabels }) {
            let stage = (c.supervision.curriculum ?? []).first { $0.stage.needsTrackedLabels }?.stage.rawValue ?? ""
            throw TrainError.missingCurriculumLabels(scene: lacking.name, stage: stage, file: SceneFile.tracks.fileName)
        }
        try Self.checkEmbeddings(scenes: scenes, viewScenes: viewScenes, supervision: c.supervision, embeddings: options.embeddings)
        var initRNG = SeededGenerator(seed: options.seed)
        model = try SegDINO3DModel(config: c.model, distillation: c.objective == .distill2D, using: &initRNG)
        optimizer = Optimizer(AdamW(weightDecay: c.weightDecay))
        schedule = PolyLR(base: c.learningRate, totalSteps: c.steps, power: c.polyPower)
        layout = GradientLayout(model.parameters)
        slotCosts = SlotCostModel(warmup: options.balanceWarmup)
        try FileManager.default.createDirectory(at: options.run, withIntermediateDirectories: true)
        if options.resume {
            let (folder, note) = try Checkpoint.resumePoint(in: options.run)
            resumeNote = note
            let state = try Checkpoint.state(at: folder)
            guard state.formatVersion >= 3, let storedSeed = state.seed else {
                throw TrainError.cannotResume(path: folder.path, formatVersion: state.formatVersion, reason:
                    "it continued one random stream, while this toolkit derives each step's samples from (seed, step, slot); "
                    + "start a new run, or predict from this checkpoint")
            }
            let stored = options.run.appendingPathComponent("config.json")
            configChanges = ConfigChange.between(stored: Self.overDefaults((try? Data(contentsOf: stored)) ?? state.config.jsonData()), given: c)
            if let shape = configChanges.first(where: { $0.field.hasPrefix("model.") }) {
                // A different model cannot take the stored weights; say which field rather than which tensor.
                throw TrainError.resumeModelMismatch(run: options.run.path, field: shape.field, stored: shape.stored, given: shape.given)
            }
            try model.loadParameters(from: folder.appendingPathComponent("model.safetensors").path)
            try optimizer.loadState(from: folder.appendingPathComponent("optimizer.safetensors").path, parameters: model.namedParameters)
            seed = storedSeed
            step = state.step
        } else if let initCheckpoint = options.initCheckpoint {
            try EncoderInit.load(from: initCheckpoint, into: model, config: c.model)
        }
        if isLead { try options.config.jsonData().write(to: options.run.appendingPathComponent("config.json"), options: .atomic) }
    }

    /// A stored config.json read over today's defaults, so keys added since (e.g. `model.encoder`) do not count as
    /// changes on resume.
    static func overDefaults(_ data: Data) -> Data {
        guard let stored = try? JSONSerialization.jsonObject(with: data),
              let defaults = try? JSONSerialization.jsonObject(with: TrainConfig().jsonData()),
              let merged = try? JSONSerialization.data(withJSONObject: JSONKeys.overlay(stored, on: defaults)) else { return data }
        return merged
    }

    /// Every name that supervises training (scene-level targets, view labels of the view-supervised scenes) must
    /// have a text embedding: one without would be dropped from every step, so it is an error naming the label.
    static func checkEmbeddings(scenes: [TrainScene], viewScenes: Set<Int>, supervision: SupervisionOptions,
                                embeddings: TextEmbeddings) throws(TrainError) {
        for (i, scene) in scenes.enumerated() {
            let targets = supervision.sceneGT ? scene.sceneTargets.map(\.name) : []
            let views = supervision.viewLabels && viewScenes.contains(i) ? scene.views.flatMap { $0.instances.map(\.name) } : []
            if let missing = (targets + views).first(where: { !embeddings.contains($0) }) {
                throw .labelWithoutEmbedding(label: missing, scene: scene.name, embeddings: embeddings.source,
                                             reason: "`ovseg3r train` embeds view labels with the text model (--text-model); "
                                                 + "add scene classes to the table with `python3 tools/embed_text.py --add`")
            }
        }
    }

    /// Runs the remaining steps (up to `stopAfter`), logging each and checkpointing every `checkpointEvery`.
    public func run() throws -> TrainResult {
        let c = options.config, end = min(options.stopAfter ?? c.steps, c.steps)
        let log = isLead ? try TrainLog(url: options.run.appendingPathComponent("log.jsonl"), keepThrough: options.resume ? step : nil) : nil
        let bar = ProgressBar("train", unit: "steps", enabled: options.showProgress && isLead, logLines: 20)
        bar.begin(at: step)
        var losses: [Double] = [], last: URL? = nil
        let start = Date()
        while step < end {
            let stepStart = Date()
            var values = try trainStep()
            // Wall time of the step (data, forward, backward, update), for throughput medians; not part of the state.
            values["step_ms"] = Date().timeIntervalSince(stepStart) * 1000
            step += 1
            if reducer.size > 1 && (step % options.checksumEvery == 0 || step == end) { try checkRanksAgree() }
            try log?.append(step: step, values: values)
            losses.append(values["loss"] ?? .nan)
            bar.update(step, of: c.steps, fields: [ProgressField("loss", values["loss"] ?? .nan, format: "%.4f"),
                                                   ProgressField("lr", values["lr"] ?? 0, format: "%.2e")])
            if isLead && (step % c.checkpointEvery == 0 || step == c.steps) {
                try Checkpoint.save(run: options.run, model: model, optimizer: optimizer,
                                    state: TrainState(step: step, seed: seed, config: c))
                last = Checkpoint.latest(in: options.run)
            }
        }
        return TrainResult(steps: step, losses: losses, seconds: Date().timeIntervalSince(start),
                           peakMemoryBytes: peakResidentBytes(), lastCheckpoint: last)
    }
}
