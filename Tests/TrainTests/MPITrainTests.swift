import Foundation
import SceneIO
import Testing
import _TestSupport
@testable import Train

/// `mpirun -np 2 ovseg3r train` through the built binary: equal to one process with two scenes per step, and a rank
/// that fails stops the job naming itself while the last checkpoint stays usable. Skipped where mpirun is missing.
@Suite(.serialized, .enabled(if: executableOnPath("mpirun") != nil, "needs mpirun (openmpi-bin)"))
struct MPITrainTests {
    struct Setup {
        let root: URL, data: URL, config: URL, embeddings: URL, binary: URL
    }

    /// Two tiny scenes, the tiny config (as JSON) and its text embeddings on disk.
    func setup(_ name: String, steps: Int, secondFloorSide: Int = 12) throws -> Setup {
        let root = temporaryFolder(name)
        let data = root.appendingPathComponent("data")
        try TinyScene.write(to: data.appendingPathComponent("scene0"))
        try TinyScene.write(to: data.appendingPathComponent("scene1"), seed: 2, shift: 0.3, floorSide: secondFloorSide)
        var c = TinyScene.config(steps: steps)
        c.checkpointEvery = 1
        let config = root.appendingPathComponent("config.json")
        try c.jsonData().write(to: config)
        let e = TinyScene.embeddings(), stem = root.appendingPathComponent("embeddings")
        try Npy.write(e.vectors, shape: [e.names.count, e.dims], to: stem.appendingPathExtension("npy"))
        let manifest: [String: Any] = ["names": e.names, "model": "test", "dims": e.dims]
        try JSONSerialization.data(withJSONObject: manifest).write(to: stem.appendingPathExtension("json"))
        return Setup(root: root, data: data, config: config, embeddings: stem, binary: try builtExecutable())
    }

    func train(_ s: Setup, run: String, ranks: Int, scenesPerStep: Int = 2, extra: [String] = []) throws -> ProcessOutput {
        let arguments = ["train", "--data", s.data.path, "--out", s.root.appendingPathComponent(run).path, "--config", s.config.path,
                         "--embeddings", s.embeddings.path, "--seed", "5", "--scenes-per-step", "\(scenesPerStep)"] + extra
        guard ranks > 1 else { return try runProcess(s.binary.path, arguments) }
        var launcher = ["-np", "\(ranks)", "--bind-to", "none"]
        if getuid() == 0 { launcher.append("--allow-run-as-root") }
        return try runProcess("mpirun", launcher + [s.binary.path] + arguments)
    }

    func losses(_ run: URL) throws -> [Double] { try logged("loss", run) }

    /// One logged value per step of `run`'s log.jsonl (NaN where a line lacks it).
    func logged(_ key: String, _ run: URL) throws -> [Double] {
        try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n").map { line in
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return (o?[key] as? Double) ?? .nan
        }
    }

    func expectSameParameters(_ a: URL, _ b: URL, tolerance: Float) throws {
        let (ma, _) = try Checkpoint.loadModel(from: try Checkpoint.resolve(a))
        let (mb, _) = try Checkpoint.loadModel(from: try Checkpoint.resolve(b))
        var worst: Float = 0
        for ((name, x), (_, y)) in zip(ma.namedParameters, mb.namedParameters) {
            let u = x.value.floats(), v = y.value.floats()
            #expect(u.count == v.count, "\(name)")
            for (p, q) in zip(u, v) { worst = max(worst, abs(p - q)) }
        }
        #expect(worst <= tolerance, "largest parameter difference \(worst)")
    }

    @Test func twoRanksEqualOneProcessWithTwoScenesPerStep() throws {
        let s = try setup("mpi-equal", steps: 4)
        let two = try train(s, run: "two", ranks: 2)
        try #require(two.status == 0, "mpirun train failed: \(two.stderr)")
        let one = try train(s, run: "one", ranks: 1)
        try #require(one.status == 0, "train failed: \(one.stderr)")
        #expect(two.stdout.contains("2 per step, 2 rank(s)"), "\(two.stdout)")
        let l2 = try losses(s.root.appendingPathComponent("two")), l1 = try losses(s.root.appendingPathComponent("one"))
        #expect(l2.count == 4 && l1.count == 4)
        #expect(l2 == l1, "log losses differ: \(l2) vs \(l1)")
        try expectSameParameters(s.root.appendingPathComponent("two"), s.root.appendingPathComponent("one"), tolerance: 1e-6)
        // Only rank 0 wrote: one log line per step.
        #expect(try losses(s.root.appendingPathComponent("two")).count == 4)
    }

    /// Five scenes per step from rooms of two sizes, shared out by predicted cost (the size prior: the warm-up never
    /// ends), so the ranks compute other slots than round-robin's: the result is still one process's.
    @Test func slotsSharedByCostGiveTheOneProcessResult() throws {
        let s = try setup("mpi-balance", steps: 4, secondFloorSide: 30)
        let two = try train(s, run: "two", ranks: 2, scenesPerStep: 5, extra: ["--balance-warmup", "1000000"])
        try #require(two.status == 0, "mpirun train failed: \(two.stderr)")
        let one = try train(s, run: "one", ranks: 1, scenesPerStep: 5)
        try #require(one.status == 0, "train failed: \(one.stderr)")
        let twoRun = s.root.appendingPathComponent("two"), oneRun = s.root.appendingPathComponent("one")
        #expect(try losses(twoRun) == (try losses(oneRun)))
        try expectSameParameters(twoRun, oneRun, tolerance: 1e-6)
        let moved = try logged("slots_moved", twoRun)
        #expect(moved.count == 4 && moved.reduce(0, +) > 0, "no step left round-robin's split: \(moved)")
        #expect(try logged("slots_moved", oneRun) == [0, 0, 0, 0])
    }

    @Test func aFailingRankStopsTheJobAndTheLastCheckpointResumes() throws {
        let s = try setup("mpi-fail", steps: 4)
        let failed = try train(s, run: "run", ranks: 2, extra: ["--fail-at", "1:3"])
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("rank 1 of 2 failed") && failed.stderr.contains("injected failure on rank 1 at step 3"),
                "stderr: \(failed.stderr)")
        let run = s.root.appendingPathComponent("run")
        // Rank 0 may be stopped while it writes step 2's checkpoint: the newest complete one (1 or 2) is what resumes.
        let last = try Checkpoint.state(at: try Checkpoint.resolve(run)).step
        #expect((1...2).contains(last), "last checkpoint at step \(last)")
        // Resume in one process (same scenes per step): equal to an uninterrupted run.
        let resumed = try train(s, run: "run", ranks: 1, extra: ["--resume"])
        try #require(resumed.status == 0, "resume failed: \(resumed.stderr)")
        let whole = try train(s, run: "whole", ranks: 1)
        try #require(whole.status == 0, "train failed: \(whole.stderr)")
        #expect(try losses(run) == (try losses(s.root.appendingPathComponent("whole"))))
        try expectSameParameters(run, s.root.appendingPathComponent("whole"), tolerance: 0)
    }
}
