import Foundation
import Geometry
import SceneIO
import SegDINO3D
import Tensor

/// What to train on and where to write.
public struct TrainOptions: Sendable {
    /// Folder of scene folders (each with scene.json), or one scene folder.
    public var data: URL
    /// Run folder: config.json, log.jsonl, checkpoint-*/, latest.json.
    public var run: URL
    public var config: TrainConfig
    public var seed: UInt64 = 0
    /// Continue from the run's latest checkpoint.
    public var resume = false
    /// Stop after this many steps of the schedule (simulates a killed run); nil = `config.steps`.
    public var stopAfter: Int?
    public var showProgress = true
    public var embeddings: TextEmbeddings

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

/// The training loop: one scene per step, AdamW with poly decay, gradient clip, periodic atomic checkpoints.
public final class Trainer {
    public let options: TrainOptions
    public let model: SegDINO3DModel
    let optimizer: Optimizer<AdamW>
    let schedule: PolyLR
    let scenes: [TrainScene]
    let viewScenes: Set<Int>
    var rng: SeededGenerator
    public private(set) var step = 0
    /// On resume: the fields where `options.config` differs from the run's stored config.json (empty otherwise).
    /// Training continues with the given config; `ovseg3r train` prints these as a warning.
    public private(set) var configChanges: [ConfigChange] = []

    public init(_ options: TrainOptions) throws {
        try options.config.validate()
        self.options = options
        let c = options.config
        scenes = try SceneList.load(options.data, superpointArray: c.superpointArray, gtClasses: c.supervision.sceneGTClasses)
        let nView = Int((c.supervision.reconstructedFraction * Double(scenes.count)).rounded())
        viewScenes = Set(0..<nView)
        var initRNG = SeededGenerator(seed: options.seed)
        model = try SegDINO3DModel(config: c.model, using: &initRNG)
        optimizer = Optimizer(AdamW(weightDecay: c.weightDecay))
        schedule = PolyLR(base: c.learningRate, totalSteps: c.steps, power: c.polyPower)
        rng = SeededGenerator(seed: options.seed &+ 0x5EED)
        try FileManager.default.createDirectory(at: options.run, withIntermediateDirectories: true)
        if options.resume, let folder = Checkpoint.latest(in: options.run) {
            let state = try Checkpoint.state(at: folder)
            let stored = options.run.appendingPathComponent("config.json")
            configChanges = ConfigChange.between(stored: (try? Data(contentsOf: stored)) ?? state.config.jsonData(), given: c)
            if let shape = configChanges.first(where: { $0.field.hasPrefix("model.") }) {
                // A different model cannot take the stored weights; say which field rather than which tensor.
                throw TrainError.resumeModelMismatch(run: options.run.path, field: shape.field, stored: shape.stored, given: shape.given)
            }
            try model.loadParameters(from: folder.appendingPathComponent("model.safetensors").path)
            try optimizer.loadState(from: folder.appendingPathComponent("optimizer.safetensors").path, parameters: model.namedParameters)
            rng = SeededGenerator(seed: state.rngState)
            step = state.step
        }
        try options.config.jsonData().write(to: options.run.appendingPathComponent("config.json"), options: .atomic)
    }

    /// Runs the remaining steps (up to `stopAfter`), logging each and checkpointing every `checkpointEvery`.
    public func run() throws -> TrainResult {
        let c = options.config, end = min(options.stopAfter ?? c.steps, c.steps)
        let log = try TrainLog(url: options.run.appendingPathComponent("log.jsonl"), keepThrough: options.resume ? step : nil)
        let bar = ProgressBar("train", unit: "steps", enabled: options.showProgress, logLines: 20)
        bar.begin(at: step)
        var losses: [Double] = [], last: URL? = nil
        let start = Date()
        while step < end {
            let stepStart = Date()
            var values = try trainStep()
            // Wall time of the step (data, forward, backward, update), for throughput medians; not part of the state.
            values["step_ms"] = Date().timeIntervalSince(stepStart) * 1000
            step += 1
            log.append(step: step, values: values)
            losses.append(values["loss"] ?? .nan)
            bar.update(step, of: c.steps, fields: [ProgressField("loss", values["loss"] ?? .nan, format: "%.4f"),
                                                   ProgressField("lr", values["lr"] ?? 0, format: "%.2e")])
            if step % c.checkpointEvery == 0 || step == c.steps {
                try Checkpoint.save(run: options.run, model: model, optimizer: optimizer,
                                    state: TrainState(step: step, rngState: rng.state, config: c))
                last = Checkpoint.latest(in: options.run)
            }
        }
        return TrainResult(steps: step, losses: losses, seconds: Date().timeIntervalSince(start),
                           peakMemoryBytes: peakResidentBytes(), lastCheckpoint: last)
    }

    /// One optimisation step on one random, augmented scene; returns the logged values.
    func trainStep() throws -> [String: Double] {
        let c = options.config
        let index = rng.nextIndex(below: scenes.count)
        var scene = scenes[index].transformed(SceneTransform.random(c.augment, using: &rng))
        if c.augment.enabled { scene = scene.elasticallyDistorted(c.augment.elastic, using: &rng) }
        let seeds = sampleQueries(count: scene.superpointCount)
        let batch = try StepBatch.make(scene: scene, seeds: seeds, useViews: viewScenes.contains(index), config: c,
                                       embeddings: options.embeddings, rng: &rng)
        let tape = Tape()
        let predictions = try model.forward(batch.input, tape: tape)
        let (loss, values) = LossAggregate.total(predictions, sets: batch.sets, seeds: seeds, weights: c.weights,
                                                 semanticTargets: batch.semanticTargets, tape: tape)
        tape.backward(loss)
        let norm = clipGradientNorm(model.parameters, maxNorm: c.clipNorm)
        let lr = schedule.learningRate(at: step)
        optimizer.update(model.namedParameters, learningRate: lr)
        model.zeroGrad()
        return values.merging(["lr": lr, "grad_norm": norm, "queries": Double(seeds.count)]) { a, _ in a }
    }

    /// A random share U(minQueryFraction, 1) of the superpoints, ascending.
    func sampleQueries(count s: Int) -> [Int32] {
        let fraction = options.config.minQueryFraction >= 1 ? 1 : rng.nextUniform(in: options.config.minQueryFraction..<1)
        var all = (0..<s).map { Int32($0) }
        all.shuffle(using: &rng)
        return all.prefix(max(1, Int((fraction * Double(s)).rounded()))).sorted()
    }
}
