import Eval
import Foundation
import Support
import SceneIO
import Train

/// The benchmark table of an experiment folder: every arm's held-out AP with 95 % bootstrap intervals over the
/// held-out rooms (pooled over seeds), the paired differences the plan asks for, convergence over the last fifth
/// of training, and AP-versus-step curves as SVG pictures.
struct ExperimentTable {
    struct Row {
        var arm: String
        var kind: ExperimentPlan.ArmKind
        var seeds: [UInt64]
        var scores: ArmScores
        /// Metric → [(step, mean over seeds)].
        var curve: [String: [(Int, Double)]]
        /// Mean over seeds of the training wall time (sum of the logged step times), seconds.
        var trainSeconds: Double?
        /// Mean over seeds of the training CPU time (per step: the logged mean CPU time of a scene slot × the scenes
        /// per step), seconds: the compute an arm spent, which unlike wall time does not grow when other work shares
        /// the cores.
        var trainCPUSeconds: Double?
        /// Training steps of the arm's runs.
        var steps: Int
        /// Metric → [(training CPU seconds spent up to the step, mean over seeds)], for comparisons at equal compute.
        var cpuCurve: [String: [(Double, Double)]] = [:]
        /// The change over the last fifth of training: final minus the last-fifth checkpoint (`Arm.lastFifthStep`),
        /// paired on the same room resamples and pooled over seeds, for `all.ap` and each group's AP; empty when a
        /// seed's matched scenes of that checkpoint are missing.
        var lastFifth: [String: Interval] = [:]
        var lastFifthStep: Int?
    }

    /// Whether an arm has stopped learning: its last fifth's change against the convergence tolerance of the issue
    /// ("the held-out AP moves by less than 1 point over the last fifth of training").
    enum Convergence: String {
        /// The whole interval lies within ±`tolerance`.
        case converged
        /// The interval lies above 0 (and reaches past the tolerance): still learning.
        case rising
        /// The interval lies below 0 (and reaches past the tolerance): getting worse.
        case falling
        /// The interval holds 0 and reaches past the tolerance: the seeds and rooms cannot tell.
        case insideNoise = "inside the noise"

        static let tolerance = 0.01

        init(_ change: Interval) {
            if change.low > -Self.tolerance && change.high < Self.tolerance { self = .converged }
            else if change.low > 0 { self = .rising }
            else if change.high < 0 { self = .falling }
            else { self = .insideNoise }
        }
    }

    /// Seeds of an evaluated arm that have no finished job under the experiment folder, so the table leaves them
    /// out; `trainedIn` is set when the runs were trained by another experiment and only need evaluating here.
    struct Missing {
        var arm: String
        var kind: ExperimentPlan.ArmKind
        var seeds: [UInt64]
        var trainedIn: URL?
    }

    let plan: ExperimentPlan
    let rows: [Row]
    let rooms: [String]
    let instances: [String: Int]
    var missing: [Missing] = []

    /// Reads every finished job of `plan` under `out` and bootstraps them.
    static func build(plan: ExperimentPlan, out: URL, progress: (String) -> Void) throws -> ExperimentTable {
        let options = try EvalCommand.options(classes: nil, splits: [plan.split], minRegion: 100)
        let rooms = SceneList.folders(plan.test).map(\.lastPathComponent)
        let bootstrap = RoomBootstrap(rooms: rooms, resamples: plan.resamples, seed: plan.bootstrapSeed)
        var rows: [Row] = []
        var instances: [String: Int] = [:]
        var missing: [Missing] = []
        for arm in plan.arms where arm.isEvaluated {
            let all = arm.seeds.map { ExperimentJob(out: out, arm: arm, seed: $0) }
            let jobs = all.filter(\.isDone)
            if jobs.count < all.count {
                let gap = Missing(arm: arm.name, kind: arm.kind, seeds: all.filter { !$0.isDone }.map(\.seed), trainedIn: arm.trainedIn)
                missing.append(gap)
                progress("not in the table: " + gap.text)
            }
            guard !jobs.isEmpty else { continue }
            progress("bootstrapping \(arm.name) (\(jobs.count) runs × \(rooms.count) rooms × \(plan.resamples) resamples)")
            let matched = try jobs.map { try $0.matchedFinal(test: plan.test, options: options) }
            let runs = matched.map(\.classAware)
            if instances.isEmpty, let first = runs.first { instances = Self.countInstances(first, options: options) }
            var scores = try bootstrap.scores(runs: runs, options: options)
            scores.add(try bootstrap.scores(runs: matched.map(\.classAgnostic), options: ClassAgnostic.options(from: options)), allAs: "agnostic")
            let curve = try Self.curve(jobs)
            var lastFifth: [String: Interval] = [:]
            if let step = arm.lastFifthStep {
                let files = jobs.map { $0.matches(step: step) }
                if files.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) {
                    progress("bootstrapping \(arm.name) at step \(step) (the start of the last fifth)")
                    let earlier = try bootstrap.scores(runs: try files.map { try SceneMatchesFile.read(from: $0, options: options) }, options: options)
                    for metric in ["all.ap"] + Self.groupKeys(plan.split) { lastFifth[metric] = scores.difference(earlier, metric) }
                } else {
                    progress("\(arm.name): no interval for the last fifth: a seed lacks its step-\(step) matched scenes (`experiment run` scores that checkpoint again)")
                }
            }
            rows.append(Row(arm: arm.name, kind: arm.kind, seeds: jobs.map(\.seed), scores: scores,
                            curve: curve, trainSeconds: Self.trainSeconds(jobs),
                            trainCPUSeconds: Self.trainSeconds(jobs, field: "cpu_ms", scale: Self.scenesPerStep(arm)), steps: arm.steps,
                            cpuCurve: arm.kind == .train ? Self.cpuCurve(jobs, curve: curve, scale: Self.scenesPerStep(arm)) : [:],
                            lastFifth: lastFifth, lastFifthStep: arm.lastFifthStep))
        }
        guard !rows.isEmpty else { throw ExperimentError.noResults(folder: out.path) }
        return ExperimentTable(plan: plan, rows: rows, rooms: rooms, instances: instances, missing: missing)
    }

    /// Evaluated ground-truth instances (at least the minimum region size), overall and per group.
    static func countInstances(_ scenes: [SceneMatches], options: EvaluationOptions) -> [String: Int] {
        var count = ["all": 0]
        var groupOf: [Int: [String]] = [:]
        for g in options.groups.groups { for name in g.classes { if let c = options.classes.index(ofName: name) { groupOf[c, default: []].append(g.name) } } }
        for scene in scenes {
            for gt in scene.groundTruth where gt.pointCount >= options.minRegionSize {
                count["all", default: 0] += 1
                for g in groupOf[gt.classIndex] ?? [] { count[g, default: 0] += 1 }
            }
        }
        return count
    }

    static func curve(_ jobs: [ExperimentJob]) throws -> [String: [(Int, Double)]] {
        var sums: [String: [Int: (Double, Int)]] = [:]
        for job in jobs {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: job.curves.path)) ?? []
            for file in files where file.hasPrefix("eval-") && file.hasSuffix(".json") {
                guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: job.curves.appendingPathComponent(file))) as? [String: Any],
                      let step = (object["step"] as? NSNumber)?.intValue, let metrics = object["metrics"] as? [String: Any] else { continue }
                for (key, value) in metrics {
                    guard let v = (value as? NSNumber)?.doubleValue else { continue }
                    let old = sums[key, default: [:]][step] ?? (0, 0)
                    sums[key, default: [:]][step] = (old.0 + v, old.1 + 1)
                }
            }
        }
        return sums.mapValues { byStep in byStep.keys.sorted().compactMap { s in byStep[s].map { (s, $0.0 / Double($0.1)) } } }
    }

    /// The scenes of one training step in the arm's config (default 1).
    static func scenesPerStep(_ arm: ExperimentPlan.Arm) -> Double {
        (arm.config["scenesPerStep"] as? NSNumber)?.doubleValue ?? 1
    }

    /// Mean over `jobs` of the sum of a per-step millisecond field of the run's log (`step_ms`: wall time) times
    /// `scale`, in seconds.
    static func trainSeconds(_ jobs: [ExperimentJob], field: String = "step_ms", scale: Double = 1) -> Double? {
        let times = jobs.compactMap { job in logged(job, field).map { $0.reduce(0) { $0 + $1.value } * scale / 1000 } }
        return times.isEmpty ? nil : times.reduce(0, +) / Double(times.count)
    }

    /// The (step, value) pairs of a per-step field of a job's training log, every logged step (a resumed run's
    /// repeated steps included: they were spent too); nil without a log.
    static func logged(_ job: ExperimentJob, _ field: String) -> [(step: Int, value: Double)]? {
        guard let text = try? String(contentsOf: job.run.appendingPathComponent("log.jsonl"), encoding: .utf8) else { return nil }
        return TextLines.split(text).compactMap { line -> (step: Int, value: Double)? in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let step = (o["step"] as? NSNumber)?.intValue, let value = (o[field] as? NSNumber)?.doubleValue else { return nil }
            return (step, value)
        }
    }

    /// The curve against training CPU seconds: at each curve step, the mean over `jobs` of the CPU seconds their
    /// logs record up to that step (the logged mean CPU time of a scene slot × `scale` scenes per step).
    static func cpuCurve(_ jobs: [ExperimentJob], curve: [String: [(Int, Double)]], scale: Double) -> [String: [(Double, Double)]] {
        let steps = Set(curve.values.flatMap { $0.map(\.0) })
        var sums: [Int: (Double, Int)] = [:]
        for job in jobs {
            guard let cpu = logged(job, "cpu_ms") else { continue }
            for step in steps {
                let seconds = cpu.reduce(0) { $1.step <= step ? $0 + $1.value : $0 } * scale / 1000
                let old = sums[step] ?? (0, 0)
                sums[step] = (old.0 + seconds, old.1 + 1)
            }
        }
        return curve.mapValues { points in points.compactMap { step, value in sums[step].map { ($0.0 / Double($0.1), value) } } }
    }

    /// Change of the mean curve of `metric` over the last fifth of training (points of AP ×100), nil without curve:
    /// the point estimate shown when a run lacks the matched scenes for the interval (`Row.lastFifth`).
    func lastFifthChange(_ row: Row, metric: String = "all.ap") -> Double? {
        guard let points = row.curve[metric], let last = points.last else { return nil }
        let cut = Double(row.steps) * 0.8
        guard let before = points.last(where: { Double($0.0) <= cut + 1e-9 }), before.0 < last.0 else { return nil }
        return (last.1 - before.1) * 100
    }

    var groupNames: [String] { Self.groupNames(plan.split) }

    static func groupNames(_ split: String) -> [String] { split == "base-novel" ? ["base", "novel"] : ["head", "common", "tail"] }
    static func groupKeys(_ split: String) -> [String] { groupNames(split).map { "\($0).ap" } }
}

extension ExperimentTable.Missing {
    /// "full seeds 1, 2: trained in ../runs, not evaluated here yet (experiment run --job full:1 …)".
    var text: String {
        let jobs = kind == .fuse ? [arm] : seeds.map { "\(arm):\($0)" }
        let which = kind == .fuse ? arm : "\(arm) seed\(seeds.count == 1 ? "" : "s") " + seeds.map(String.init).joined(separator: ", ")
        let why = trainedIn.map { "trained in \($0.path), not evaluated here yet" } ?? "not finished"
        return "\(which): \(why) (`experiment run --job " + jobs.joined(separator: " --job ") + "`)"
    }
}

