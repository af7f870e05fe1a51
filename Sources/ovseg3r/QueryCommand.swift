import ArgumentParser
import Foundation
import SceneIO
import Tensor
import TextEncoder
import Train

/// `ovseg3r query`: finds the instances of a scene that match a phrase in any words.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Find a scene's instances that match a phrase in any words; write a coloured PLY, masks and JSON.",
        discussion: """
        The phrase is embedded in process by the built-in text encoder (see `ovseg3r embed`). Each predicted \
        instance is scored by the model's class probability of the phrase against a contrast vocabulary (default: \
        the 200 ScanNet200 names; --against replaces it) plus the model's learned "no object" class, times its mask \
        score, after matrix NMS, exactly as `predict` scores a class. Instances scoring at least --min-score are \
        written to --out: scene.ply (all points, matches in colour, others grey; per-point `match` = rank or 0), \
        instance_<rank>.npy (int32 point indices) and query.json (score, point count, centre, box per match).
        """)

    @OptionGroup var checkpoint: CheckpointOptions
    @Option(name: .long, help: "Scene folder.")
    var scene: String
    @Argument(help: "The phrase, in any words, e.g. \"the wooden chair by the window\".")
    var text: String
    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp(
        "A contrast phrase, repeatable; a value naming a file reads its phrases (JSON array or one per line). "
        + "Default: the 200 ScanNet200 names.", valueName: "phrase|file"))
    var against: [String] = []
    @Option(name: .long, help: "Keep instances scoring at least this (class probability × mask score, in [0, 1]).")
    var minScore = 0.01
    @Option(name: .long, help: "Keep at most this many instances.")
    var top = 10
    @Option(name: .long, help: ArgumentHelp("Output folder (default: query-<phrase> in the current folder).", valueName: "dir"))
    var out: String?
    @Flag(name: .long, help: "Print query.json on stdout instead of a table.")
    var json = false
    @OptionGroup var post: PostProcessArguments
    @OptionGroup var textModel: TextModelArguments

    func validate() throws {
        guard (0...1).contains(minScore) else { throw ValidationError("--min-score must be in [0, 1], got \(minScore)") }
        guard top > 0 else { throw ValidationError("--top must be > 0, got \(top)") }
    }

    func run() throws {
        let encoder = try textModel.load()
        let contrast = try contrastPhrases()
        // A contrast phrase that tokenizes like the query would split its probability: leave it out.
        let phraseTokens = encoder.tokenizer.encode(text)
        let others = Array(Set(contrast)).sorted().filter { encoder.tokenizer.encode($0).ids != phraseTokens.ids }
        let names = [text] + others
        let vectors = encoder.embed(tokenized: [phraseTokens] + others.map(encoder.tokenizer.encode))
        let table = try Tensor(vectors, shape: [names.count, encoder.config.width])
        let resolved = try Checkpoint.resolve(checkpoint.url)
        let (model, state) = try Checkpoint.loadModel(from: resolved)
        try post.options.check(against: model.config, checkpoint: resolved)
        let s = try TrainScene.load(URL(fileURLWithPath: scene), baseClasses: nil)
        // The 2D model's names of the scene's objects, embedded only for a model that reads them (`objectLabels`).
        var objectText: TextEmbeddings?
        if model.config.objectLabels {
            let objectNames = Array(Set(s.objectLabels.filter { !$0.isEmpty })).sorted()
            objectText = TextEmbeddings(names: objectNames, vectors: encoder.embed(tokenized: objectNames.map(encoder.tokenizer.encode)),
                                        dims: encoder.config.width, source: "the text encoder")
        }
        let ranked = try Predictor.predict(scene: s, model: model, text: table, names: names, post: post.options,
                                           features2D: state.config.features2D, scoredClasses: 1, objectLabelText: objectText)
        let matches = ranked.filter { $0.className == text && $0.score >= minScore }.prefix(top)
        let folder = URL(fileURLWithPath: out ?? "query-" + Self.slug(text))
        let result = try QueryOutput.write(matches: Array(matches), scene: s, text: text, tokens: phraseTokens,
                                           contrastCount: others.count, minScore: minScore, checkpoint: checkpoint.checkpoint,
                                           sceneFolder: scene, to: folder)
        if json {
            print(String(decoding: try QueryOutput.encoded(result), as: UTF8.self))
            return
        }
        if phraseTokens.onlyUnknown { print("note: \"\(text)\" is only [UNK] tokens to the text encoder") }
        print("\"\(text)\" against \(others.count) contrast phrases + no object; \(matches.count) match\(matches.count == 1 ? "" : "es") ≥ \(minScore)")
        print("rank  score    points  centre (m)")
        for m in result.instances {
            print(String(format: "%4d  %.4f  %6d  (%.2f, %.2f, %.2f)", m.rank, m.score, m.points, m.center[0], m.center[1], m.center[2]))
        }
        print("wrote \(folder.path)/scene.ply, query.json and \(result.instances.count) instance_<rank>.npy")
    }

    /// `--against` values, files expanded; the ScanNet200 names when none is given.
    func contrastPhrases() throws -> [String] {
        if against.isEmpty { return ClassCatalog.scanNet200().names }
        var phrases: [String] = []
        for value in against {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: value, isDirectory: &isDirectory), !isDirectory.boolValue {
                do { phrases += try PhraseFile.read(value) } catch { throw ValidationError(error.description) }
            } else {
                phrases.append(value)
            }
        }
        return phrases
    }

    /// A file-name-safe form of a phrase: lower-case letters and digits, other runs as one `-`, at most 40.
    static func slug(_ text: String) -> String {
        var out = ""
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber { out.append(ch) } else if out.last != "-" { out.append("-") }
        }
        let trimmed = out.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return trimmed.isEmpty ? "phrase" : String(trimmed.prefix(40))
    }
}
