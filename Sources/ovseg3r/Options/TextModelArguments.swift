import ArgumentParser
import TextEncoder

/// `--text-model DIR`: the folder with all-MiniLM-L6-v2's `model.safetensors` and `vocab.txt`.
struct TextModelArguments: ParsableArguments {
    @Option(name: .customLong("text-model"), help: ArgumentHelp(
        "Text model folder (model.safetensors + vocab.txt). Default: $OVSEG3R_TEXT_MODEL, else the cache "
        + "tools/setup.sh fills (${XDG_CACHE_HOME:-~/.cache}/ovseg3r/all-minilm-l6-v2).", valueName: "dir"))
    var textModel: String?

    /// Locates, verifies and loads the encoder.
    func load() throws -> MiniLMEncoder {
        do { return try MiniLMEncoder.load(folder: textModel) } catch {
            throw ValidationError(error.description)
        }
    }
}
