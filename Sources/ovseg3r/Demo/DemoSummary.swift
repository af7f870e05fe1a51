import Foundation

/// The AP table printed at the end of the demo, read from `eval --json` output.
enum DemoSummary {
    static func apTable(evaluation: URL) -> [String] {
        guard let data = try? Data(contentsOf: evaluation),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return ["(no evaluation at \(evaluation.path))"] }
        var rows: [(String, Any?, Any?, Any?)] = [("all", object["ap"], object["ap50"], object["ap25"])]
        for group in object["groups"] as? [[String: Any]] ?? [] {
            rows.append((group["name"] as? String ?? "?", group["ap"], group["ap50"], group["ap25"]))
        }
        var lines = ["", "classes      AP    AP50    AP25   (held-out rooms; higher is better)"]
        for (name, ap, ap50, ap25) in rows {
            lines.append(name.padding(toLength: 8, withPad: " ", startingAt: 0)
                         + [ap, ap50, ap25].map(format).joined())
        }
        return lines
    }

    /// AP of each predictor on the same held-out rooms, all classes and each group, one row per predictor.
    static func comparison(_ predictors: [(name: String, evaluation: URL)]) -> [String] {
        let objects = predictors.map { p in
            (try? Data(contentsOf: p.evaluation)).flatMap { (try? JSONSerialization.jsonObject(with: $0)) as? [String: Any] }
        }
        let groups = (objects.compactMap { $0 }.first?["groups"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        var lines = ["", "AP by predictor".padding(toLength: 22, withPad: " ", startingAt: 0)
                     + (["all"] + groups).map { String(repeating: " ", count: max(0, 8 - $0.count)) + $0 }.joined()
                     + "   (same held-out rooms and 2D masks)"]
        for (p, object) in zip(predictors, objects) {
            guard let object else {
                lines.append(p.name.padding(toLength: 22, withPad: " ", startingAt: 0) + "  (no evaluation at \(p.evaluation.path))")
                continue
            }
            let byName = Dictionary((object["groups"] as? [[String: Any]] ?? []).compactMap { g in (g["name"] as? String).map { ($0, g["ap"]) } },
                                    uniquingKeysWith: { a, _ in a })
            let values = [object["ap"]] + groups.map { byName[$0] ?? nil }
            lines.append(p.name.padding(toLength: 22, withPad: " ", startingAt: 0) + values.map(format).joined())
        }
        return lines
    }

    private static func format(_ value: Any?) -> String {
        guard let number = value as? Double else { return "     n/a" }
        return String(format: "%8.1f", number * 100)
    }
}
