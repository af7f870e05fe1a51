import ArgumentParser
import Foundation
import SceneIO
import Train

/// `ovseg3r predict`: instances in ScanNet benchmark format (`PRED/<scene>.txt`, `pred_mask/*.txt`) and .npy.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict 3D instances with a trained checkpoint (ScanNet benchmark format + .npy).")

    @OptionGroup var checkpoint: CheckpointOptions
    @Option(name: .long, parsing: .upToNextOption, help: "Scene folder(s), or folder(s) of scene folders.")
    var scene: [String]
    @Option(name: .long, help: "Output folder.")
    var out: String
    @Option(name: .long, help: "Class list JSON (ids + names; default: the 198 ScanNet200 instance classes).")
    var classes: String?
    @OptionGroup var embeddings: EmbeddingOptions
    @OptionGroup var post: PostProcessArguments
    @Flag(name: .customLong("no-features2d"), help: """
        Withhold the scenes' lifted 2D features and 2D objects (as for scenes without images), even if the model \
        was trained with them.
        """)
    var noFeatures2D = false
    @OptionGroup var textModel: TextModelArguments

    func run() throws {
        var table = try embeddings.load()
        // A model that reads the 2D objects' names (`model.objectLabels`) needs a vector for each; names beyond the
        // table are embedded as `train` does, cached in OUT/label_embeddings.{npy,json}.
        if try Checkpoint.state(at: Checkpoint.resolve(checkpoint.url)).config.model.objectLabels, !noFeatures2D {
            for folder in scene {
                (table, _) = try LabelEmbeddings.extend(table, data: URL(fileURLWithPath: folder), run: URL(fileURLWithPath: out),
                                                        textModel: textModel)
            }
        }
        var o = PredictOptions(checkpoint: checkpoint.url, scenes: scene.map { URL(fileURLWithPath: $0) },
                               out: URL(fileURLWithPath: out), embeddings: table)
        if let classes { o.classes = try ClassCatalog.load(from: URL(fileURLWithPath: classes)) }
        o.postProcess = post.options
        o.withholdFeatures2D = noFeatures2D
        let r = try Predictor.run(o)
        for name in r.scenes.keys.sorted() { print("\(name): \(r.scenes[name]?.count ?? 0) instances") }
        print(String(format: "wrote %@ in %.2f s", out, r.seconds))
    }
}
