import Foundation

/// A run folder belongs to one run. `train` without `--resume` refuses a folder that already holds files unless
/// told to start over (`--force`), and then clears the previous run's training state first, so that checkpoints,
/// `latest.json` and `log.jsonl` never mix two runs.
public enum RunFolder {
    /// Files `train` may write before the trainer starts: the label-embedding cache (`label_embeddings.*`).
    static let preparatory: Set<String> = ["label_embeddings.npy", "label_embeddings.json"]

    /// What a previous run leaves: checkpoints (also half-written ones), the pointer and the log.
    static func isTrainingState(_ name: String) -> Bool {
        Checkpoint.step(ofFolderNamed: name) != nil || name.hasPrefix(".tmp-checkpoint-")
            || name == "latest.json" || name == "log.jsonl" || name == "config.json"
    }

    /// Entries of `run` that make it another run's folder (sorted; hidden files and the label cache do not count).
    public static func foreignEntries(of run: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && !preparatory.contains($0) }.sorted()
    }

    /// Checks that a new run (no `--resume`) may write to `run`. An empty or missing folder is fine; a non-empty
    /// one is `runFolderInUse` unless `force`, which removes the previous run's checkpoints, `latest.json`,
    /// `log.jsonl` and `config.json` (other files stay) and returns their names.
    @discardableResult
    public static func claim(_ run: URL, force: Bool) throws(TrainError) -> [String] {
        let foreign = foreignEntries(of: run)
        guard !foreign.isEmpty else { return [] }
        guard force else { throw .runFolderInUse(path: run.path, entries: foreign) }
        let all = (try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? []
        var removed: [String] = []
        for name in all.sorted() where isTrainingState(name) {
            do { try FileManager.default.removeItem(at: run.appendingPathComponent(name)) } catch {
                throw .unwritable(path: run.appendingPathComponent(name).path, reason: "cannot remove the previous run's file: \(error)")
            }
            removed.append(name)
        }
        return removed
    }
}
