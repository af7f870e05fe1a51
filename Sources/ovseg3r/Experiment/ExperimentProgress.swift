import Foundation
import Support

/// Progress of an experiment run over all the training steps it has to do, read from the running jobs' training
/// logs (`run/log.jsonl`, whose last line holds the step reached): a redrawn bar when stderr is a terminal, else a
/// whole line each time another tenth of the steps is done, e.g.
/// `experiment   [#####...................] 9600/48000 steps  8.6 steps/s  jobs 1/4  ETA 1:14:25`.
/// Evaluation and training-free lifting take minutes and are not counted.
final class ExperimentProgress: @unchecked Sendable {
    /// A training job of this run: its run folder, the steps it must reach and the step its log shows.
    private struct Training {
        var log: URL
        var steps: Int
        var reached: Int
    }

    private let lock = NSLock()
    private var trainings: [String: Training] = [:]
    private let jobCount: Int
    private var finishedJobs = 0
    private let interactive: Bool
    private let write: @Sendable (String) -> Void
    private let clock: @Sendable () -> Double
    private let start: Double
    private var reachedAtStart = 0
    private var lastTenth = 0
    private var drawn = false

    /// `jobs`: the jobs this run executes; the training ones are counted by their steps (a resumed run from the
    /// step its log reached). `interactive` nil = whether stderr is a terminal.
    init(jobs: [ExperimentJob], plan: ExperimentPlan, interactive: Bool? = nil,
         write: @escaping @Sendable (String) -> Void = ProgressBar.writeToStandardError,
         clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }) {
        jobCount = jobs.count
        self.interactive = interactive ?? (isatty(STDERR_FILENO) != 0)
        self.write = write
        self.clock = clock
        start = clock()
        for job in jobs where job.kind == .train && job.trainedRun == nil {
            guard let arm = plan.arms.first(where: { $0.name == job.armName }) else { continue }
            let log = job.run.appendingPathComponent("log.jsonl")
            let reached = min(arm.steps, Self.lastStep(in: log) ?? 0)
            trainings[job.folder.path] = Training(log: log, steps: arm.steps, reached: reached)
        }
        reachedAtStart = trainings.values.reduce(0) { $0 + $1.reached }
        lastTenth = tenth(reachedAtStart)
    }

    /// Seconds between reads of the logs: a redrawn bar moves every few seconds, a log gets a line per tenth.
    var pollInterval: Double { interactive ? 2 : 20 }

    private var totalSteps: Int { trainings.values.reduce(0) { $0 + $1.steps } }

    private func tenth(_ reached: Int) -> Int { totalSteps > 0 ? 10 * reached / totalSteps : 10 }

    /// A message between progress lines (a redrawn bar is cleared first and drawn again at the next poll).
    func say(_ text: String) {
        lock.withLock {
            if interactive && drawn { write("\r\u{1B}[K"); drawn = false }
            write("experiment: \(text)\n")
        }
    }

    /// A job ended (done or failed): its steps count as reached.
    func finished(_ job: ExperimentJob) {
        lock.withLock {
            finishedJobs += 1
            if var t = trainings[job.folder.path] { t.reached = t.steps; trainings[job.folder.path] = t }
        }
        poll()
    }

    /// Reads the running jobs' logs and reports.
    func poll() {
        lock.withLock {
            for (key, t) in trainings where t.reached < t.steps {
                if let step = Self.lastStep(in: t.log) { trainings[key]?.reached = min(t.steps, max(t.reached, step)) }
            }
            let total = totalSteps
            guard total > 0 else { return }
            let reached = trainings.values.reduce(0) { $0 + $1.reached }
            let line = ProgressLine(label: "experiment", done: reached, total: total, unit: "steps",
                                    doneSinceStart: reached - reachedAtStart, elapsed: clock() - start,
                                    fields: [ProgressField("jobs", text: "\(finishedJobs)/\(jobCount)")]).text
            if interactive {
                write("\r" + line + "\u{1B}[K")
                drawn = true
            } else if tenth(reached) > lastTenth {
                lastTenth = tenth(reached)
                write(line + "\n")
            }
        }
    }

    /// Ends a redrawn bar with a newline.
    func close() {
        lock.withLock {
            if interactive && drawn { write("\n"); drawn = false }
        }
    }

    /// The `step` of the last complete line of a training log (only its tail is read), nil without one.
    static func lastStep(in log: URL) -> Int? {
        guard let handle = try? FileHandle(forReadingFrom: log) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return nil }
        let tail: UInt64 = 16_384
        try? handle.seek(toOffset: size > tail ? size - tail : 0)
        guard let data = try? handle.readToEnd(), let text = String(data: data, encoding: .utf8) else { return nil }
        // The last line may still be being written; the one before it is complete.
        for line in text.split(separator: "\n").reversed() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let step = object["step"] as? Int else { continue }
            return step
        }
        return nil
    }
}
