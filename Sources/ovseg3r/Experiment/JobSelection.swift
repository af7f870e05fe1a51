import Foundation

/// One (arm, seed) named on the command line as `ARM:SEED` (a fuse arm, which runs once, also as `ARM`).
struct JobKey: Hashable, CustomStringConvertible {
    var arm: String
    var seed: UInt64?

    var description: String { seed.map { "\(arm):\($0)" } ?? arm }

    /// Parses `ARM:SEED` or `ARM`; throws naming the option and the text.
    static func parse(_ text: String, option: String) throws -> JobKey {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let colon = trimmed.lastIndex(of: ":") else {
            guard !trimmed.isEmpty else { throw ExperimentError.invalidSelection(option: option, text: text, reason: "empty job name") }
            return JobKey(arm: trimmed, seed: nil)
        }
        let arm = String(trimmed[..<colon]), seedText = String(trimmed[trimmed.index(after: colon)...])
        guard !arm.isEmpty, let seed = UInt64(seedText) else {
            throw ExperimentError.invalidSelection(option: option, text: text, reason: "expected ARM:SEED with SEED an integer ≥ 0")
        }
        return JobKey(arm: arm, seed: seed)
    }
}

/// Which jobs of a plan a command works on: every job, the jobs of some arms (`--arms`), or some (arm, seed) pairs
/// (`--job`, what `tools/ray_experiment.py` gives each task). Names that the plan lacks are refused before anything runs.
struct JobSelection {
    var arms: Set<String>? = nil
    var jobs: Set<JobKey>? = nil

    static let all = JobSelection()

    init(arms: Set<String>? = nil, jobs: Set<JobKey>? = nil) {
        self.arms = arms
        self.jobs = jobs
    }

    /// From the `--arms a,b` and `--job ARM:SEED` options, checked against the plan.
    init(arms armList: String?, jobs jobList: [String], plan: ExperimentPlan) throws {
        let names = plan.arms.map(\.name)
        if let armList {
            let set = Set(armList.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            if let bad = set.sorted().first(where: { !names.contains($0) }) {
                throw ExperimentError.invalidSelection(option: "--arms", text: bad,
                                                       reason: "no arm of that name in the plan (arms: \(names.joined(separator: ", ")))")
            }
            arms = set
        }
        if !jobList.isEmpty {
            var set: Set<JobKey> = []
            for text in jobList {
                let key = try JobKey.parse(text, option: "--job")
                guard let arm = plan.arms.first(where: { $0.name == key.arm }) else {
                    throw ExperimentError.invalidSelection(option: "--job", text: text,
                                                           reason: "no arm named \(key.arm) in the plan (arms: \(names.joined(separator: ", ")))")
                }
                if let seed = key.seed, arm.kind.hasSeeds, !arm.seeds.contains(seed) {
                    throw ExperimentError.invalidSelection(option: "--job", text: text,
                                                           reason: "arm \(arm.name) runs seeds \(arm.seeds.map(String.init).joined(separator: ", "))")
                }
                set.insert(arm.kind.hasSeeds ? key : JobKey(arm: arm.name, seed: nil))
            }
            jobs = set
        }
    }

    func contains(_ job: ExperimentJob) -> Bool {
        if let arms, !arms.contains(job.armName) { return false }
        if let jobs {
            let key = job.kind.hasSeeds ? JobKey(arm: job.armName, seed: job.seed) : JobKey(arm: job.armName, seed: nil)
            if !jobs.contains(key) { return false }
        }
        return true
    }
}

/// How far a job has got, from the files in its folder.
enum JobStatus: String, Codable {
    /// `done.json` is written: trained, predicted and evaluated.
    case done
    /// Started (a checkpoint or a curve point exists) and not finished: the next run resumes it.
    case started
    case pending
    /// Done, but finished before runs kept the matched scenes of their last-fifth checkpoint: the next run scores
    /// that checkpoint (its outputs are all there, so the jobs that wait for it may start).
    case rescore

    init(_ job: ExperimentJob, lacksLastFifth: Bool = false) {
        let fm = FileManager.default
        if job.isDone { self = lacksLastFifth ? .rescore : .done; return }
        let started = fm.fileExists(atPath: job.run.appendingPathComponent("latest.json").path)
            || ((try? fm.contentsOfDirectory(atPath: job.curves.path))?.isEmpty == false)
        self = started ? .started : .pending
    }
}

/// One row of `ovseg3r experiment jobs --json`.
struct JobListing: Codable {
    var job: String
    var arm: String
    var seed: UInt64
    var kind: String
    var status: JobStatus
    /// The jobs that must be done first (the `initFrom` run, or the arms a merge combines), as `ARM:SEED` or `ARM`.
    var after: [String]
    var folder: String

    /// Every key always present (`after` empty when the job waits for nothing), for scripts.
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(job, forKey: .job)
        try c.encode(arm, forKey: .arm)
        try c.encode(seed, forKey: .seed)
        try c.encode(kind, forKey: .kind)
        try c.encode(status, forKey: .status)
        try c.encode(after, forKey: .after)
        try c.encode(folder, forKey: .folder)
    }
}
