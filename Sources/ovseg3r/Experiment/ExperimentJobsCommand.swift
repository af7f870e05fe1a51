import ArgumentParser
import Foundation

extension ExperimentCommand {
    /// `ovseg3r experiment jobs`: the plan's (arm, seed) jobs and how far each got; the job list of
    /// `tools/ray_experiment.py`.
    struct JobsCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "jobs",
            abstract: "List every (arm, seed) of a plan, how far it got (done, started, pending, rescore) and what it waits for.",
            discussion: """
            One line per job, seed-major as `experiment run` takes them; --json writes an array of objects (job, arm, \
            seed, kind, status, after, folder) for scripts such as tools/ray_experiment.py. `after` lists the jobs that \
            must be done first: the run this one's encoder starts from (the arm's initFrom), or the jobs a merge arm combines. `experiment run --job \
            NAME` runs one of them.
            """)

        @Argument(help: "The plan (JSON).")
        var plan: String
        @Option(name: .long, help: "Experiment folder (need not exist yet).")
        var out: String
        @Flag(name: .long, help: "Write JSON instead of text.")
        var json = false

        func run() throws {
            let plan = try ExperimentPlan.load(URL(fileURLWithPath: plan))
            let out = URL(fileURLWithPath: out).standardizedFileURL
            let runner = ExperimentRunner(plan: plan, out: out, parallelJobs: 1)
            let rows = runner.allJobs.map { job in
                JobListing(job: job.key, arm: job.armName, seed: job.seed, kind: job.kind.rawValue, status: JobStatus(job, lacksLastFifth: runner.lacksLastFifth(job)),
                           after: runner.dependencies(job).map(\.key), folder: job.folder.path)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
                return
            }
            for row in rows {
                let after = row.after.isEmpty ? "" : " after " + row.after.joined(separator: ", ")
                print(row.job.padding(toLength: 28, withPad: " ", startingAt: 0) + " " + row.status.rawValue + after)
            }
            let counts = Dictionary(grouping: rows, by: \.status).mapValues(\.count)
            print("\(rows.count) jobs: \(counts[.done] ?? 0) done, \(counts[.started] ?? 0) started, \(counts[.pending] ?? 0) pending"
                  + (counts[.rescore].map { ", \($0) to rescore (done before the last fifth's matched scenes were kept)" } ?? ""))
        }
    }
}
