import Foundation
import SceneIO
import Support
import TextEncoder
import Train

/// The labels a 2D model used that the embeddings table lacks ("couch", "swivel chair", "coffee mug"), embedded
/// with the built-in text encoder for `train`, cached in the run folder as `label_embeddings.{npy,json}` (the
/// layout of `data/text_embeddings.*`). The text model is loaded only when a label is not yet in the cache.
enum LabelEmbeddings {
    static let stem = "label_embeddings"

    struct Manifest: Codable {
        var names: [String]
        var model: String
        var dims: Int
    }

    /// Distinct labels of every scene's `view_labels.json` under `data`, each with the first scene that uses it.
    static func labels(data: URL) throws -> [String: String] {
        var names: [String: String] = [:]
        for folder in SceneList.folders(data) {
            let url = folder.appendingPathComponent(SceneFile.viewLabels.fileName)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let file: ViewLabelsFile
            do { file = try JSONFile.read(ViewLabelsFile.self, from: url) } catch {
                throw TrainError.unreadable(path: url.path, reason: String(describing: error))
            }
            for v in file.views { for i in v.instances where names[i.label] == nil { names[i.label] = folder.lastPathComponent } }
        }
        return names
    }

    /// `table` plus a row for every label of `data` it lacks; returns the extended table and how many were added
    /// (embedded now or read from the run's cache).
    static func extend(_ table: TextEmbeddings, data: URL, run: URL, textModel: TextModelArguments) throws -> (TextEmbeddings, added: Int) {
        let used = try labels(data: data)
        let missing = used.keys.filter { !table.contains($0) }.sorted()
        guard !missing.isEmpty else { return (table, 0) }
        let base = run.appendingPathComponent(stem)
        var cached: [String: [Float]] = [:]
        if let manifest = try? JSONDecoder().decode(Manifest.self, from: Data(contentsOf: base.appendingPathExtension("json"))),
           manifest.dims == table.dims, let array = try? Npy.read(base.appendingPathExtension("npy")),
           array.shape == [manifest.names.count, manifest.dims], let values = try? array.floats() {
            for (i, n) in manifest.names.enumerated() { cached[n] = Array(values[(i * manifest.dims)..<((i + 1) * manifest.dims)]) }
        }
        let toEmbed = missing.filter { cached[$0] == nil }
        if !toEmbed.isEmpty {
            let encoder: MiniLMEncoder
            do { encoder = try textModel.load() } catch {
                // Without the model these labels would have no vector: stop here, naming the first (and the count).
                let first = toEmbed[0]
                let more = toEmbed.count > 1 ? " (and \(toEmbed.count - 1) more label(s))" : ""
                throw TrainError.labelWithoutEmbedding(label: first, scene: used[first] ?? "?", embeddings: table.source,
                                                       reason: "the text model that would embed it\(more) is unavailable: \(error)")
            }
            guard encoder.config.width == table.dims else {
                throw TrainError.unreadable(path: table.source, reason: "embeddings are \(table.dims)-wide, the text encoder's \(encoder.config.width)")
            }
            let bar = ProgressBar("embed labels", unit: "labels")
            let vectors = encoder.embed(tokenized: toEmbed.map(encoder.tokenizer.encode)) { bar.update($0, of: toEmbed.count) }
            for (i, n) in toEmbed.enumerated() { cached[n] = Array(vectors[(i * table.dims)..<((i + 1) * table.dims)]) }
            let names = cached.keys.sorted()
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
            try Npy.write(names.flatMap { cached[$0] ?? [] }, shape: [names.count, table.dims], to: base.appendingPathExtension("npy"))
            try JSONFile.write(Manifest(names: names, model: TextModelFiles.modelName, dims: table.dims), to: base.appendingPathExtension("json"))
        }
        let names = table.names + missing
        let vectors = table.vectors + missing.flatMap { cached[$0] ?? [] }
        return (TextEmbeddings(names: names, vectors: vectors, dims: table.dims, source: table.source + " + " + base.path + ".npy"), missing.count)
    }
}
