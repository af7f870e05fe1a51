import Foundation
import _TestSupport
import Testing

/// `ovseg3r experiment jobs`, `experiment run --job ARM:SEED --no-table`, `OVSEG3R_THREADS`, and
/// tools/ray_experiment.py (the jobs as Ray tasks, or a local process pool) on tiny rooms.
@Suite(.serialized) struct ExperimentJobsTests {
    static let script = PrepareTestSupport.tools.appendingPathComponent("ray_experiment.py").path

    /// Two training rooms and one held-out room, and a plan with two train arms (one of them two seeds), the
    /// training-free arm and an arm whose encoder starts from another's run.
    static func roomsAndPlan(_ cli: CLIRunner, _ scratch: TemporaryDirectory) throws -> (plan: URL, out: URL) {
        let data = scratch.file("bench-data")
        _ = try cli.succeed(["experiment", "rooms", "--out", data.path, "--train", "2", "--test", "1", "--frames", "8",
                         "--preset", "tiny", "--point-spacing", "0.02", "--seed", "3"])
        let plan: [String: Any] = [
            "train": data.appendingPathComponent("scenes/train").path, "test": data.appendingPathComponent("scenes/test").path,
            "steps": 2, "curvePoints": 2, "seeds": [1], "config": ["model": ["width": 32, "heads": 2, "decoderLayers": 1]],
            "arms": [["name": "full"], ["name": "no-vip", "seeds": [1, 2], "config": ["supervision": ["vip": false]]],
                     ["name": "training-free", "kind": "fuse"], ["name": "warm", "initFrom": "full"]],
            "compare": [["full", "no-vip"]], "resamples": 10,
        ]
        let url = scratch.file("plan.json")
        try JSONSerialization.data(withJSONObject: plan, options: [.prettyPrinted]).write(to: url)
        return (url, scratch.file("runs"))
    }

    static func listing(_ cli: CLIRunner, plan: URL, out: URL) throws -> [String: [String: Any]] {
        let text = try cli.succeed(["experiment", "jobs", plan.path, "--out", out.path, "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        var byName: [String: [String: Any]] = [:]
        for row in rows { byName[row["job"] as? String ?? ""] = row }
        return byName
    }

    @Test func jobsListOneJobRunsAndBadNamesAreRefused() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let (plan, out) = try Self.roomsAndPlan(cli, scratch)

        var jobs = try Self.listing(cli, plan: plan, out: out)
        #expect(Set(jobs.keys) == ["full:1", "no-vip:1", "no-vip:2", "training-free", "warm:1"])
        #expect(jobs.values.allSatisfy { $0["status"] as? String == "pending" })
        #expect(jobs["warm:1"]?["after"] as? [String] == ["full:1"] && (jobs["full:1"]?["after"] as? [String])?.isEmpty == true)

        // A job whose encoder source is not done fails at once, naming the source; nothing is trained.
        let early = try cli.run(["experiment", "run", plan.path, "--out", out.path, "--job", "warm:1", "--no-table"])
        #expect(early.status != 0 && early.stderr.contains("full:1") && early.stderr.contains("not done"), "\(early.stderr.suffix(800))")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("warm/seed-1/run").path))

        // One (arm, seed) runs alone; the table is left out.
        let one = try cli.run(["experiment", "run", plan.path, "--out", out.path, "--job", "no-vip:2", "--no-table"])
        try #require(one.status == 0, "\(one.stderr.suffix(2000))")
        #expect(one.stderr.contains("1 jobs, 0 finished already, 1 to run"))
        // Progress over the run's training steps (stderr is not a terminal here: whole lines, the last at the end).
        #expect(one.stderr.contains("experiment   [") && one.stderr.contains("2/2 steps") && one.stderr.contains("jobs 1/1"),
                "\(one.stderr.suffix(2000))")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("results.md").path))
        jobs = try Self.listing(cli, plan: plan, out: out)
        #expect(jobs["no-vip:2"]?["status"] as? String == "done" && jobs["no-vip:1"]?["status"] as? String == "pending")
        let text = try cli.succeed(["experiment", "jobs", plan.path, "--out", out.path])
        #expect(text.contains("5 jobs: 1 done, 0 started, 4 pending") && text.contains("after full:1"), "\(text)")
        // A job finished before runs kept their last-fifth matched scenes is listed as "rescore"; running it scores that
        // checkpoint (step 1 of 2) and nothing else.
        let matches = out.appendingPathComponent("no-vip/seed-2/curve/matches-1.json")
        try FileManager.default.removeItem(at: matches)
        #expect(try Self.listing(cli, plan: plan, out: out)["no-vip:2"]?["status"] as? String == "rescore")
        #expect(try cli.succeed(["experiment", "jobs", plan.path, "--out", out.path]).contains("5 jobs: 0 done, 0 started, 4 pending, 1 to rescore"))
        let rescored = try cli.run(["experiment", "run", plan.path, "--out", out.path, "--job", "no-vip:2", "--no-table"])
        #expect(rescored.status == 0 && rescored.stderr.contains("predict and evaluate step 1") && !rescored.stderr.contains("train 2 steps"),
                "\(rescored.stderr.suffix(2000))")
        // Nothing is trained, so no bar of training steps (it used to show the finished steps at "0.0 steps/s, ETA ?").
        #expect(!rescored.stderr.contains("experiment   ["), "\(rescored.stderr.suffix(2000))")
        #expect(FileManager.default.fileExists(atPath: matches.path))
        #expect(try Self.listing(cli, plan: plan, out: out)["no-vip:2"]?["status"] as? String == "done")

        // The table of what is finished says which seeds and arms it leaves out, and which comparison it cannot show.
        let table = try cli.run(["experiment", "table", plan.path, "--out", out.path])
        try #require(table.status == 0, "\(table.stderr.suffix(2000))")
        #expect(table.stdout.contains("| no-vip | 1 |"), "\(table.stdout)")
        for line in ["- no-vip seed 1: not finished (`experiment run --job no-vip:1`)", "- full seed 1: not finished",
                     "- training-free: not finished (`experiment run --job training-free`)",
                     "Not shown, because an arm has no finished run: full − no-vip."] {
            #expect(table.stdout.contains(line), "missing \(line) in \(table.stdout)")
        }
        #expect(table.stderr.contains("not in the table: warm seed 1"), "\(table.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        let left = try #require(summary["missing"] as? [[String: Any]])
        #expect(left.compactMap { $0["arm"] as? String } == ["full", "no-vip", "training-free", "warm"])

        for (bad, named) in [("nobody:1", "nobody"), ("no-vip:7", "no-vip:7"), ("full:x", "full:x")] {
            let refused = try cli.run(["experiment", "run", plan.path, "--out", out.path, "--job", bad])
            #expect(refused.status != 0 && refused.stderr.contains("--job") && refused.stderr.contains(named), "\(bad): \(refused.stderr)")
        }
        let badThreads = try cli.run(["experiment", "jobs", plan.path, "--out", out.path], environment: ["OVSEG3R_THREADS": "0"])
        #expect(badThreads.status != 0 && badThreads.stderr.contains("OVSEG3R_THREADS=0"), "\(badThreads.stderr)")
    }

    /// The driver runs what is not done (the dependent arm after its source), skips what is, writes the table and
    /// the manifest; a failing job is retried and reported with a non-zero exit.
    @Test func rayExperimentRunsTheRemainingJobsLocallyAndOnRay() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let (plan, out) = try Self.roomsAndPlan(cli, scratch)
        _ = try cli.succeed(["experiment", "run", plan.path, "--out", out.path, "--job", "no-vip:2", "--no-table"])

        let local = try PrepareTestSupport.python([Self.script, plan.path, "--out", out.path, "--local", "--workers", "2",
                                                   "--ovseg3r", cli.executable.path])
        try #require(local.status == 0, "\(local.stderr.suffix(3000))")
        #expect(local.stdout.contains("| full |") && local.stdout.contains("| warm |") && local.stdout.contains("| training-free |"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("ray-manifest.json"))) as? [String: Any])
        #expect((manifest["totals"] as? [String: Int]) == ["jobs": 5, "succeeded": 4, "skipped": 1, "failed": 0])
        #expect(manifest["table"] as? String == "written")
        let rows = try #require(manifest["jobs"] as? [[String: Any]])
        #expect(rows.first { $0["job"] as? String == "no-vip:2" }?["status"] as? String == "skipped")
        let warmLog = try String(contentsOf: out.appendingPathComponent("warm/seed-1/train.log"), encoding: .utf8)
        #expect(warmLog.contains("--init") && warmLog.contains("full/seed-1/run"))
        for file in ["results.md", "results.json", "warm/seed-1/done.json", "training-free/seed-0/done.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "missing \(file)")
        }

        // A broken job: its checkpoint is not a checkpoint; the retry fails again and the driver says so.
        let job = out.appendingPathComponent("full/seed-1")
        for name in ["done.json", "pred", "curve"] { try FileManager.default.removeItem(at: job.appendingPathComponent(name)) }
        try Data("garbage".utf8).write(to: job.appendingPathComponent("run/checkpoint-000002/state.json"))
        let broken = try PrepareTestSupport.python([Self.script, plan.path, "--out", out.path, "--local", "--workers", "1",
                                                    "--retries", "1", "--arms", "full", "--ovseg3r", cli.executable.path])
        #expect(broken.status == 1, "\(broken.stderr.suffix(2000))")
        #expect(broken.stderr.contains("retry   full:1") && broken.stderr.contains("0 succeeded, 0 skipped, 1 failed of 1 jobs"), "\(broken.stderr.suffix(2000))")

        guard PrepareTestSupport.canImport("ray") else {
            print("ExperimentJobsTests: python3 cannot import ray; the Ray run is skipped (the --local run was checked)")
            return
        }
        try FileManager.default.removeItem(at: job)
        let ray = try PrepareTestSupport.python([Self.script, plan.path, "--out", out.path, "--workers", "1", "--arms", "full",
                                                 "--ovseg3r", cli.executable.path])
        #expect(ray.status == 0, "\(ray.stderr.suffix(3000))")
        let again = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("ray-manifest.json"))) as? [String: Any])
        #expect(again["runner"] as? String == "ray" && (again["totals"] as? [String: Int])?["succeeded"] == 1)
    }
}
