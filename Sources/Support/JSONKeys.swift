import Foundation

/// Checking a user's JSON object (a config or preset) against the keys a type really has, so that a misspelt
/// key (`"stpes"`) is an error naming the key and the nearest valid one, never a silently ignored value.
public enum JSONKeys {
    /// An unknown key: its dotted path and the nearest valid key at the same level (nil when none is close).
    public struct Unknown: Sendable, Equatable {
        public var path: String
        public var suggestion: String?
        public init(path: String, suggestion: String?) {
            self.path = path
            self.suggestion = suggestion
        }
    }

    /// The keys of `user` that `reference` (the same type's JSON with every key present) lacks, in sorted order,
    /// checked inside nested objects (`supervision.vpi`); arrays and values are not compared. Keys for which
    /// `ignored` is true (e.g. `_comment`) are skipped at every level.
    public static func unknown(in user: Any, reference: Any, ignored: (String) -> Bool = { _ in false }) -> [Unknown] {
        var out: [Unknown] = []
        func walk(_ u: Any, _ r: Any, _ prefix: String) {
            guard let u = u as? [String: Any], let r = r as? [String: Any] else { return }
            for key in u.keys.sorted() where !ignored(key) {
                let path = prefix.isEmpty ? key : prefix + "." + key
                if let child = r[key] {
                    walk(u[key] as Any, child, path)
                    continue
                }
                let best = r.keys.sorted().map { (name: $0, distance: editDistance($0.lowercased(), key.lowercased())) }
                    .min { $0.distance < $1.distance }
                var suggestion: String?
                if let best, best.distance <= max(2, key.count / 3) {
                    suggestion = prefix.isEmpty ? best.name : prefix + "." + best.name
                }
                out.append(Unknown(path: path, suggestion: suggestion))
            }
        }
        walk(user, reference, "")
        return out
    }

    /// `over` laid over `base` key by key inside nested objects (a user's config or preset over the defaults): a key
    /// present in both takes `over`'s value, or, when both values are objects, their overlay; arrays and other values
    /// are replaced whole. When either side is not an object the result is `over`.
    public static func overlay(_ over: Any, on base: Any) -> Any {
        guard var result = base as? [String: Any], let top = over as? [String: Any] else { return over }
        for (key, value) in top { result[key] = result[key].map { overlay(value, on: $0) } ?? value }
        return result
    }

    /// Levenshtein distance over characters (small strings only).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count), current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
