import ArgumentParser
import Eval
import Foundation
import SceneIO

/// `ovseg3r report`: one self-contained HTML page with AP tables, scene renders and training curves.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report: AP tables, prediction vs ground-truth renders, training curves.",
        discussion: """
        RUN_OR_PRED is either a run folder (RUN/pred/ with benchmark-format predictions, optional RUN/eval.json \
        from `ovseg3r eval --json` and RUN/log.jsonl with one {"step": …, <numeric fields>} object per line) or a \
        prediction folder. --gt is needed for renders and, without eval.json, for the AP tables. Renders read \
        <scenes>/<scene>/coord.npy (float32 [N,3]); --scenes defaults to the --gt folder.
        """)

    @Argument(help: "Run folder (with pred/, eval.json, log.jsonl) or prediction folder.")
    var runOrPred: String

    @Option(help: "Output HTML file.")
    var out: String

    @Option(help: "Ground-truth folder (<scene>.txt or <scene>/ with semantic.npy + instance.npy).")
    var gt: String?

    @Option(help: "Folder of scene folders with coord.npy (default: the --gt folder).")
    var scenes: String?

    @Option(help: "Class list JSON (default: the 198 ScanNet200 instance classes).")
    var classes: String?

    @Option(help: "Class groups: base-novel, head-common-tail or a JSON file. Repeatable.")
    var split: [String] = []

    @Option(help: "Zero-shot classes (comma-separated, as given to `synth --hold-out`), reported as the group \"unseen\".")
    var unseen: String?

    @Option(help: "Ground-truth instances and predicted masks with fewer points are ignored.")
    var minRegion = 100

    @Option(help: "Number of scenes rendered.")
    var maxScenes = 4

    @Option(help: "Render size in pixels.")
    var imageSize = 320

    @Option(help: "Paint predictions from this confidence up (default: each scene's most confident predictions, as many as it has ground-truth instances).")
    var minConfidence: Double?

    func run() throws {
        let evaluation = try EvalCommand.options(classes: classes, splits: split, minRegion: minRegion, unseen: unseen)
        let inputs = ReportInputs.resolve(runOrPredictions: URL(fileURLWithPath: runOrPred),
                                          groundTruth: gt.map { URL(fileURLWithPath: $0) },
                                          sceneFolders: scenes.map { URL(fileURLWithPath: $0) })
        let options = ReportOptions(evaluation: evaluation, maxScenes: max(0, maxScenes),
                                    imageSize: min(max(imageSize, 64), 2048), minConfidence: minConfidence)
        let report = try ReportBuilder.build(inputs, options: options)
        try EvalCommand.write(Data(report.html.utf8), to: out)
        print("wrote \(out): AP \(String(format: "%.3f", report.evaluation.ap)), \(report.renderedScenes.count) scenes rendered")
        for note in report.notes { print("note: \(note)") }
    }
}
