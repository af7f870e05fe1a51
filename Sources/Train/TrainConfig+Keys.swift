import Foundation
import Support

/// Refusing keys a config does not have: `{"stpes": 10}` is an error naming the key and the nearest valid one,
/// never a silent default.
extension TrainConfig {
    /// Dotted paths of the keys in the JSON object `user` that `TrainConfig` does not have, each with the nearest
    /// valid key at the same level (nil when none is close), in sorted order. Keys are checked inside nested objects
    /// (`supervision.vpi`); arrays and values are not compared.
    public static func unknownKeys(in user: Any) -> [(path: String, suggestion: String?)] {
        guard let reference = try? JSONSerialization.jsonObject(with: JSONEncoder().encode(TrainConfig())) else { return [] }
        return JSONKeys.unknown(in: user, reference: reference).map { ($0.path, $0.suggestion) }
    }

    /// Throws `unreadable` naming `source` and the first unknown key of `user` (a parsed config JSON object).
    public static func checkKeys(_ user: Any, source: String) throws(TrainError) {
        guard let first = unknownKeys(in: user).first else { return }
        let hint = first.suggestion.map { "; did you mean \"\($0)\"?" } ?? "; `ovseg3r train --print-config` lists the keys"
        throw .unreadable(path: source, reason: "unknown key \"\(first.path)\" in a training config\(hint)")
    }
}
