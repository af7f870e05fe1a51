import ArgumentParser
import Foundation
import SceneIO
import Support
import TextEncoder

/// `ovseg3r embed`: phrases → all-MiniLM-L6-v2 sentence embeddings, natively.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed phrases with the built-in all-MiniLM-L6-v2 text encoder (no Python).",
        discussion: """
        Writes OUT.npy, float32 [P, 384], one unit row per phrase in input order: the phrases given as arguments \
        first, then those of --file (a JSON array of strings, or one phrase per line). --tokens writes, per phrase, \
        the token ids fed to the model ([CLS] … [SEP], after truncation to 256). A phrase whose every word piece \
        is [UNK] is embedded all the same (as the reference pipeline does) and listed under "onlyUnknown" in --json.
        The model comes from tools/setup.sh (see --text-model).
        """)

    @Argument(help: "Phrases to embed.")
    var texts: [String] = []
    @Option(name: .long, help: ArgumentHelp("A JSON array of strings, or a UTF-8 text file with one phrase per line.", valueName: "path"))
    var file: String?
    @Option(name: .long, help: ArgumentHelp("Output .npy, float32 [P, 384].", valueName: "path"))
    var out: String
    @Option(name: .long, help: ArgumentHelp("Also write the token ids as a JSON array of arrays.", valueName: "path"))
    var tokens: String?
    @Flag(name: .long, help: "Print a JSON summary on stdout instead of text.")
    var json = false
    @OptionGroup var model: TextModelArguments

    struct Summary: Codable {
        var phrases: Int
        var dims: Int
        var out: String
        var tokens: String?
        var model: String
        var loadSeconds: Double
        var embedSeconds: Double
        /// Indices of phrases that tokenized to nothing but [UNK].
        var onlyUnknown: [Int]
        /// Indices of phrases cut to 256 tokens.
        var truncated: [Int]
    }

    func run() throws {
        var phrases = texts
        if let file {
            phrases += try PhraseFile.read(file)
        }
        guard !phrases.isEmpty else { throw ValidationError("no phrases: give them as arguments or with --file") }
        let loadStart = Date()
        let encoder = try model.load()
        let loadSeconds = Date().timeIntervalSince(loadStart)
        let start = Date()
        let tokenized = phrases.map(encoder.tokenizer.encode)
        let bar = ProgressBar("embed", unit: "phrases", enabled: !json)
        let vectors = encoder.embed(tokenized: tokenized) { bar.update($0, of: phrases.count) }
        let seconds = Date().timeIntervalSince(start)
        let dims = encoder.config.width
        try Npy.write(vectors, shape: [phrases.count, dims], to: URL(fileURLWithPath: out))
        if let tokens {
            let ids = tokenized.map { $0.ids.map(Int.init) }
            let data = try JSONSerialization.data(withJSONObject: ids)
            try AtomicFile.write(data + Data("\n".utf8), to: URL(fileURLWithPath: tokens))
        }
        let summary = Summary(phrases: phrases.count, dims: dims, out: out, tokens: tokens, model: encoder.model.folder.path,
                              loadSeconds: loadSeconds, embedSeconds: seconds,
                              onlyUnknown: tokenized.indices.filter { tokenized[$0].onlyUnknown },
                              truncated: tokenized.indices.filter { tokenized[$0].truncatedPieces > 0 })
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            return
        }
        print("embedded \(phrases.count) phrase\(phrases.count == 1 ? "" : "s") → \(out) [\(phrases.count), \(dims)] in "
              + String(format: "%.3f s (model load %.3f s)", seconds, loadSeconds))
        for i in summary.onlyUnknown { print("note: phrase \(i) (\"\(phrases[i])\") is only [UNK] tokens") }
        for i in summary.truncated { print("note: phrase \(i) was cut to \(encoder.tokenizer.maxLength) tokens") }
    }
}
