import ArgumentParser
import Foundation
import Train

/// `--embeddings STEM`: the text-embedding table (`STEM.npy` + `STEM.json`) the classifier compares against.
struct EmbeddingOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Text embeddings stem: STEM.npy + STEM.json (default data/text_embeddings or $OVSEG3R_TEXT_EMBEDDINGS).",
        valueName: "stem"))
    var embeddings: String?

    /// The stem given, or the default one.
    var stem: URL {
        embeddings.map { URL(fileURLWithPath: $0) } ?? TextEmbeddings.defaultStem()
    }

    /// Loads the table.
    func load() throws -> TextEmbeddings {
        try TextEmbeddings.load(stem: stem)
    }
}

/// `--checkpoint PATH`: a trained model to load.
struct CheckpointOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Checkpoint folder (checkpoint-NNNNNN), or a run folder (uses its latest checkpoint).", valueName: "path"))
    var checkpoint: String

    /// The path as given; `Checkpoint.resolve` turns a run folder into its latest checkpoint.
    var url: URL { URL(fileURLWithPath: checkpoint) }
}
