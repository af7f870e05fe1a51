import Foundation
import Support
import Train

/// What a learning-benchmark experiment runs: arms (a training config or the training-free baseline, with
/// prediction options) × seeds, on one training set and one set of held-out rooms.
///
/// A plan is a JSON object; every key is checked before anything runs, and an unknown one is refused by name:
/// ```
/// {"train": "bench-data/scenes/train", "test": "bench-data/scenes/test",
///  "steps": 3000, "curvePoints": 5, "seeds": [1, 2, 3],
///  "config": {...training config keys shared by every arm...},
///  "arms": [{"name": "full"},
///           {"name": "no-vip", "config": {"supervision": {"vip": false}}},
///           {"name": "training-free", "kind": "fuse"}],
///  "compare": [["full", "no-vip"], ["full", "training-free"]],
///  "split": "base-novel", "resamples": 1000, "bootstrapSeed": 0}
/// ```
/// Relative paths resolve against the plan file's folder. An arm may start its encoder from an earlier train arm's
/// run of the same seed (`"initFrom": "ditr-distill"`, passed as `ovseg3r train --init`); its jobs wait for that
/// arm's (see `tools/benchmark/plan-backbone.json`). An arm may instead evaluate the runs an earlier experiment
/// trained (`"trainedIn": "../../bench-runs"`: that folder's `<arm>/seed-<s>/run`), for example the same models on
/// another set of held-out rooms (`tools/benchmark/plan-vc.json`); with `"trainedAs": "full"` it evaluates that
/// folder's `full` runs under its own name, for example with other prediction `arguments`
/// (`tools/benchmark/plan-box-filter.json`). An arm may train for its own number of steps
/// (`"steps": 6000`), for example to compare encoders of different step costs at equal compute
/// (`tools/benchmark/plan-backbone.json`); its curve points are its own steps / `curvePoints`. A merge arm
/// (`"kind": "merge", "from": ["training-free", "full"], "arguments": ["--policy", "nms"]`) combines the final
/// predictions of earlier arms, seed by seed, with `ovseg3r merge`; its jobs wait for theirs
/// (`tools/benchmark/plan-long.json`). A plan may state its goals (`"goals": [{"arm": "full", "above":
/// "training-free", "metric": "novel.ap"}]`): the table says of each whether the paired interval shows it met.
struct ExperimentPlan {
    /// How an arm makes its predictions.
    enum ArmKind: String, CaseIterable {
        /// `ovseg3r train` then `ovseg3r predict` (one run per seed).
        case train
        /// `ovseg3r fuse`: training-free lifting of the view-level 2D instances (deterministic: one run).
        case fuse
        /// `ovseg3r merge`: the predictions of earlier arms (`from`) combined, per seed (a fuse arm gives its one run
        /// to every seed); `arguments` pass `--policy` and `--iou`.
        case merge

        /// False for an arm that runs once (as seed 0) whatever the plan's seeds.
        var hasSeeds: Bool { self != .fuse }
    }

    struct Arm {
        var name: String
        var kind: ArmKind
        /// The arm's training config: the plan's `config` with the arm's keys merged over it (JSON object).
        var config: [String: Any]
        /// Training scenes (default: the plan's `train`).
        var train: URL
        var seeds: [UInt64]
        /// Extra arguments of `ovseg3r predict` (train arms) or `ovseg3r fuse` (fuse arms).
        var arguments: [String]
        /// An earlier train arm whose run (same seed) starts this arm's encoder (`ovseg3r train --init`), e.g. a
        /// DITR distillation arm; this arm's jobs wait for that arm's.
        var initFrom: String?
        /// The earlier arms whose predictions a merge arm combines, in `ovseg3r merge --pred` order.
        var from: [String] = []
        /// An experiment folder whose `<name>/seed-<s>/run` this arm evaluates instead of training one.
        var trainedIn: URL?
        /// The arm name of the runs under `trainedIn` (default: this arm's name).
        var trainedAs: String?
        /// Training steps of this arm's runs (default: the plan's `steps`).
        var steps: Int
        /// The arm's runs are evaluated every `curveStep` steps for the AP-versus-step curves.
        var curveStep: Int
        /// False for a pretraining arm (`"objective": "distill2D"`): its runs learn the lifted 2D features, not
        /// instances, so they are trained (for the arms that start from them) but not predicted, evaluated or tabulated.
        var isEvaluated = true

        /// The evaluated checkpoint that starts the last fifth of training (the last curve step at or before 80 % of
        /// `steps`), nil for an arm that is not trained and evaluated or has no such checkpoint. The runner keeps its
        /// matched scenes (`curve/matches-<step>.json`) so that the table can bootstrap the change to the end.
        var lastFifthStep: Int? {
            guard kind == .train, isEvaluated, curveStep > 0 else { return nil }
            let step = (steps * 4 / 5) / curveStep * curveStep
            return step > 0 && step < steps ? step : nil
        }
    }

    var train: URL
    var test: URL
    var steps: Int
    /// The model is evaluated at `steps / curvePoints` intervals for the AP-versus-step curves.
    var curvePoints: Int
    var arms: [Arm]
    var compare: [(String, String)]
    /// What the experiment is meant to show; the table gives each its verdict (`ExperimentTable.GoalVerdict`).
    var goals: [Goal] = []
    var split: String
    var resamples: Int
    var bootstrapSeed: UInt64
    /// Prefix of every `train` command, e.g. `["mpirun", "-np", "2"]` (empty: run the binary directly).
    var launcher: [String]

    var curveStep: Int { max(1, steps / curvePoints) }

    static let planKeys: Set<String> = ["train", "test", "steps", "curvePoints", "seeds", "config", "arms", "compare",
                                        "goals", "split", "resamples", "bootstrapSeed", "launcher", "predict"]
    static let armKeys: Set<String> = ["name", "kind", "config", "train", "seeds", "arguments", "initFrom", "trainedIn", "trainedAs", "steps", "from"]

    /// Reads and checks a plan; throws `ExperimentError.invalidPlan` naming the field.
    static func load(_ url: URL) throws -> ExperimentPlan {
        let object: [String: Any]
        do {
            guard let o = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
                throw ExperimentError.invalidPlan(file: url.path, field: "(top level)", reason: "must be a JSON object")
            }
            object = o
        } catch let e as ExperimentError { throw e } catch {
            throw ExperimentError.invalidPlan(file: url.path, field: "(file)", reason: "not readable JSON: \(error.localizedDescription)")
        }
        return try parse(object, file: url.path, folder: url.deletingLastPathComponent())
    }

    static func parse(_ o: [String: Any], file: String, folder: URL) throws -> ExperimentPlan {
        func fail(_ field: String, _ reason: String) -> ExperimentError { .invalidPlan(file: file, field: field, reason: reason) }
        if let bad = o.keys.sorted().first(where: { !planKeys.contains($0) }) {
            throw fail(bad, "unknown key; the plan's keys are \(planKeys.sorted().joined(separator: ", "))")
        }
        func path(_ value: Any?, _ field: String) throws -> URL {
            guard let s = value as? String, !s.isEmpty else { throw fail(field, "must be a folder path") }
            let url = s.hasPrefix("/") ? URL(fileURLWithPath: s) : folder.appendingPathComponent(s)
            guard !SceneList.folders(url).isEmpty else { throw fail(field, "\(url.path) holds no scene folder (scene.json)") }
            return url.standardizedFileURL
        }
        func int(_ key: String, default d: Int? = nil, min: Int, in object: [String: Any]? = nil, at field: String? = nil) throws -> Int {
            let field = field ?? key
            guard let v = (object ?? o)[key] ?? d else { throw fail(field, "is required") }
            guard let n = (v as? NSNumber)?.intValue, (v as? NSNumber)?.doubleValue == Double(n), n >= min else {
                throw fail(field, "must be an integer ≥ \(min), got \(v)")
            }
            return n
        }
        func seeds(_ v: Any?, _ field: String) throws -> [UInt64] {
            guard let list = v as? [Any], !list.isEmpty else { throw fail(field, "must be a non-empty list of seeds") }
            return try list.map {
                guard let n = ($0 as? NSNumber)?.int64Value, n >= 0 else { throw fail(field, "seeds are integers ≥ 0, got \($0)") }
                return UInt64(n)
            }
        }
        func strings(_ v: Any?, _ field: String) throws -> [String] {
            guard let v else { return [] }
            guard let list = v as? [String] else { throw fail(field, "must be a list of strings") }
            return list
        }
        let train = try path(o["train"], "train"), test = try path(o["test"], "test")
        let steps = try int("steps", min: 1)
        let curvePoints = try int("curvePoints", default: 5, min: 1)
        guard let base = (o["config"] ?? [String: Any]()) as? [String: Any] else { throw fail("config", "must be a JSON object") }
        let planSeeds = try seeds(o["seeds"], "seeds")
        let predict = try strings(o["predict"], "predict")
        guard let armList = o["arms"] as? [[String: Any]], !armList.isEmpty else { throw fail("arms", "must be a non-empty list of objects") }
        var arms: [Arm] = []
        for (i, a) in armList.enumerated() {
            let at = "arms[\(i)]"
            if let bad = a.keys.sorted().first(where: { !armKeys.contains($0) }) {
                throw fail("\(at).\(bad)", "unknown arm field; an arm has \(armKeys.sorted().joined(separator: ", "))")
            }
            guard let name = a["name"] as? String, !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw fail("\(at).name", "must be a name of letters, digits, - _ . (it names the arm's folder)")
            }
            guard !arms.contains(where: { $0.name == name }) else { throw fail("\(at).name", "\"\(name)\" is used twice") }
            let kindName = a["kind"] as? String ?? "train"
            guard let kind = ArmKind(rawValue: kindName) else {
                throw fail("\(at).kind", "must be one of \(ArmKind.allCases.map(\.rawValue).joined(separator: ", ")), got \(kindName)")
            }
            guard let own = (a["config"] ?? [String: Any]()) as? [String: Any] else { throw fail("\(at).config", "must be a JSON object") }
            let armSteps = try int("steps", default: steps, min: 1, in: a, at: "\(at).steps")
            var isEvaluated = true
            let curveStep = max(1, armSteps / curvePoints)
            var config = JSONKeys.overlay(own, on: base) as? [String: Any] ?? [:]
            config["steps"] = armSteps
            config["checkpointEvery"] = min(armSteps, curveStep)
            config["keepCheckpointEvery"] = curveStep
            if kind == .train {
                // The whole training config is checked now, before any run starts.
                if let bad = TrainConfig.unknownKeys(in: config).first {
                    throw fail("\(at).config.\(bad.path)", "unknown training-config key" + (bad.suggestion.map { "; did you mean \($0)?" } ?? ""))
                }
                do { isEvaluated = try TrainConfig.decode(config).objective == .segmentation } catch { throw fail("\(at).config", "\(error)") }
            }
            var from: [String] = []
            if kind == .merge {
                from = try strings(a["from"], "\(at).from")
                guard from.count >= 2, Set(from).count == from.count else {
                    throw fail("\(at).from", "must list at least two different earlier arms, got \(from)")
                }
            } else if a["from"] != nil {
                throw fail("\(at).from", "only a merge arm (\"kind\": \"merge\") combines other arms")
            }
            let sourceSeeds = from.compactMap { name in arms.first { $0.name == name && $0.kind.hasSeeds }?.seeds }.first
            let armSeeds = !kind.hasSeeds ? [0] : try seeds(a["seeds"] ?? sourceSeeds ?? planSeeds, "\(at).seeds")
            for name in from {
                guard let source = arms.first(where: { $0.name == name }), source.isEvaluated else {
                    throw fail("\(at).from", "\(name) is not an earlier arm with predictions (arms so far: \(arms.filter(\.isEvaluated).map(\.name).joined(separator: ", ")))")
                }
                if source.kind.hasSeeds, !Set(armSeeds).isSubset(of: source.seeds) {
                    throw fail("\(at).from", "\(name) runs seeds \(source.seeds.map(String.init).joined(separator: ", ")); this arm needs \(armSeeds.map(String.init).joined(separator: ", "))")
                }
            }
            let armTrain = try a["train"].map { try path($0, "\(at).train") } ?? train
            let arguments = try a["arguments"].map { try strings($0, "\(at).arguments") } ?? (kind == .train ? predict : [])
            let initFrom = a["initFrom"] as? String
            if let initFrom {
                guard kind == .train, let source = arms.first(where: { $0.name == initFrom }), source.kind == .train,
                      Set(armSeeds).isSubset(of: source.seeds) else {
                    throw fail("\(at).initFrom", "must name an earlier train arm that has every seed of this arm, got \(initFrom)")
                }
            }
            var trainedIn: URL?
            var trainedAs: String?
            if a["trainedAs"] != nil, a["trainedIn"] == nil {
                throw fail("\(at).trainedAs", "names the runs under trainedIn, which this arm does not give")
            }
            if let value = a["trainedIn"] {
                guard kind == .train, initFrom == nil, let s = value as? String, !s.isEmpty else {
                    throw fail("\(at).trainedIn", "must be an experiment folder (a train arm without initFrom), got \(value)")
                }
                let url = (s.hasPrefix("/") ? URL(fileURLWithPath: s) : folder.appendingPathComponent(s)).standardizedFileURL
                if let other = a["trainedAs"] {
                    guard let o = other as? String, !o.isEmpty, !o.contains("/") else {
                        throw fail("\(at).trainedAs", "must be the arm name of the runs under trainedIn, got \(other)")
                    }
                    trainedAs = o
                }
                for seed in armSeeds {
                    let run = ExperimentJob.folder(out: url, arm: trainedAs ?? name, seed: seed).appendingPathComponent("run")
                    guard FileManager.default.fileExists(atPath: run.appendingPathComponent("latest.json").path) else {
                        throw fail("\(at).trainedIn", "\(run.path) holds no training run (latest.json) for seed \(seed)")
                    }
                }
                trainedIn = url
            }
            arms.append(Arm(name: name, kind: kind, config: config, train: armTrain, seeds: armSeeds, arguments: arguments,
                            initFrom: initFrom, from: from, trainedIn: trainedIn, trainedAs: trainedAs, steps: armSteps, curveStep: curveStep,
                            isEvaluated: isEvaluated))
        }
        var compare: [(String, String)] = []
        for (i, pair) in ((o["compare"] as? [Any]) ?? []).enumerated() {
            guard let p = pair as? [String], p.count == 2, p[0] != p[1],
                  arms.contains(where: { $0.name == p[0] }), arms.contains(where: { $0.name == p[1] }) else {
                throw fail("compare[\(i)]", "must be a pair of two different arm names, got \(pair)")
            }
            compare.append((p[0], p[1]))
        }
        let split = o["split"] as? String ?? "base-novel"
        guard ["base-novel", "head-common-tail"].contains(split) else { throw fail("split", "must be base-novel or head-common-tail") }
        let launcher = try strings(o["launcher"], "launcher")
        let goals = try Goal.parse(o["goals"], arms: arms.filter(\.isEvaluated).map(\.name), split: split, fail: fail)
        return ExperimentPlan(train: train, test: test, steps: steps, curvePoints: curvePoints, arms: arms, compare: compare,
                              goals: goals, split: split, resamples: try int("resamples", default: 1000, min: 10),
                              bootstrapSeed: UInt64(try int("bootstrapSeed", default: 0, min: 0)), launcher: launcher)
    }
}

/// Why an experiment stopped.
enum ExperimentError: Error, CustomStringConvertible {
    case invalidPlan(file: String, field: String, reason: String)
    case jobFailed(job: String, command: String, status: Int32, log: String)
    case cannotLaunch(command: String, reason: String)
    case noResults(folder: String)
    case invalidSelection(option: String, text: String, reason: String)
    case initSourceNotDone(job: String, source: String, folder: String)
    case mergeSourceNotDone(job: String, source: String, folder: String)
    case trainedRunIncomplete(job: String, checkpoint: String)

    var description: String {
        switch self {
        case let .invalidPlan(file, field, reason): return "experiment: plan \(file): \(field): \(reason)"
        case let .jobFailed(job, command, status, log):
            return "experiment: \(job) failed with exit status \(status); its output is in \(log); the command was:\n  \(command)"
        case let .cannotLaunch(command, reason): return "experiment: cannot start \(command): \(reason)"
        case let .noResults(folder): return "experiment: no finished run under \(folder) (run `ovseg3r experiment run` first)"
        case let .invalidSelection(option, text, reason): return "experiment: \(option) \(text): \(reason)"
        case let .initSourceNotDone(job, source, folder):
            return "experiment: \(job) starts its encoder from \(source), which is not done (no done.json in \(folder)); run that job first"
        case let .mergeSourceNotDone(job, source, folder):
            return "experiment: \(job) merges the predictions of \(source), which is not done (no done.json in \(folder)); run that job first"
        case let .trainedRunIncomplete(job, checkpoint):
            return "experiment: \(job) evaluates a run trained elsewhere (trainedIn), but \(checkpoint) is missing; finish that run "
                + "or give this arm the same steps and curvePoints as the plan that trained it"
        }
    }
}
