import Foundation
import Support

/// Progress of an experiment run over all the training steps it has to do, read from the running jobs' training
/// logs (`run/log.jsonl`, whose last line holds the step reached) and shown by the one `ProgressBar`: redrawn when
/// stderr is a terminal, else a whole line each time another tenth of the steps is done, e.g.
/// `experiment   [#####...................] 9600/48000 steps  8.6 steps/s  jobs 1/4  ETA 1:14:25`.
/// Evaluation and training-free lifting take minutes and are not counted.
final class ExperimentProgress: @unchecked Sendable {
    /// A training job of this run: its log, the steps it must reach and the step its log shows.
    private struct Training {
        var log: URL
        var steps: Int
        var reached: Int
    }

    private let lock = NSLock()
    private var trainings: [String: Training] = [:]
    private let jobCount: Int
    private var finishedJobs = 0
    private let bar: ProgressBar
    private let totalSteps: Int
    /// Seconds between reads of the logs: a redrawn bar moves every few seconds, a log gets a line per tenth.
    let pollInterval: Double

    /// `jobs`: the jobs this run executes; the training ones are counted by their steps (a resumed run from the
    /// step its log reached). A finished job that is only scored again trains nothing, so it has no steps here, and
    /// a run of such jobs alone shows no bar (each job's "done" line is its progress).
    init(jobs: [ExperimentJob], plan: ExperimentPlan, style: ProgressBar.Style = .automatic(logLines: 10)) {
        jobCount = jobs.count
        bar = ProgressBar("experiment", unit: "steps", style: style)
        pollInterval = style == .redraw ? 2 : 20
        for job in jobs where job.kind == .train && job.trainedRun == nil && !job.isDone {
            guard let arm = plan.arms.first(where: { $0.name == job.armName }) else { continue }
            let log = job.run.appendingPathComponent("log.jsonl")
            let reached = min(arm.steps, Self.lastStep(in: log) ?? 0)
            trainings[job.folder.path] = Training(log: log, steps: arm.steps, reached: reached)
        }
        totalSteps = trainings.values.reduce(0) { $0 + $1.steps }
        bar.begin(at: trainings.values.reduce(0) { $0 + $1.reached })
    }

    /// A message between progress lines.
    func say(_ text: String) { bar.message("experiment: \(text)") }

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
        guard totalSteps > 0 else { return }
        let (reached, finished) = lock.withLock { () -> (Int, Int) in
            for (key, t) in trainings where t.reached < t.steps {
                if let step = Self.lastStep(in: t.log) { trainings[key]?.reached = min(t.steps, max(t.reached, step)) }
            }
            return (trainings.values.reduce(0) { $0 + $1.reached }, finishedJobs)
        }
        bar.update(reached, of: totalSteps, fields: [ProgressField("jobs", text: "\(finished)/\(jobCount)")])
    }

    /// The `step` of the last complete line of a training log (only its tail is read, so a long log costs the same
    /// at every poll), nil without one.
    static func lastStep(in log: URL) -> Int? {
        guard let handle = try? FileHandle(forReadingFrom: log) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return nil }
        let tail: UInt64 = 16_384
        try? handle.seek(toOffset: size > tail ? size - tail : 0)
        guard let data = try? handle.readToEnd(), let text = String(data: data, encoding: .utf8) else { return nil }
        // The last line may still be being written; an unparseable line is skipped for the one before it.
        for line in text.split(separator: "\n").reversed() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let step = (object["step"] as? NSNumber)?.intValue else { continue }
            return step
        }
        return nil
    }
}
