import Foundation

/// Refusing keys a config does not have: `{"stpes": 10}` is an error naming the key and the nearest valid one,
/// never a silent default.
extension TrainConfig {
    /// Dotted paths of the keys in the JSON object `user` that `TrainConfig` does not have, each with the nearest
    /// valid key at the same level (nil when none is close), in sorted order. Keys are checked inside nested objects
    /// (`supervision.vpi`); arrays and values are not compared.
    public static func unknownKeys(in user: Any) -> [(path: String, suggestion: String?)] {
        guard let reference = try? JSONSerialization.jsonObject(with: JSONEncoder().encode(TrainConfig())) else { return [] }
        var out: [(String, String?)] = []
        func walk(_ u: Any, _ r: Any, _ prefix: String) {
            guard let u = u as? [String: Any], let r = r as? [String: Any] else { return }
            for key in u.keys.sorted() {
                let path = prefix.isEmpty ? key : prefix + "." + key
                if let child = r[key] {
                    walk(u[key] as Any, child, path)
                } else {
                    var best: (name: String, distance: Int)?
                    for candidate in r.keys.sorted() {
                        let d = editDistance(candidate.lowercased(), key.lowercased())
                        if best == nil || d < (best?.distance ?? Int.max) { best = (candidate, d) }
                    }
                    var suggestion: String?
                    if let best, best.distance <= max(2, key.count / 3) {
                        suggestion = prefix.isEmpty ? best.name : prefix + "." + best.name
                    }
                    out.append((path, suggestion))
                }
            }
        }
        walk(user, reference, "")
        return out
    }

    /// Throws `unreadable` naming `source` and the first unknown key of `user` (a parsed config JSON object).
    public static func checkKeys(_ user: Any, source: String) throws(TrainError) {
        guard let first = unknownKeys(in: user).first else { return }
        let hint = first.suggestion.map { "; did you mean \"\($0)\"?" } ?? "; `ovseg3r train --print-config` lists the keys"
        throw .unreadable(path: source, reason: "unknown key \"\(first.path)\" in a training config\(hint)")
    }
}

/// Levenshtein distance over characters (small strings only).
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    if x.isEmpty { return y.count }
    var previous = Array(0...y.count), current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        current[0] = i
        for j in 1...max(y.count, 1) where j <= y.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[y.count]
}
