import Foundation
import Support
import Geometry
import SegDINO3D
import Tensor

/// Training state beyond the weights: written as `state.json` in a checkpoint folder.
public struct TrainState: Codable, Sendable, Equatable {
    /// Checkpoint format: 2 added the learned logit scale and the semantic head (format-1 checkpoints lack both);
    /// 3 stores the run seed instead of one RNG stream's state, since every step's samples derive from
    /// (seed, step, slot) (`StepSlots`), and the config gained `scenesPerStep`. Both formats load for prediction;
    /// only format 3 resumes.
    public var formatVersion: Int = Checkpoint.formatVersion
    /// Steps completed.
    public var step: Int
    /// The run's seed (format 3): with `step` it fixes every later sample.
    public var seed: UInt64?
    /// Format 2 only: the state of the single training RNG stream after `step` steps.
    public var rngState: UInt64?
    public var config: TrainConfig

    public init(step: Int, seed: UInt64, config: TrainConfig) {
        self.step = step
        self.seed = seed
        self.config = config
    }
}

/// A checkpoint folder `RUN/checkpoint-<step>/` holding `model.safetensors`, `optimizer.safetensors` and
/// `state.json`; `RUN/latest.json` names the newest complete one. The folder is written under a temporary name
/// and renamed, and `latest.json` is replaced atomically, so a run killed at any moment leaves a usable checkpoint.
public enum Checkpoint {
    struct Latest: Codable { var checkpoint: String; var step: Int }
    /// The format this toolkit writes (`TrainState.formatVersion`).
    public static let formatVersion = 3
    /// The formats it reads: 2 for prediction, 3 for prediction and resume.
    public static let readableVersions = 2...3

    /// Writes the checkpoint for `state.step` and points `latest.json` at it; then prunes (`prune`).
    public static func save(run: URL, model: SegDINO3DModel, optimizer: Optimizer<AdamW>, state: TrainState) throws {
        let fm = FileManager.default
        let name = String(format: "checkpoint-%06d", state.step)
        let final = run.appendingPathComponent(name), temp = run.appendingPathComponent(".tmp-" + name)
        try? fm.removeItem(at: temp)
        try fm.createDirectory(at: temp, withIntermediateDirectories: true)
        try model.saveParameters(to: temp.appendingPathComponent("model.safetensors").path, metadata: ["step": String(state.step), "encoder": state.config.model.encoder.rawValue,
                                                                                                             "objective": state.config.objective.rawValue])
        try optimizer.saveState(to: temp.appendingPathComponent("optimizer.safetensors").path)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try enc.encode(state).write(to: temp.appendingPathComponent("state.json"), options: .atomic)
        try? fm.removeItem(at: final)
        try fm.moveItem(at: temp, to: final)
        try enc.encode(Latest(checkpoint: name, step: state.step)).write(to: run.appendingPathComponent("latest.json"), options: .atomic)
        prune(run: run, saved: state.step, keepEvery: state.config.keepCheckpointEvery)
    }

    /// Keeps the checkpoint just saved, the newest one before it and those at multiples of `keepEvery`; removes
    /// the other checkpoints of lower steps and half-written `.tmp-checkpoint-*` folders. Checkpoints of higher
    /// steps (another run's, in a folder reused without `--force`) are never what makes a new one vanish.
    static func prune(run: URL, saved: Int, keepEvery: Int) {
        let fm = FileManager.default
        let names = (try? fm.contentsOfDirectory(atPath: run.path)) ?? []
        for name in names where name.hasPrefix(".tmp-checkpoint-") { try? fm.removeItem(at: run.appendingPathComponent(name)) }
        let older = names.compactMap { n in step(ofFolderNamed: n).map { (name: n, step: $0) } }
            .filter { $0.step < saved }.sorted { $0.step < $1.step }.dropLast(1)
        for o in older where !(keepEvery > 0 && o.step % keepEvery == 0) {
            try? fm.removeItem(at: run.appendingPathComponent(o.name))
        }
    }

    /// The step of a folder named `checkpoint-<digits>`, else nil.
    public static func step(ofFolderNamed name: String) -> Int? {
        guard name.hasPrefix("checkpoint-") else { return nil }
        let digits = name.dropFirst("checkpoint-".count)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// Whether `folder` holds all three files of a checkpoint.
    public static func isComplete(_ folder: URL) -> Bool {
        ["model.safetensors", "optimizer.safetensors", "state.json"].allSatisfy {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
        }
    }

    /// The complete checkpoint folders of `run`, by step.
    public static func completeCheckpoints(in run: URL) -> [(step: Int, folder: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? []
        return names.compactMap { n in step(ofFolderNamed: n).map { (step: $0, folder: run.appendingPathComponent(n)) } }
            .filter { isComplete($0.folder) }.sorted { $0.step < $1.step }
    }

    /// Where `--resume` continues: the checkpoint `latest.json` names when it is complete; otherwise the newest
    /// complete checkpoint, with a note saying why (for the user); with neither, `nothingToResume`.
    public static func resumePoint(in run: URL) throws(TrainError) -> (folder: URL, note: String?) {
        let problem: String
        if let data = try? Data(contentsOf: run.appendingPathComponent("latest.json")) {
            if let l = try? JSONDecoder().decode(Latest.self, from: data) {
                let folder = run.appendingPathComponent(l.checkpoint)
                if isComplete(folder) { return (folder, nil) }
                problem = "latest.json names \(l.checkpoint), which is missing or incomplete"
            } else {
                problem = "latest.json is unreadable"
            }
        } else {
            problem = "there is no latest.json"
        }
        guard let newest = completeCheckpoints(in: run).last else {
            throw .nothingToResume(run: run.path, reason: problem + " and no complete checkpoint-NNNNNN folder "
                                   + "(model.safetensors, optimizer.safetensors, state.json)")
        }
        return (newest.folder, "\(problem); resuming from the newest complete checkpoint, \(newest.folder.lastPathComponent)")
    }

    /// The newest complete checkpoint folder of `run`, if any.
    public static func latest(in run: URL) -> URL? {
        guard let data = try? Data(contentsOf: run.appendingPathComponent("latest.json")),
              let l = try? JSONDecoder().decode(Latest.self, from: data) else { return nil }
        return run.appendingPathComponent(l.checkpoint)
    }

    /// Resolves a checkpoint argument: a checkpoint folder, or a run folder (its latest checkpoint).
    public static func resolve(_ url: URL) throws(TrainError) -> URL {
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("state.json").path) { return url }
        if let l = try? resumePoint(in: url).folder { return l }
        throw .badCheckpoint(path: url.path, reason: "neither a checkpoint folder (state.json) nor a run with a complete checkpoint")
    }

    /// Reads `state.json` of a checkpoint folder; a format outside `readableVersions` is `incompatibleCheckpoint`.
    /// The stored config is read over today's defaults, so fields added since (e.g. `scenesPerStep` in format 2)
    /// take their default values.
    public static func state(at folder: URL) throws(TrainError) -> TrainState {
        struct Header: Decodable { var formatVersion: Int?; var step: Int; var seed: UInt64?; var rngState: UInt64? }
        let url = folder.appendingPathComponent("state.json")
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .badCheckpoint(path: url.path, reason: String(describing: error)) }
        struct Version: Decodable { var formatVersion: Int? }
        let version = (try? JSONDecoder().decode(Version.self, from: data))?.formatVersion
        guard let version, readableVersions.contains(version) else {
            throw .incompatibleCheckpoint(path: folder.path, formatVersion: version, expected: formatVersion)
        }
        do {
            let header = try JSONDecoder().decode(Header.self, from: data)
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            let defaults = try JSONSerialization.jsonObject(with: JSONEncoder().encode(TrainConfig()))
            let merged = JSONKeys.overlay(object?["config"] ?? [String: Any](), on: defaults)
            let config = try JSONDecoder().decode(TrainConfig.self, from: JSONSerialization.data(withJSONObject: merged))
            var state = TrainState(step: header.step, seed: header.seed ?? 0, config: config)
            state.formatVersion = version
            state.seed = header.seed
            state.rngState = header.rngState
            return state
        } catch {
            throw .badCheckpoint(path: url.path, reason: String(describing: error))
        }
    }

    /// A model built from the checkpoint's config with its weights loaded.
    public static func loadModel(from folder: URL) throws -> (model: SegDINO3DModel, state: TrainState) {
        let st = try state(at: folder)
        var rng = SeededGenerator(seed: 0)
        let model = try SegDINO3DModel(config: st.config.model, distillation: st.config.objective == .distill2D, using: &rng)
        try model.loadParameters(from: folder.appendingPathComponent("model.safetensors").path)
        return (model, st)
    }
}
