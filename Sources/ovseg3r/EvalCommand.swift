import ArgumentParser
import Eval
import Foundation
import SceneIO

extension MissingPredictions: ExpressibleByArgument {}

/// `ovseg3r eval`: ScanNet-benchmark instance AP of a prediction folder, with class-group means.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "ScanNet-benchmark instance AP (AP, AP50, AP25) per class and per class group.",
        discussion: """
        PRED/<scene>.txt lists predictions, one per line: <mask path relative to PRED> <label id> <confidence>; \
        each mask file holds one 0/1 per point. Ground truth per scene is GT/<scene>.txt (label*1000+instance per \
        point, 0 = unannotated) or a scene folder GT/<scene>/ with semantic.npy and instance.npy. \
        Below the class-aware table, "class-agnostic" is the same AP with labels ignored: every ground-truth instance \
        of an evaluated class and every prediction (whatever its label) count as one class, so it measures the masks \
        alone.
        """)

    @Option(help: "Prediction folder in the ScanNet benchmark format.")
    var pred: String

    @Option(help: "Ground-truth folder: <scene>.txt files or <scene>/ folders with semantic.npy + instance.npy.")
    var gt: String

    @Option(help: "Class list JSON (default: the 198 ScanNet200 instance classes).")
    var classes: String?

    @Option(help: "Class groups to average: base-novel, head-common-tail, or a JSON file of named class lists. Repeatable.")
    var split: [String] = []

    @Option(help: ArgumentHelp(
        "Zero-shot classes (comma-separated, as given to `synth --hold-out`): averaged as the group \"unseen\", "
        + "and taken out of the other groups (so novel means novel but named by the 2D model).", valueName: "names"))
    var unseen: String?

    @Option(help: "Write the result as JSON to this file.")
    var json: String?

    @Option(help: "Write the result as Markdown to this file.")
    var markdown: String?

    @Flag(help: "Print one row per class.")
    var perClass = false

    @Option(help: "Ground-truth instances and predicted masks with fewer points are ignored.")
    var minRegion = 100

    @Option(help: ArgumentHelp("""
        Ground-truth scenes without a prediction file: count (evaluate them with no predictions, so their instances \
        are misses, and list them) or error (stop naming them).
        """, valueName: "count|error"))
    var missing: MissingPredictions = .count

    @Option(help: "Scenes read in parallel (default: all cores).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: """
        Also print 95 % confidence intervals from this many bootstrap resamples of the scenes (rooms); 0 = none. \
        A class absent from a resample keeps its all-scenes AP (see RESULTS.md, the learning benchmark).
        """)
    var bootstrap = 0

    func validate() throws {
        guard bootstrap == 0 || bootstrap >= 10 else { throw ValidationError("--bootstrap must be 0 or ≥ 10, got \(bootstrap)") }
    }

    func run() throws {
        var options = try EvalCommand.options(classes: classes, splits: split, minRegion: minRegion, unseen: unseen)
        options.missingPredictions = missing
        let matched = try FolderEvaluation.matchScenesBothWays(predictions: URL(fileURLWithPath: pred), groundTruth: URL(fileURLWithPath: gt),
                                                               options: options, threads: max(1, threads))
        let scenes = matched.classAware
        let result = try InstanceEvaluator.evaluateBothWays(matched, options: options)
        print(result.terminalTable(perClass: perClass), terminator: "")
        if let note = result.missingNote { FileHandle.standardError.write(Data((note + "\n").utf8)) }
        if bootstrap > 0 {
            let scores = try RoomBootstrap(rooms: scenes.map(\.name), resamples: bootstrap).scores(runs: [scenes], options: options)
            print("95 % bootstrap intervals over \(scenes.count) scenes (\(bootstrap) resamples), AP / AP50 / AP25 in %:")
            for group in ["all"] + options.groups.groups.map(\.name) {
                let cells = ["ap", "ap50", "ap25"].map { ExperimentTable.cell(scores.interval("\(group).\($0)")) }
                print("  \(group.padding(toLength: 8, withPad: " ", startingAt: 0)) " + cells.joined(separator: " / "))
            }
            let agnostic = try RoomBootstrap(rooms: scenes.map(\.name), resamples: bootstrap)
                .scores(runs: [matched.classAgnostic], options: ClassAgnostic.options(from: options))
            print("  agnostic " + ["ap", "ap50", "ap25"].map { ExperimentTable.cell(agnostic.interval("all.\($0)")) }.joined(separator: " / "))
        }
        if let json { try EvalCommand.write(result.jsonData(), to: json) }
        if let markdown { try EvalCommand.write(Data(result.markdown(perClass: perClass).utf8), to: markdown) }
    }

    /// Options from the command-line values shared by `eval` and `report`.
    static func options(classes: String?, splits: [String], minRegion: Int, unseen: String? = nil) throws -> EvaluationOptions {
        let catalog = try classes.map { try ClassCatalog.load(from: URL(fileURLWithPath: $0)) } ?? .scanNet200Instances()
        var groups: [ClassGroups.Group] = []
        for split in splits {
            switch split {
            case "base-novel": groups += ClassGroups.baseNovel().groups
            case "head-common-tail": groups += ClassGroups.headCommonTail().groups
            default: groups += try ClassGroups.load(from: URL(fileURLWithPath: split)).groups
            }
        }
        var all = ClassGroups(groups: groups)
        if let unseen {
            all = all.separating(unseen.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                                 into: "unseen")
        }
        return try EvaluationOptions(classes: catalog, groups: all, minRegionSize: minRegion).validated()
    }

    static func write(_ data: Data, to path: String) throws {
        try AtomicFile.write(data, to: URL(fileURLWithPath: path))
    }
}
