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

    private static func format(_ value: Any?) -> String {
        guard let number = value as? Double else { return "     n/a" }
        return String(format: "%8.1f", number * 100)
    }
}
