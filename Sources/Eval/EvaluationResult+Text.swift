import Foundation

extension EvaluationResult {
    /// A value as the tables print it: three decimals, "nan" for classes without ground truth.
    static func cell(_ value: Double) -> String {
        value.isNaN ? "nan" : String(format: "%.3f", value)
    }

    /// Rows of (name, ap, ap50, ap25): overall, then groups, then classes when asked for.
    private func rows(perClass: Bool) -> (summary: [(String, Double, Double, Double)], classes: [(String, Double, Double, Double)]) {
        var summary = [("average", ap, ap50, ap25)]
        summary += groups.map { ($0.name, $0.ap, $0.ap50, $0.ap25) }
        let classRows = perClass ? classes.map { ($0.name, $0.ap, $0.ap50, $0.ap25) } : []
        return (summary, classRows)
    }

    /// The warning about ground-truth scenes without predictions (nil when there are none).
    public var missingNote: String? {
        guard !scenesWithoutPredictions.isEmpty else { return nil }
        let shown = scenesWithoutPredictions.prefix(5).joined(separator: ", ") + (scenesWithoutPredictions.count > 5 ? ", …" : "")
        return "warning: \(scenesWithoutPredictions.count) ground-truth scene(s) without predictions, counted as all missed: \(shown)"
    }

    /// A fixed-width table for the terminal. AP values: higher is better.
    public func terminalTable(perClass: Bool) -> String {
        let (summary, classRows) = rows(perClass: perClass)
        let width = max(20, (summary + classRows).map { $0.0.count }.max() ?? 0) + 1
        func line(_ name: String, _ values: [String]) -> String {
            name.padding(toLength: width, withPad: " ", startingAt: 0) + ":"
                + values.map { String(repeating: " ", count: max(0, 9 - $0.count)) + $0 }.joined()
        }
        let rule = String(repeating: "-", count: width + 28)
        var out = [line("what", ["AP", "AP50", "AP25"]), rule]
        for row in classRows { out.append(line(row.0, [Self.cell(row.1), Self.cell(row.2), Self.cell(row.3)])) }
        if !classRows.isEmpty { out.append(rule) }
        for row in summary { out.append(line(row.0, [Self.cell(row.1), Self.cell(row.2), Self.cell(row.3)])) }
        if let c = classAgnostic {
            out.append(rule)
            out.append(line("class-agnostic", [Self.cell(c.ap), Self.cell(c.ap50), Self.cell(c.ap25)]))
        }
        out.append("\(sceneCount) scenes, \(classes.filter(\.isEvaluated).count) of \(classes.count) classes with ground truth, min region \(minRegionSize) points; higher is better")
        if let note = missingNote { out.append(note) }
        return out.joined(separator: "\n") + "\n"
    }

    /// GitHub Markdown tables: summary, then per class when asked for.
    public func markdown(perClass: Bool) -> String {
        let (summary, classRows) = rows(perClass: perClass)
        var out = ["| what | AP ↑ | AP50 ↑ | AP25 ↑ |", "|---|---:|---:|---:|"]
        for row in summary { out.append("| \(row.0) | \(Self.cell(row.1)) | \(Self.cell(row.2)) | \(Self.cell(row.3)) |") }
        if let c = classAgnostic {
            out.append("| class-agnostic (labels ignored) | \(Self.cell(c.ap)) | \(Self.cell(c.ap50)) | \(Self.cell(c.ap25)) |")
        }
        out.append("")
        out.append("\(sceneCount) scenes; \(classes.filter(\.isEvaluated).count) of \(classes.count) classes have ground truth; minimum region \(minRegionSize) points.")
        if let note = missingNote { out.append(""); out.append(note) }
        if !classRows.isEmpty {
            out += ["", "| class | id | AP ↑ | AP50 ↑ | AP25 ↑ | GT | pred |", "|---|---:|---:|---:|---:|---:|---:|"]
            for c in classes {
                out.append("| \(c.name) | \(c.id) | \(Self.cell(c.ap)) | \(Self.cell(c.ap50)) | \(Self.cell(c.ap25)) | \(c.groundTruthCount) | \(c.predictionCount) |")
            }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
