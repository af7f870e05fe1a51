import Foundation

/// One configuration field that differs between a run's stored config and the config now given, for the warning
/// `ovseg3r train --resume` prints.
public struct ConfigChange: Sendable, Equatable, CustomStringConvertible {
    /// Dotted JSON path, e.g. `supervision.vip`.
    public var field: String
    /// The value in the stored config.json (JSON text), or "absent".
    public var stored: String
    /// The value now given (JSON text), or "absent".
    public var given: String

    public var description: String { "\(field): \(stored) → \(given)" }

    /// The fields where `given` differs from the JSON object `stored` (a RUN/config.json), sorted by path. Objects are
    /// compared key by key, arrays and scalars whole; numbers compare by value (1 equals 1.0). Unreadable `stored`
    /// data compares as an empty object, so every field is reported.
    public static func between(stored: Data, given: TrainConfig) -> [ConfigChange] {
        let a = flatten(stored), b = flatten(given.jsonData())
        return Set(a.keys).union(b.keys).sorted().compactMap { key in
            let x = a[key], y = b[key]
            if x == y { return nil }
            if let x, let y, let u = Double(x), let v = Double(y), u == v { return nil }
            return ConfigChange(field: key, stored: x ?? "absent", given: y ?? "absent")
        }
    }

    /// Leaf values as compact JSON text by dotted path.
    static func flatten(_ data: Data) -> [String: String] {
        var out: [String: String] = [:]
        func walk(_ v: Any, _ path: String) {
            if let d = v as? [String: Any] {
                for (k, x) in d { walk(x, path.isEmpty ? k : path + "." + k) }
            } else {
                out[path] = (try? JSONSerialization.data(withJSONObject: v, options: [.fragmentsAllowed, .sortedKeys]))
                    .map { String(decoding: $0, as: UTF8.self) } ?? String(describing: v)
            }
        }
        if let root = try? JSONSerialization.jsonObject(with: data) { walk(root, "") }
        return out
    }
}
