import Eval
import Foundation
import SceneIO
import Support
import Train

/// One (arm, seed) of a plan and the folder it works in: `OUT/<arm>/seed-<seed>/` with `config.json`, `run/`
/// (the training run), `curve/eval-<step>.json` (held-out metrics of each kept checkpoint),
/// `curve/matches-<step>.json` (the matched scenes of the checkpoint that starts the last fifth, `SceneMatchesFile`),
/// `pred/` (the final predictions, ScanNet benchmark format), `curve/matches-final.json` and
/// `matches-final-agnostic.json` (their matched scenes, which the table reads, so that `pred/` may be deleted),
/// `*.log` (the child commands' output) and `done.json` (the marker).
struct ExperimentJob: Sendable {
    let armName: String
    let kind: ExperimentPlan.ArmKind
    let seed: UInt64
    let folder: URL
    /// The training run when another experiment trained it (the arm's `trainedIn`), else nil: `folder/run`.
    var trainedRun: URL? = nil

    init(armName: String, kind: ExperimentPlan.ArmKind, seed: UInt64, folder: URL, trainedRun: URL? = nil) {
        self.armName = armName
        self.kind = kind
        self.seed = seed
        self.folder = folder
        self.trainedRun = trainedRun
    }

    /// The job of `arm` and `seed` in the experiment folder `out`.
    init(out: URL, arm: ExperimentPlan.Arm, seed: UInt64) {
        self.init(armName: arm.name, kind: arm.kind, seed: seed, folder: Self.folder(out: out, arm: arm.name, seed: seed),
                  trainedRun: arm.trainedIn.map { Self.folder(out: $0, arm: arm.trainedAs ?? arm.name, seed: seed).appendingPathComponent("run") })
    }

    var name: String { kind.hasSeeds ? "\(armName) seed \(seed)" : armName }
    /// The job as `--job` and `experiment jobs` name it: `ARM:SEED`, or `ARM` for an arm that runs once.
    var key: String { kind.hasSeeds ? "\(armName):\(seed)" : armName }
    var run: URL { trainedRun ?? folder.appendingPathComponent("run") }
    var predictions: URL { folder.appendingPathComponent("pred") }
    var curves: URL { folder.appendingPathComponent("curve") }
    var done: URL { folder.appendingPathComponent("done.json") }
    var isDone: Bool { FileManager.default.fileExists(atPath: done.path) }
    /// The matched held-out scenes of the checkpoint at `step` (kept for the last fifth's paired interval).
    func matches(step: Int) -> URL { curves.appendingPathComponent("matches-\(step).json") }
    /// The final predictions' matched scenes, class-aware and class-agnostic, written with `pred/`.
    var finalMatches: (aware: URL, agnostic: URL) {
        (curves.appendingPathComponent("matches-final.json"), curves.appendingPathComponent("matches-final-agnostic.json"))
    }

    static func folder(out: URL, arm: String, seed: UInt64) -> URL {
        out.appendingPathComponent(arm).appendingPathComponent("seed-\(seed)")
    }
}

/// What a finished job records in `done.json`.
struct JobRecord: Codable {
    var arm: String
    var seed: UInt64
    var trainSeconds: Double
    var predictSeconds: Double
}

/// Runs every unfinished job of a plan, `jobs` at a time, each as child `ovseg3r` processes; a killed experiment
/// resumes where it stopped (training resumes from its latest checkpoint, evaluated checkpoints are not redone).
final class ExperimentRunner: @unchecked Sendable {
    let plan: ExperimentPlan
    let out: URL
    let binary: URL
    let parallelJobs: Int
    private let lock = NSLock()
    private var pending: [ExperimentJob] = []
    private var failures: [Error] = []
    private var failedJobs: Set<String> = []
    /// Folders of the jobs being run now.
    private var runningJobs: Set<String> = []
    private var finished = 0
    /// The progress of the run in progress (nil outside `run`).
    private var progress: ExperimentProgress?

    init(plan: ExperimentPlan, out: URL, parallelJobs: Int) {
        self.plan = plan
        self.out = out
        self.parallelJobs = max(1, parallelJobs)
        binary = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
    }

    /// Every job, seed-major (all arms' first seeds first, so a partial experiment covers every arm).
    var allJobs: [ExperimentJob] {
        let maxSeeds = plan.arms.map(\.seeds.count).max() ?? 0
        return (0..<maxSeeds).flatMap { i in
            plan.arms.compactMap { arm in
                i < arm.seeds.count ? ExperimentJob(out: out, arm: arm, seed: arm.seeds[i]) : nil
            }
        }
    }

    /// Runs the unfinished jobs of `selection`; returns how many ran. A failed job does not stop the others; the
    /// first failure is thrown at the end.
    func run(_ selection: JobSelection = .all) throws -> Int {
        let jobs = allJobs.filter(selection.contains)
        pending = jobs.filter { !$0.isDone || lacksLastFifth($0) }
        let total = pending.count
        let completing = pending.filter(\.isDone).count
        say("\(jobs.count) jobs, \(jobs.count - total) finished already, \(total) to run"
            + (completing > 0 ? " (\(completing) finished but without the last fifth's matched scenes: their checkpoint is scored again)" : "")
            + ", \(parallelJobs) at a time")
        let progress = ExperimentProgress(jobs: pending, plan: plan)
        lock.withLock { self.progress = progress }
        // The training logs are read every few seconds while the jobs run.
        let monitor = Thread {
            while !Thread.current.isCancelled {
                Thread.sleep(forTimeInterval: progress.pollInterval)
                if !Thread.current.isCancelled { progress.poll() }
            }
        }
        monitor.start()
        Workers.run(count: min(parallelJobs, max(total, 1))) { [self] _ in
            while let job = next() {
                defer { lock.withLock { _ = runningJobs.remove(job.folder.path) } }
                do {
                    try execute(job)
                    let n = lock.withLock { finished += 1; return finished }
                    say("[\(n)/\(total)] \(job.name): done")
                } catch {
                    say("\(job.name): FAILED: \(error)")
                    lock.withLock { failures.append(error); failedJobs.insert(job.folder.path) }
                }
                progress.finished(job)
            }
        }
        monitor.cancel()
        lock.withLock { self.progress = nil }
        if let first = failures.first {
            if failures.count > 1 { say("\(failures.count) jobs failed; the first:") }
            throw first
        }
        return total
    }

    /// The next job whose `initFrom` source is done (or failed, or neither pending nor running in this run: the job
    /// then fails naming the missing run); waits while only jobs whose source is pending or running remain.
    private func next() -> ExperimentJob? {
        while true {
            let (job, waiting) = lock.withLock { () -> (ExperimentJob?, Bool) in
                if pending.isEmpty { return (nil, false) }
                if let i = pending.firstIndex(where: { job in
                    dependencies(job).allSatisfy { source in
                        source.isDone || failedJobs.contains(source.folder.path)
                            || (!pending.contains { $0.folder == source.folder } && !runningJobs.contains(source.folder.path))
                    }
                }) {
                    let job = pending.remove(at: i)
                    runningJobs.insert(job.folder.path)
                    return (job, false)
                }
                return (nil, true)
            }
            if !waiting { return job }
            Thread.sleep(forTimeInterval: 2)
        }
    }

    /// A finished train job without the matched scenes of its last-fifth checkpoint (a run finished before they were
    /// kept): running it again scores that checkpoint only.
    func lacksLastFifth(_ job: ExperimentJob) -> Bool {
        guard let step = plan.arms.first(where: { $0.name == job.armName })?.lastFifthStep else { return false }
        return !FileManager.default.fileExists(atPath: job.matches(step: step).path)
    }

    /// The jobs that must be done before `job` starts: its `initFrom` source, or the jobs a merge arm combines.
    func dependencies(_ job: ExperimentJob) -> [ExperimentJob] {
        (initSource(job).map { [$0] } ?? []) + mergeSources(job)
    }

    /// The jobs whose predictions a merge job combines, in its arm's `from` order: the same seed of each train or
    /// merge arm, the one run of a fuse arm.
    func mergeSources(_ job: ExperimentJob) -> [ExperimentJob] {
        guard let arm = plan.arms.first(where: { $0.name == job.armName }) else { return [] }
        return arm.from.compactMap { name in
            plan.arms.first { $0.name == name }.map { ExperimentJob(out: out, arm: $0, seed: $0.kind.hasSeeds ? job.seed : 0) }
        }
    }

    /// The job of the same seed in the arm this job's arm initialises from, if any.
    func initSource(_ job: ExperimentJob) -> ExperimentJob? {
        guard let name = plan.arms.first(where: { $0.name == job.armName })?.initFrom,
              let source = plan.arms.first(where: { $0.name == name }) else { return nil }
        return ExperimentJob(out: out, arm: source, seed: job.seed)
    }

    func say(_ text: String) {
        if let progress = lock.withLock({ self.progress }) {
            progress.say(text)
        } else {
            FileHandle.standardError.write(Data("experiment: \(text)\n".utf8))
        }
    }

    // MARK: - One job

    func execute(_ job: ExperimentJob) throws {
        guard let arm = plan.arms.first(where: { $0.name == job.armName }) else { return }
        let fm = FileManager.default
        try fm.createDirectory(at: job.curves, withIntermediateDirectories: true)
        // A finished job run again (to score its last-fifth checkpoint) keeps its record's prediction time.
        var record = (try? JSONDecoder().decode(JobRecord.self, from: Data(contentsOf: job.done)))
            ?? JobRecord(arm: arm.name, seed: job.seed, trainSeconds: 0, predictSeconds: 0)
        switch arm.kind {
        case .train:
            if let source = initSource(job), !source.isDone {
                throw ExperimentError.initSourceNotDone(job: job.name, source: "\(source.armName):\(source.seed)", folder: source.folder.path)
            }
            let final = job.run.appendingPathComponent(String(format: "checkpoint-%06d", arm.steps))
            let config = job.folder.appendingPathComponent("config.json")
            if job.trainedRun == nil { try AtomicWrite.json(arm.config, to: config) }
            if job.trainedRun != nil {
                guard fm.fileExists(atPath: final.appendingPathComponent("state.json").path) else {
                    throw ExperimentError.trainedRunIncomplete(job: job.name, checkpoint: final.path)
                }
            } else if !fm.fileExists(atPath: final.appendingPathComponent("state.json").path) {
                let resume = fm.fileExists(atPath: job.run.appendingPathComponent("latest.json").path)
                say("\(job.name): train \(arm.steps) steps\(resume ? " (resuming)" : "")")
                record.trainSeconds = try child(job, "train", plan.launcher,
                                                ["train", "--data", arm.train.path, "--out", job.run.path, "--config", config.path,
                                                 "--seed", "\(job.seed)"] + (resume ? ["--resume"] : ["--force"])
                                                    + (initSource(job).map { ["--init", $0.run.path] } ?? []))
            }
            // Every segment of a resumed run counts: the run's log holds each step's wall time.
            record.trainSeconds = ExperimentTable.trainSeconds([job]) ?? record.trainSeconds
            // A pretraining arm has no instances to evaluate: its run is what later arms start from.
            var steps = arm.isEvaluated ? Array(stride(from: arm.curveStep, through: arm.steps, by: arm.curveStep)) : []
            if arm.isEvaluated, steps.last != arm.steps { steps.append(arm.steps) }
            for step in steps {
                let curve = job.curves.appendingPathComponent("eval-\(step).json")
                let isFinal = step == arm.steps
                let matches = step == arm.lastFifthStep ? job.matches(step: step) : nil
                if fm.fileExists(atPath: curve.path) && (!isFinal || fm.fileExists(atPath: job.predictions.path))
                    && matches.map({ fm.fileExists(atPath: $0.path) }) ?? true { continue }
                let checkpoint = job.run.appendingPathComponent(String(format: "checkpoint-%06d", step))
                if job.trainedRun != nil, !fm.fileExists(atPath: checkpoint.appendingPathComponent("state.json").path) {
                    throw ExperimentError.trainedRunIncomplete(job: job.name, checkpoint: checkpoint.path)
                }
                let target = isFinal ? job.predictions : job.folder.appendingPathComponent("pred-\(step)")
                try? fm.removeItem(at: target)
                if isFinal { job.removeFinalMatches() }
                say("\(job.name): predict and evaluate step \(step)")
                record.predictSeconds += try child(job, "predict", [], ["predict", "--checkpoint", checkpoint.path, "--scene", plan.test.path,
                                                                       "--out", target.path] + arm.arguments)
                try writeCurvePoint(step: step, predictions: target, to: curve, matches: matches, final: isFinal ? job : nil)
                if !isFinal { try? fm.removeItem(at: target) }
            }
        case .merge:
            let sources = mergeSources(job)
            if let source = sources.first(where: { !$0.isDone }) {
                throw ExperimentError.mergeSourceNotDone(job: job.name, source: source.name, folder: source.folder.path)
            }
            let curve = job.curves.appendingPathComponent("eval-\(arm.steps).json")
            try? fm.removeItem(at: job.predictions)
            job.removeFinalMatches()
            say("\(job.name): merge \(sources.map(\.name).joined(separator: " + "))")
            record.predictSeconds = try child(job, "merge", [], ["merge"] + sources.flatMap { ["--pred", $0.predictions.path] }
                                                + ["--out", job.predictions.path] + arm.arguments)
            try writeCurvePoint(step: arm.steps, predictions: job.predictions, to: curve, final: job)
        case .fuse:
            let curve = job.curves.appendingPathComponent("eval-\(plan.steps).json")
            try? fm.removeItem(at: job.predictions)
            job.removeFinalMatches()
            say("\(job.name): training-free lifting")
            record.predictSeconds = try child(job, "fuse", [], ["fuse", "--scene", plan.test.path, "--out", job.predictions.path] + arm.arguments)
            try writeCurvePoint(step: plan.steps, predictions: job.predictions, to: curve, final: job)
        }
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try e.encode(record), to: job.done)
    }

    /// Evaluates a prediction folder against the held-out rooms and stores the metrics of one curve point, its
    /// class-aware matched scenes at `matches` when given, and both matched sets as `final`'s final matches.
    func writeCurvePoint(step: Int, predictions: URL, to url: URL, matches: URL? = nil, final: ExperimentJob? = nil) throws {
        let options = try EvalCommand.options(classes: nil, splits: [plan.split], minRegion: 100)
        let matched = try FolderEvaluation.matchScenesBothWays(predictions: predictions, groundTruth: plan.test, options: options, threads: 1)
        if let matches { try SceneMatchesFile.write(matched.classAware, options: options, to: matches) }
        if let final { try final.writeFinalMatches(matched, options: options) }
        let result = try InstanceEvaluator.evaluateBothWays(matched, options: options)
        try AtomicWrite.json(["step": step, "metrics": RoomBootstrap.metrics(result).mapValues { $0.isFinite ? $0 as Any : NSNull() }] as [String: Any], to: url)
    }

    /// The children's environment: ours, plus `OVSEG3R_THREADS` = cores / parallel jobs (at least 1) unless it is
    /// set already, so `--jobs 2` on two cores runs two single-threaded processes instead of two that each split their
    /// sparse convolutions over both cores.
    var childEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        if environment[ThreadLimit.variable] == nil {
            environment[ThreadLimit.variable] = String(max(1, ProcessInfo.processInfo.activeProcessorCount / parallelJobs))
        }
        return environment
    }

    /// Runs `launcher + [ovseg3r] + arguments`, output appended to `<folder>/<log>.log`; returns the wall seconds.
    func child(_ job: ExperimentJob, _ log: String, _ launcher: [String], _ arguments: [String]) throws -> Double {
        let logURL = job.folder.appendingPathComponent(log + ".log")
        if !FileManager.default.fileExists(atPath: logURL.path) { _ = FileManager.default.createFile(atPath: logURL.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: logURL)
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        let process = Process()
        let full = launcher + [binary.path] + arguments
        if launcher.isEmpty {
            process.executableURL = binary
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = full
        }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        process.environment = childEnvironment
        handle.write(Data("$ \(full.joined(separator: " "))\n".utf8))
        let start = Date()
        do { try ChildProcess.start(process) } catch { throw ExperimentError.cannotLaunch(command: full.joined(separator: " "), reason: error.localizedDescription) }
        ChildProcess.waitUntilExit(process)
        guard process.terminationStatus == 0 else {
            throw ExperimentError.jobFailed(job: job.name, command: full.joined(separator: " "), status: process.terminationStatus, log: logURL.path)
        }
        return Date().timeIntervalSince(start)
    }
}

/// JSON written under a temporary name and renamed into place.
enum AtomicWrite {
    static func json(_ object: Any, to url: URL) throws {
        try AtomicFile.write(try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), to: url)
    }
}
