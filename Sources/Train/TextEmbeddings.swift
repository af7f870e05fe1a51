import Foundation
import SceneIO
import Tensor

/// Class-name text embeddings: `data/text_embeddings.npy` (f32 `[T, D]`, unit rows) and
/// `data/text_embeddings.json` (`{"names": [...], "model": ..., "dims": D}`), written by `tools/embed_text.py`.
public struct TextEmbeddings: Sendable {
    public let names: [String]
    /// `[T, D]` row-major, unit rows.
    public let vectors: [Float]
    public let dims: Int
    /// Where the embeddings came from (for error messages).
    public let source: String
    let index: [String: Int]

    /// Embeddings from memory; rows are L2-normalised here.
    public init(names: [String], vectors: [Float], dims: Int, source: String = "memory") {
        self.names = names
        self.dims = dims
        self.source = source
        var v = vectors
        for r in 0..<names.count {
            var n: Float = 0
            for c in 0..<dims { n += v[r * dims + c] * v[r * dims + c] }
            let inv = n > 0 ? 1 / n.squareRoot() : 0
            for c in 0..<dims { v[r * dims + c] *= inv }
        }
        self.vectors = v
        var idx: [String: Int] = [:]
        for (i, n) in names.enumerated() where idx[n] == nil { idx[n] = i }
        index = idx
    }

    struct Manifest: Codable {
        var names: [String]
        var model: String
        var dims: Int
    }

    /// Reads `<stem>.npy` and `<stem>.json`, e.g. stem `data/text_embeddings`.
    public static func load(stem: URL) throws -> TextEmbeddings {
        let json = stem.appendingPathExtension("json"), npy = stem.appendingPathExtension("npy")
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: json)) } catch {
            throw TrainError.unreadable(path: json.path, reason: "\(error) — create it with `python3 tools/embed_text.py`")
        }
        let array = try Npy.read(npy)
        guard array.shape == [manifest.names.count, manifest.dims] else {
            throw TrainError.unreadable(path: npy.path, reason: "shape \(array.shape), manifest says [\(manifest.names.count), \(manifest.dims)]")
        }
        return TextEmbeddings(names: manifest.names, vectors: try array.floats(), dims: manifest.dims, source: npy.path)
    }

    /// The default embeddings: `$OVSEG3R_TEXT_EMBEDDINGS`, else `data/text_embeddings` under the working
    /// directory, else under the repository the executable was built in (`<repo>/.build/<config>/ovseg3r`),
    /// so that the command works from any folder after `swift build`.
    public static func defaultStem() -> URL {
        if let p = ProcessInfo.processInfo.environment["OVSEG3R_TEXT_EMBEDDINGS"] { return URL(fileURLWithPath: p) }
        let relative = "data/text_embeddings"
        let local = URL(fileURLWithPath: relative)
        if FileManager.default.fileExists(atPath: local.appendingPathExtension("json").path) { return local }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: candidate.appendingPathExtension("json").path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return local
    }

    public func contains(_ name: String) -> Bool { index[name] != nil }

    /// The row of `name`, or nil when it has none.
    public func vector(_ name: String) -> ArraySlice<Float>? {
        index[name].map { vectors[($0 * dims)..<(($0 + 1) * dims)] }
    }

    /// The `count` names closest to `name` by cosine similarity of their (unit) rows, most similar first, leaving
    /// out `name` itself and every name in `excluding`; ties go to the earlier row. Empty when `name` has no row.
    public func nearest(to name: String, count: Int, excluding: Set<String> = []) -> [String] {
        guard count > 0, let i = index[name] else { return [] }
        let row = vectors[(i * dims)..<((i + 1) * dims)]
        var scored: [(similarity: Float, row: Int)] = []
        scored.reserveCapacity(names.count)
        for (j, other) in names.enumerated() where j != i && other != name && !excluding.contains(other) {
            var dot: Float = 0
            for (c, x) in row.enumerated() { dot += x * vectors[j * dims + c] }
            scored.append((dot, j))
        }
        scored.sort { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.row < $1.row }
        var out: [String] = []
        for s in scored where !out.contains(names[s.row]) {
            out.append(names[s.row])
            if out.count == count { break }
        }
        return out
    }

    /// Rows for `names`, `[names.count, D]` (throws `unknownClass` naming the first missing one).
    public func matrix(for names: [String]) throws(TrainError) -> Tensor {
        var out: [Float] = []
        out.reserveCapacity(names.count * dims)
        for n in names {
            guard let i = index[n] else { throw .unknownClass(name: n, embeddingsFile: source) }
            out.append(contentsOf: vectors[(i * dims)..<((i + 1) * dims)])
        }
        return Tensor.rows(out, rows: names.count, cols: dims)
    }
}
