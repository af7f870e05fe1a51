import Eval
import Foundation

extension ExperimentPlan {
    /// One thing the experiment is meant to show: arm `arm` above arm `above` on `metric` (e.g. issue 14's "the full
    /// method above training-free lifting on novel AP"). It is met when the paired 95 % interval of `arm − above`
    /// lies above 0; the table says so either way.
    struct Goal: Equatable {
        var arm: String
        var above: String
        /// A table metric: `all`, a split group or `agnostic`, then `.ap`, `.ap50` or `.ap25` (e.g. `novel.ap`).
        var metric: String

        static let keys: Set<String> = ["arm", "above", "metric"]

        /// The metrics a goal may name under `split`.
        static func metrics(split: String) -> [String] {
            (["all"] + ExperimentTable.groupNames(split) + ["agnostic"]).flatMap { g in ["ap", "ap50", "ap25"].map { "\(g).\($0)" } }
        }

        /// "full above training-free on novel AP".
        var text: String { "\(arm) above \(above) on \(Self.label(metric))" }

        /// "novel AP", "all-class AP50", "class-agnostic AP".
        static func label(_ metric: String) -> String {
            let parts = metric.split(separator: ".").map(String.init)
            guard parts.count == 2 else { return metric }
            let group = parts[0] == "all" ? "all-class" : parts[0] == "agnostic" ? "class-agnostic" : parts[0]
            return "\(group) \(parts[1].uppercased())"
        }

        /// Reads the plan's `goals` list (absent: none); `arms` are the evaluated arms' names.
        static func parse(_ value: Any?, arms: [String], split: String,
                          fail: (String, String) -> ExperimentError) throws -> [Goal] {
            guard let value else { return [] }
            guard let list = value as? [Any] else { throw fail("goals", "must be a list of {\"arm\", \"above\", \"metric\"} objects") }
            let metrics = Self.metrics(split: split)
            return try list.enumerated().map { i, item in
                let at = "goals[\(i)]"
                guard let o = item as? [String: Any] else { throw fail(at, "must be an object with arm, above and metric") }
                if let bad = o.keys.sorted().first(where: { !keys.contains($0) }) {
                    throw fail("\(at).\(bad)", "unknown goal field; a goal has \(keys.sorted().joined(separator: ", "))")
                }
                var names: [String] = []
                for key in ["arm", "above"] {
                    guard let name = o[key] as? String, arms.contains(name) else {
                        throw fail("\(at).\(key)", "must name an evaluated arm of the plan (\(arms.joined(separator: ", "))), got \(o[key] ?? "nothing")")
                    }
                    names.append(name)
                }
                guard names[0] != names[1] else { throw fail("\(at).above", "must be another arm than \(names[0])") }
                guard let metric = o["metric"] as? String, metrics.contains(metric) else {
                    throw fail("\(at).metric", "must be one of \(metrics.joined(separator: ", ")), got \(o["metric"] ?? "nothing")")
                }
                return Goal(arm: names[0], above: names[1], metric: metric)
            }
        }
    }
}

extension ExperimentTable {
    /// Whether the table shows a goal met.
    enum GoalVerdict: String {
        /// The paired interval lies above 0.
        case met
        /// The interval holds 0: the seeds and rooms show no difference.
        case noDifference = "not met: no difference"
        /// The interval lies below 0: the other arm is ahead.
        case below = "not met: below"
        /// An arm of the goal has no finished run yet.
        case notMeasured = "not measured yet"

        init(_ difference: Interval?) {
            guard let d = difference, d.estimate.isFinite else { self = .notMeasured; return }
            self = d.low > 0 ? .met : d.high < 0 ? .below : .noDifference
        }
    }

    /// Each goal of the plan with its paired difference (nil when an arm has no finished run) and verdict.
    var goalResults: [(goal: ExperimentPlan.Goal, difference: Interval?, verdict: GoalVerdict)] {
        plan.goals.map { goal in
            var d: Interval?
            if let x = rows.first(where: { $0.arm == goal.arm }), let y = rows.first(where: { $0.arm == goal.above }) {
                d = x.scores.difference(y.scores, goal.metric)
            }
            return (goal, d, GoalVerdict(d))
        }
    }

    /// The Markdown lines of the goals (none without goals).
    var goalLines: [String] {
        let results = goalResults
        guard !results.isEmpty else { return [] }
        var lines = ["", "Goals (met when the paired 95 % interval of the difference lies above 0):", "",
                     "| goal | difference (points) | verdict |", "|---|---|---|"]
        for r in results {
            let cell = r.difference.map(Self.cell) ?? "–"
            lines.append("| \(r.goal.text) | \(cell) | \(r.verdict == .met ? "**met**" : r.verdict.rawValue) |")
        }
        return lines
    }

    var goalsJSON: [[String: Any]] {
        goalResults.map { r in
            ["arm": r.goal.arm, "above": r.goal.above, "metric": r.goal.metric, "verdict": r.verdict.rawValue,
             "difference": r.difference.map(Self.intervalJSON) ?? NSNull()]
        }
    }
}
