import Support

/// Errors of training, prediction and querying, each with the file or value at fault.
public enum TrainError: Error, CustomStringConvertible {
    /// A scene folder lacks an array training needs.
    case missingArray(scene: String, name: String)
    /// The curriculum uses a stage whose labels a scene lacks (tracked labels: run `ovseg3r track-masks`).
    case missingCurriculumLabels(scene: String, stage: String, file: String)
    /// A scene's arrays disagree in size.
    case inconsistentScene(scene: String, reason: String)
    /// The data folder holds no usable scene.
    case noScenes(folder: String)
    /// A configuration value is out of range.
    case invalidConfiguration(field: String, value: String, reason: String)
    /// A file could not be read or parsed.
    case unreadable(path: String, reason: String)
    /// A file could not be written.
    case unwritable(path: String, reason: String)
    /// A class name has no text embedding.
    case unknownClass(name: String, embeddingsFile: String)
    /// A checkpoint does not match the model or is incomplete.
    case badCheckpoint(path: String, reason: String)
    /// A checkpoint written by an older toolkit whose model this one cannot load.
    case incompatibleCheckpoint(path: String, formatVersion: Int?, expected: Int)
    /// `--resume` with a model configuration that differs from the run's (its weights would not fit).
    case resumeModelMismatch(run: String, field: String, stored: String, given: String)
    /// `--init CKPT` whose encoder does not fit the configured one (its weights would not load).
    case initModelMismatch(checkpoint: String, field: String, stored: String, given: String)
    /// `--resume` from a checkpoint whose format cannot continue the run exactly (format 2 kept one RNG stream).
    case cannotResume(path: String, formatVersion: Int, reason: String)
    /// `--resume` in a folder with no checkpoint to continue from.
    case nothingToResume(run: String, reason: String)
    /// A new run (no `--resume`) pointed at a folder that already holds files.
    case runFolderInUse(path: String, entries: [String])
    /// Another process is training into the folder (it holds `RUN/.lock`; `holder` is its record, when readable).
    case runFolderLocked(path: String, holder: String?)
    /// A label of the training data has no text embedding, and none could be made.
    case labelWithoutEmbedding(label: String, scene: String, embeddings: String, reason: String)
    /// The ranks' exchanged data could not be read back.
    case badExchange(reason: String)
    /// The ranks' parameters differ after the same updates (checked every `TrainOptions.checksumEvery` steps).
    case ranksDiverged(step: Int, checksums: [UInt64])
    /// A failure requested with `TrainOptions.failAt` (a test hook for stopping a multi-rank job).
    case injectedFailure(rank: Int, step: Int)

    public var description: String {
        switch self {
        case let .missingArray(scene, name): return "train: scene \(scene) has no \(name).npy"
        case let .missingCurriculumLabels(scene, stage, file):
            return "train: supervision.curriculum uses stage \(stage) but scene \(scene) has no \(file); run `ovseg3r track-masks \(scene)` first"
        case let .inconsistentScene(scene, reason): return "train: scene \(scene): \(reason)"
        case let .noScenes(folder): return "train: no scene folders (with scene.json and superpoints.npy) under \(folder)"
        case let .invalidConfiguration(field, value, reason): return "train: \(field) = \(value) is invalid: \(reason)"
        case let .unreadable(path, reason): return "train: cannot read " + ErrorText.located(path, reason)
        case let .unwritable(path, reason): return "train: cannot write \(path): \(reason)"
        case let .unknownClass(name, file):
            return "train: no text embedding for \"\(name)\" in \(file); add it with `python3 tools/embed_text.py --add \"\(name)\"`"
        case let .badCheckpoint(path, reason): return "train: checkpoint " + ErrorText.located(path, reason)
        case let .incompatibleCheckpoint(path, version, expected):
            return "train: checkpoint \(path) has format \(version.map(String.init) ?? "1 (unversioned)"), this toolkit reads formats 2 to \(expected) "
                + "(learned logit scale, semantic head); retrain, or predict with the toolkit version that wrote it"
        case let .resumeModelMismatch(run, field, stored, given):
            return "train: cannot resume \(run): \(field) is \(given) but the run was trained with \(stored); "
                + "the stored weights only fit the stored model (start a new run, or drop the change)"
        case let .initModelMismatch(checkpoint, field, stored, given):
            return "train: cannot initialise from \(checkpoint): \(field) is \(given) in this config but \(stored) in the checkpoint"
        case let .cannotResume(path, version, reason):
            return "train: cannot resume from \(path) (checkpoint format \(version)): \(reason)"
        case let .nothingToResume(run, reason):
            return "train: cannot resume \(run): \(reason); start a new run without --resume (add --force to reuse the folder)"
        case let .runFolderInUse(path, entries):
            let shown = entries.prefix(4).joined(separator: ", ") + (entries.count > 4 ? ", … (\(entries.count) entries)" : "")
            return "train: \(path) already holds files (\(shown)); continue that run with --resume, choose an empty folder, "
                + "or pass --force to start over (removes its checkpoints, latest.json, log.jsonl and config.json)"
        case let .runFolderLocked(path, holder):
            return "train: another process is training into \(path)" + (holder.map { " (\($0))" } ?? "")
                + "; wait for it or stop it, or choose another --out (two trainers in one folder would mix their checkpoints)"
        case let .labelWithoutEmbedding(label, scene, embeddings, reason):
            return "train: label \"\(label)\" (scene \(scene)) has no text embedding in \(embeddings): \(reason)"
        case let .badExchange(reason): return "train: data exchanged between ranks is unreadable: \(reason)"
        case let .ranksDiverged(step, checksums):
            return "train: the ranks' parameters differ after step \(step) (checksums by rank: "
                + checksums.map { String($0, radix: 16) }.joined(separator: ", ") + ")"
        case let .injectedFailure(rank, step): return "train: injected failure on rank \(rank) at step \(step) (--fail-at)"
        }
    }
}
