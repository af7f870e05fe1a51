import Eval
import Foundation

/// The final predictions' matched scenes (`SceneMatchesFile`), kept beside the curve so that the table needs no
/// `pred/` folder (about a gigabyte per run on the benchmark's 24 held-out rooms).
extension ExperimentJob {
    /// Writes both matched sets; `options` are the class-aware evaluation's.
    func writeFinalMatches(_ matched: MatchedScenes, options: EvaluationOptions) throws {
        try SceneMatchesFile.write(matched.classAware, options: options, to: finalMatches.aware)
        try SceneMatchesFile.write(matched.classAgnostic, options: try ClassAgnostic.options(from: options), to: finalMatches.agnostic)
    }

    /// Removes both files, before the final predictions are written again.
    func removeFinalMatches() {
        for url in [finalMatches.aware, finalMatches.agnostic] { try? FileManager.default.removeItem(at: url) }
    }

    /// The final predictions' matched scenes: read from the kept files when both exist, else matched from `pred/`
    /// against `test` (and then kept, for a job finished before they were).
    func matchedFinal(test: URL, options: EvaluationOptions) throws -> MatchedScenes {
        let fm = FileManager.default
        if fm.fileExists(atPath: finalMatches.aware.path), fm.fileExists(atPath: finalMatches.agnostic.path) {
            return MatchedScenes(classAware: try SceneMatchesFile.read(from: finalMatches.aware, options: options),
                                 classAgnostic: try SceneMatchesFile.read(from: finalMatches.agnostic,
                                                                          options: try ClassAgnostic.options(from: options)))
        }
        let matched = try FolderEvaluation.matchScenesBothWays(predictions: predictions, groundTruth: test, options: options, threads: 2)
        // Only a saving: a folder the table cannot write to (read-only, disk full) still gets its table.
        try? writeFinalMatches(matched, options: options)
        return matched
    }
}
