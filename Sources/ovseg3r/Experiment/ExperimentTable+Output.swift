import Eval
import Foundation
import SceneIO

/// The table as Markdown, JSON and SVG curves.
extension ExperimentTable {
    static func cell(_ i: Interval) -> String {
        guard i.estimate.isFinite else { return "–" }
        return String(format: "%.1f [%.1f, %.1f]", i.estimate * 100, i.low * 100, i.high * 100)
    }

    var markdown: String {
        let groups = groupNames
        let counts = (["all"] + groups).map { "\(instances[$0] ?? 0) \($0 == "all" ? "in all" : $0)" }.joined(separator: ", ")
        var lines = [
            "Held-out AP in % (higher is better) on \(rooms.count) held-out rooms (\(counts) evaluated ground-truth instances);",
            "each cell is the mean over the arm's seeds with its 95 % bootstrap interval (\(plan.resamples) resamples of the rooms, pooled over seeds; a class absent from a resample keeps its all-rooms AP, see RoomBootstrap).",
            "\(stepsText) training steps per run; \"Δ last fifth\" is the change of all-class AP from the last evaluated checkpoint at or before 80 % of an arm's steps to the end, paired on the same room resamples and pooled over seeds: *converged* when its whole interval lies within ±1 point, *rising* or *falling* when it excludes 0, otherwise *inside the noise* (a bare number is the change of the mean curve, for runs without the matched scenes of that checkpoint); \"train s\" and \"train CPU s\" are the wall and CPU seconds of training (mean over seeds; CPU time does not grow when other work shares the cores).",
            "",
            "| arm | seeds | AP | AP50 | AP25 | " + groups.map { "\($0) AP" }.joined(separator: " | ") + " | Δ last fifth | train s | train CPU s |",
            "|---|---:|---|---|---|" + groups.map { _ in "---|" }.joined() + "---:|---:|---:|",
        ]
        for r in rows {
            let s = r.scores
            let delta = lastFifthCell(r)
            let train = r.trainSeconds.map { String(format: "%.0f", $0) } ?? "–"
            let cpu = r.trainCPUSeconds.map { String(format: "%.0f", $0) } ?? "–"
            lines.append("| \(r.arm) | \(r.kind == .fuse ? "–" : "\(r.seeds.count)") | \(Self.cell(s.interval("all.ap"))) | \(Self.cell(s.interval("all.ap50"))) | "
                         + "\(Self.cell(s.interval("all.ap25"))) | " + groups.map { Self.cell(s.interval("\($0).ap")) }.joined(separator: " | ")
                         + " | \(delta) | \(train) | \(cpu) |")
        }
        lines += goalLines
        lines += ["", "AP50 and AP25 per group, and class-agnostic AP (labels ignored: every mask against every ground-truth instance, see ClassAgnostic):", "",
                  "| arm | " + groups.flatMap { ["\($0) AP50", "\($0) AP25"] }.joined(separator: " | ") + " | agnostic AP | agnostic AP50 |",
                  "|---|" + groups.flatMap { _ in ["---|", "---|"] }.joined() + "---|---|"]
        for r in rows {
            lines.append("| \(r.arm) | " + groups.flatMap { [Self.cell(r.scores.interval("\($0).ap50")), Self.cell(r.scores.interval("\($0).ap25"))] }
                .joined(separator: " | ") + " | \(Self.cell(r.scores.interval("agnostic.ap"))) | \(Self.cell(r.scores.interval("agnostic.ap50"))) |")
        }
        if !missing.isEmpty {
            lines += ["", "Not in the table yet:"] + missing.map { "- \($0.text)" }
        }
        if !plan.compare.isEmpty {
            let metrics = ["all.ap"] + groups.map { "\($0).ap" } + groups.map { "\($0).ap50" } + ["agnostic.ap"]
            lines += ["", "Paired differences (first arm − second, AP points, same resamples for both arms); **bold** where the 95 % interval excludes 0, otherwise no difference is shown:", "",
                      "| comparison | " + metrics.joined(separator: " | ") + " |", "|---|" + metrics.map { _ in "---|" }.joined()]
            var unpaired: [String] = []
            for (a, b) in plan.compare {
                guard let x = rows.first(where: { $0.arm == a }), let y = rows.first(where: { $0.arm == b }) else {
                    unpaired.append("\(a) − \(b)")
                    continue
                }
                lines.append("| \(a) − \(b) | " + metrics.map { m in
                    let d = x.scores.difference(y.scores, m)
                    return d.excludesZero ? "**\(Self.cell(d))**" : Self.cell(d)
                }.joined(separator: " | ") + " |")
            }
            if !unpaired.isEmpty {
                lines += ["", "Not shown, because an arm has no finished run: " + unpaired.joined(separator: ", ") + "."]
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "+0.4 [−0.6, 0.9] converged"; the bare curve change when the row has no interval; "–" without either.
    func lastFifthCell(_ r: Row) -> String {
        if let d = r.lastFifth["all.ap"], d.estimate.isFinite {
            return String(format: "%+.1f [%.1f, %.1f] ", d.estimate * 100, d.low * 100, d.high * 100) + "*\(Convergence(d).rawValue)*"
        }
        return lastFifthChange(r).map { String(format: "%+.1f", $0) } ?? "–"
    }

    /// "3000", or "1000 (full: 6000)" when arms train for their own number of steps.
    var stepsText: String {
        let own = rows.filter { $0.kind == .train && $0.steps != plan.steps }
        return "\(plan.steps)" + (own.isEmpty ? "" : " (" + own.map { "\($0.arm): \($0.steps)" }.joined(separator: ", ") + ")")
    }

    /// An interval as JSON, a non-finite bound as null.
    static func intervalJSON(_ i: Interval) -> [String: Any] {
        ["estimate": i.estimate.isFinite ? i.estimate : NSNull(), "low": i.low.isFinite ? i.low : NSNull(), "high": i.high.isFinite ? i.high : NSNull()]
    }

    var json: [String: Any] {
        let interval = Self.intervalJSON
        let metrics = Set(rows.flatMap { $0.scores.estimate.keys }).sorted()
        return [
            "rooms": rooms, "instances": instances, "steps": plan.steps, "resamples": plan.resamples, "level": 0.95,
            "arms": rows.map { r -> [String: Any] in
                ["name": r.arm, "kind": r.kind.rawValue, "seeds": r.seeds.map { Int($0) },
                 "metrics": Dictionary(uniqueKeysWithValues: metrics.map { ($0, interval(r.scores.interval($0))) }),
                 "lastFifthChange": lastFifthChange(r) ?? NSNull(),
                 "lastFifth": r.lastFifth.isEmpty ? NSNull() : [
                     "fromStep": r.lastFifthStep ?? NSNull(), "convergence": r.lastFifth["all.ap"].map { Convergence($0).rawValue } ?? NSNull(),
                     "difference": r.lastFifth.mapValues(interval)] as [String: Any],
                 "trainSeconds": r.trainSeconds ?? NSNull(),
                 "trainCPUSeconds": r.trainCPUSeconds ?? NSNull(), "steps": r.steps,
                 "cpuCurve": r.cpuCurve.mapValues { $0.map { [$0.0, $0.1] } },
                 "curve": r.curve.mapValues { $0.map { [$0.0, $0.1] } }]
            },
            "comparisons": plan.compare.compactMap { a, b -> [String: Any]? in
                guard let x = rows.first(where: { $0.arm == a }), let y = rows.first(where: { $0.arm == b }) else { return nil }
                return ["first": a, "second": b,
                        "difference": Dictionary(uniqueKeysWithValues: metrics.map { ($0, interval(x.scores.difference(y.scores, $0))) })]
            },
            "goals": goalsJSON,
            "missing": missing.map { m -> [String: Any] in
                ["arm": m.arm, "seeds": m.seeds.map { Int($0) }, "trainedIn": m.trainedIn?.path ?? NSNull()]
            },
        ]
    }

    /// One chart per metric: the mean over seeds of each training arm at every evaluated step (AP ×100); the
    /// training-free arm as a flat line.
    func curveSVG(metric: String, title: String) -> String {
        let last = rows.filter { $0.kind == .train }.map(\.steps).max() ?? plan.steps
        let series = rows.map { r -> TrainingLog.Series in
            let points = r.curve[metric] ?? []
            let flat = r.kind != .train && points.count == 1 ? [(min(plan.curveStep, last), points[0].1), (last, points[0].1)] : points
            return TrainingLog.Series(name: r.arm, points: flat.map { SIMD2(Double($0.0), $0.1 * 100) })
        }.filter { !$0.points.isEmpty }
        return SVGChart(title: title, series: series).svg
    }

    /// The same curves against training CPU seconds (compute), so arms of different step cost compare at equal
    /// compute; the training-free arm is a flat line.
    func cpuCurveSVG(metric: String, title: String) -> String {
        let xs = rows.flatMap { $0.cpuCurve[metric]?.map(\.0) ?? [] }
        let series = rows.map { r -> TrainingLog.Series in
            var points = r.cpuCurve[metric] ?? []
            if r.kind != .train, let value = r.curve[metric]?.last?.1, let low = xs.min(), let high = xs.max() { points = [(low, value), (high, value)] }
            return TrainingLog.Series(name: r.arm, points: points.map { SIMD2($0.0, $0.1 * 100) })
        }.filter { !$0.points.isEmpty }
        var chart = SVGChart(title: title, series: series)
        chart.xLabel = "training CPU seconds"
        return chart.svg
    }

    /// Writes `results.md`, `results.json`, `curve-<metric>.svg` (against steps) and `curve-<metric>-cpu.svg`
    /// (against training CPU seconds) into `out`; returns the files written.
    func write(to out: URL) throws -> [URL] {
        var written: [URL] = []
        let md = out.appendingPathComponent("results.md")
        try AtomicFile.write(Data(markdown.utf8), to: md)
        written.append(md)
        let js = out.appendingPathComponent("results.json")
        try AtomicWrite.json(json, to: js)
        written.append(js)
        for metric in ["all.ap"] + groupNames.map({ "\($0).ap" }) {
            let url = out.appendingPathComponent("curve-\(metric.replacingOccurrences(of: ".", with: "-")).svg")
            let name = metric.replacingOccurrences(of: ".ap", with: "")
            try AtomicFile.write(Data(curveSVG(metric: metric, title: "held-out \(name) AP (%) vs step").utf8), to: url)
            written.append(url)
            let cpu = out.appendingPathComponent("curve-\(metric.replacingOccurrences(of: ".", with: "-"))-cpu.svg")
            try AtomicFile.write(Data(cpuCurveSVG(metric: metric, title: "held-out \(name) AP (%) vs training CPU seconds").utf8), to: cpu)
            written.append(cpu)
        }
        return written
    }
}
