import ArgumentParser
import Foundation

/// `ovseg3r experiment`: the learning benchmark — held-out rooms, arms × seeds, intervals, curves.
struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "The learning benchmark: build its rooms, run a plan of arms × seeds, and tabulate AP with confidence intervals.",
        discussion: """
        ovseg3r experiment rooms --out bench-data          # 48 training + 24 held-out SceneSynth rooms, prepared like the demo's
        ovseg3r experiment run PLAN.json --out bench-runs  # train, predict and evaluate every (arm, seed); resumable
        ovseg3r experiment table PLAN.json --out bench-runs  # the table again from finished runs (run ends with it too)
        ovseg3r experiment jobs PLAN.json --out bench-runs   # every (arm, seed) and how far it got (--json for scripts)
        python3 tools/ray_experiment.py PLAN.json --out bench-runs   # the same jobs as tasks on a Ray cluster

        See tools/benchmark/plan.json for the plan of RESULTS.md and `ovseg3r experiment run --help` for its format.
        """,
        subcommands: [RoomsCommand.self, RunCommand.self, TableCommand.self, JobsCommand.self])
}

extension ExperimentCommand {
    struct RunCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Train, predict and evaluate every (arm, seed) of a plan, then write the table.",
            discussion: """
            PLAN.json keys: train, test (scene folders; relative to the plan's folder), steps, curvePoints (checkpoints \
            evaluated for the AP-versus-step curves, default 5), seeds, config (training-config keys shared by every arm), \
            predict (extra `ovseg3r predict` arguments), arms (each: name, kind train|fuse|merge, config, train, seeds, arguments, initFrom (an earlier arm whose run starts \
            this arm's encoder), from (a merge arm: the earlier arms whose predictions `ovseg3r merge` combines per seed; \
            its arguments give --policy and --iou), trainedIn (an experiment folder whose <arm>/seed-<s>/run this arm evaluates instead of \
            training, e.g. the same models on other held-out rooms), trainedAs (the arm name of those runs, default this \
            arm's: the same models with other prediction arguments), steps (this arm's training steps, default the plan's: \
            e.g. encoders of different step cost at equal compute; an arm whose config has "objective": "distill2D" is \
            pretraining: trained for the arms that start from it, not evaluated)), \
            compare (pairs of arm names whose paired difference is reported), goals (each \
            {"arm", "above", "metric"}, e.g. {"arm": "full", "above": "training-free", "metric": "novel.ap"}: the table says \
            whether the paired interval shows the arm above the other, with no difference, or below), split (base-novel | head-common-tail), \
            resamples (bootstrap, default 1000), bootstrapSeed, launcher (prefix of every train command, e.g. \
            ["mpirun", "-np", "2"]). Unknown keys, unknown training-config keys, missing scene folders and empty seed lists \
            are refused before anything runs.

            OUT/<arm>/seed-<s>/ holds config.json, run/ (checkpoints, log.jsonl), curve/eval-<step>.json, \
            curve/matches-<step>.json (the matched held-out scenes of the checkpoint that starts the last fifth of \
            training: the table's "Δ last fifth" is its paired interval to the end and says whether the arm converged), \
            pred/ (the final predictions in the ScanNet benchmark format), curve/matches-final.json and \
            matches-final-agnostic.json (their matched scenes: the table reads these, so a finished job's pred/ may be \
            deleted once no merge arm still has to read it), train.log / predict.log and done.json. A finished \
            (arm, seed) is skipped (one finished before the last fifth's matches were kept only scores that checkpoint); \
            an interrupted one resumes from its latest checkpoint. OUT/results.md, results.json and curve-*.svg are the \
            table and the pictures.

            Progress: one bar over the training steps of every job this run starts (read from each job's log.jsonl), \
            with steps/s, finished jobs and the time left; redrawn on a terminal, otherwise a line per tenth of the steps. \
            Evaluation and training-free lifting are not counted in it.
            """)

        @Argument(help: "The plan (JSON).")
        var plan: String
        @Option(name: .long, help: "Experiment folder.")
        var out: String
        @Option(name: .long, help: "(arm, seed) jobs run at the same time (each a single-threaded process).")
        var jobs = 2
        @Option(name: .long, help: "Run only these arms (comma-separated names); the table still shows every finished arm.")
        var arms: String?
        @Option(name: .customLong("job"), help: ArgumentHelp(
            "Run only this (arm, seed), as ARM:SEED (a training-free arm as ARM); repeatable.",
            discussion: "What tools/ray_experiment.py gives each Ray task; `experiment jobs` lists the names."))
        var selectedJobs: [String] = []
        @Flag(name: .long, help: "Do not write the table at the end (a Ray task leaves it to the driver).")
        var noTable = false

        func run() throws {
            let plan = try ExperimentPlan.load(URL(fileURLWithPath: plan))
            let out = URL(fileURLWithPath: out).standardizedFileURL
            let selection = try JobSelection(arms: arms, jobs: selectedJobs, plan: plan)
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            let runner = ExperimentRunner(plan: plan, out: out, parallelJobs: jobs)
            let start = Date()
            let ran = try runner.run(selection)
            if noTable {
                print(String(format: "ran %d jobs in %.0f s", ran, Date().timeIntervalSince(start)))
                return
            }
            let table = try ExperimentTable.build(plan: plan, out: out, progress: runner.say)
            let files = try table.write(to: out)
            print(table.markdown)
            print(String(format: "ran %d jobs in %.0f s; wrote %@", ran, Date().timeIntervalSince(start), files.map(\.path).joined(separator: ", ")))
        }
    }

    struct TableCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "table",
            abstract: "Write the table (results.md, results.json, curve-*.svg) of the finished runs of a plan.",
            discussion: """
            An arm or seed without a finished run under --out (for an arm with trainedIn: not yet evaluated here) \
            is listed under "Not in the table yet" with the `experiment run --job` that finishes it, and so is \
            a comparison that cannot be shown.
            """)

        @Argument(help: "The plan (JSON).")
        var plan: String
        @Option(name: .long, help: "Experiment folder.")
        var out: String

        func run() throws {
            let plan = try ExperimentPlan.load(URL(fileURLWithPath: plan))
            let out = URL(fileURLWithPath: out).standardizedFileURL
            let table = try ExperimentTable.build(plan: plan, out: out) { FileHandle.standardError.write(Data("experiment: \($0)\n".utf8)) }
            let files = try table.write(to: out)
            print(table.markdown)
            print("wrote " + files.map(\.path).joined(separator: ", "))
        }
    }
}
