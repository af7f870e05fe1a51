import Foundation
import _TestSupport
import Testing

/// `ovseg3r experiment`: rooms → run → table end to end on tiny rooms, resuming after a "kill", and plans that are
/// refused before anything runs.
@Suite(.serialized) struct ExperimentCommandTests {
    static func plan(_ object: [String: Any], in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent("plan-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]).write(to: url)
        return url
    }

    @Test func roomsRunTableAndResume() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let data = scratch.file("bench-data"), out = scratch.file("runs")
        let rooms = try cli.run(["experiment", "rooms", "--out", data.path, "--train", "2", "--test", "1", "--frames", "8",
                                 "--preset", "tiny", "--point-spacing", "0.02", "--seed", "3"])
        try #require(rooms.status == 0, "rooms failed: \(rooms.stderr.suffix(3000))")
        #expect(rooms.stdout.contains("train: 2 rooms") && rooms.stdout.contains("test: 1 rooms") && rooms.stdout.contains("train-geo: 2 rooms"))
        for file in ["scenes/train/scene_0001/view_labels.json", "scenes/test/scene_0000/superpoints.npy",
                     "scenes/train-geo/scene_0000/stages.json", "rooms.json"] {
            #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent(file).path), "missing \(file)")
        }
        // rooms.json counts every room's points and ground-truth instances (read through the scene contract).
        let roomsRecord = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: data.appendingPathComponent("rooms.json"))) as? [String: Any])
        for split in ["train", "test"] {
            let counts = roomsRecord[split] as? [String: Any]
            #expect((counts?["rooms"] as? Int) == (split == "train" ? 2 : 1) && (counts?["points"] as? Int ?? 0) > 0
                    && (counts?["instances"] as? Int ?? 0) > 0, "\(split): \(String(describing: counts))")
        }
        // The geometric copy has its own superpoints; the IBSp originals are untouched hard links' sources.
        let ibsp = try Data(contentsOf: data.appendingPathComponent("scenes/train/scene_0000/superpoints.npy"))
        let geometric = try Data(contentsOf: data.appendingPathComponent("scenes/train-geo/scene_0000/superpoints.npy"))
        #expect(ibsp != geometric)
        // The copy's stage records say how its superpoints were made (what a second `rooms` run asks).
        let stages = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: data.appendingPathComponent("scenes/train-geo/scene_0000/stages.json"))) as? [String: Any])
        #expect(((stages["stages"] as? [String: Any])?["superpoints"] as? [String: String])?["mode"] == "geometric", "\(stages)")
        // A second run builds nothing: no room's log is rewritten.
        func modified(_ log: String) throws -> Date? {
            try FileManager.default.attributesOfItem(atPath: data.appendingPathComponent("logs/\(log).log").path)[.modificationDate] as? Date
        }
        let logsBefore = try ["prepare-train-scene_0000", "geo-scene_0000"].map(modified)
        let meshes = ["scenes/train/scene_0000/mesh.ply", "scenes/train/scene_0001/mesh.ply", "scenes/test/scene_0000/mesh.ply",
                      "scenes/train-geo/scene_0001/mesh.ply"]
        #expect(meshes.allSatisfy { FileManager.default.fileExists(atPath: data.appendingPathComponent($0).path) })
        Thread.sleep(forTimeInterval: 1.1)
        // With --drop-meshes, the finished rooms lose their fused meshes and nothing else; the experiment below trains
        // and evaluates on them.
        let again = try cli.run(["experiment", "rooms", "--out", data.path, "--train", "2", "--test", "1", "--frames", "8",
                                 "--preset", "tiny", "--point-spacing", "0.02", "--seed", "3", "--drop-meshes"])
        #expect(again.status == 0)
        #expect(try ["prepare-train-scene_0000", "geo-scene_0000"].map(modified) == logsBefore, "a room or its geometric copy was built again")
        #expect(!meshes.contains { FileManager.default.fileExists(atPath: data.appendingPathComponent($0).path) })
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("scenes/train/scene_0000/superpoints.npy").path))

        let planURL = try Self.plan([
            "train": data.appendingPathComponent("scenes/train").path, "test": data.appendingPathComponent("scenes/test").path,
            "steps": 4, "curvePoints": 2, "seeds": [1], "config": ["model": ["width": 32, "heads": 2, "decoderLayers": 1]],
            "arms": [["name": "full"], ["name": "no-vip", "seeds": [1, 2], "config": ["supervision": ["vip": false]]],
                     ["name": "no-ibsp", "train": data.appendingPathComponent("scenes/train-geo").path]],
            "compare": [["full", "no-vip"]], "resamples": 20,
            "goals": [["arm": "full", "above": "no-vip", "metric": "all.ap"], ["arm": "no-ibsp", "above": "full", "metric": "agnostic.ap50"]],
        ], in: scratch.url)
        let first = try cli.run(["experiment", "run", planURL.path, "--out", out.path, "--jobs", "2"])
        try #require(first.status == 0, "experiment failed: \(first.stderr.suffix(3000))")
        #expect(first.stderr.contains("4 jobs, 0 finished already, 4 to run"))
        for arm in ["| full |", "| no-vip |", "| no-ibsp |", "full − no-vip"] { #expect(first.stdout.contains(arm), "table lacks \(arm)") }
        for file in ["results.md", "results.json", "curve-all-ap.svg", "curve-novel-ap.svg", "curve-all-ap-cpu.svg", "full/seed-1/curve/eval-2.json",
                     "full/seed-1/curve/eval-4.json", "full/seed-1/pred/scene_0000.txt", "no-vip/seed-2/done.json",
                     "full/seed-1/run/checkpoint-000002/state.json", "full/seed-1/curve/matches-2.json", "no-vip/seed-2/curve/matches-2.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "missing \(file)")
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        let arms = try #require(json["arms"] as? [[String: Any]])
        #expect(arms.map { $0["name"] as? String } == ["full", "no-vip", "no-ibsp"])
        #expect((arms[1]["seeds"] as? [Int]) == [1, 2])
        // The last fifth (step 2 to 4) as a paired interval with its verdict, in the JSON and in the Markdown cell.
        let lastFifth = try #require(arms[1]["lastFifth"] as? [String: Any], "\(arms[1])")
        let change = try #require((lastFifth["difference"] as? [String: Any])?["all.ap"] as? [String: Double])
        let verdict = try #require(lastFifth["convergence"] as? String)
        #expect(lastFifth["fromStep"] as? Int == 2 && (change["low"] ?? .nan) <= (change["high"] ?? .nan))
        #expect(["converged", "rising", "falling", "inside the noise"].contains(verdict))
        #expect(first.stdout.contains(String(format: "| %+.1f [%.1f, %.1f] *%@* |", (change["estimate"] ?? .nan) * 100, (change["low"] ?? .nan) * 100,
                                             (change["high"] ?? .nan) * 100, verdict)), "\(first.stdout.prefix(2500))")
        // Each goal with the paired difference of the comparison table and the verdict that interval gives.
        let goals = try #require(json["goals"] as? [[String: Any]])
        #expect(goals.map { $0["metric"] as? String } == ["all.ap", "agnostic.ap50"])
        let comparison = try #require((json["comparisons"] as? [[String: Any]])?.first?["difference"] as? [String: Any])
        let pair = try #require(comparison["all.ap"] as? [String: Double])
        let goal = try #require(goals[0]["difference"] as? [String: Double])
        #expect(goal == pair, "the goal's interval is not the comparison's: \(goal) against \(pair)")
        let low = pair["low"] ?? .nan, high = pair["high"] ?? .nan
        let expected = low > 0 ? "met" : high < 0 ? "not met: below" : "not met: no difference"
        #expect(goals[0]["verdict"] as? String == expected)
        #expect(first.stdout.contains(String(format: "| full above no-vip on all-class AP | %.1f [%.1f, %.1f] | %@ |", (pair["estimate"] ?? .nan) * 100,
                                             low * 100, high * 100, expected == "met" ? "**met**" : expected)), "\(first.stdout.prefix(3000))")
        #expect(first.stdout.contains("| no-ibsp above full on class-agnostic AP50 |"))
        // Training time in wall and CPU seconds (the CPU column is what an equal-compute comparison reads).
        #expect(arms.allSatisfy { ($0["trainCPUSeconds"] as? Double ?? 0) > 0 && ($0["trainSeconds"] as? Double ?? 0) > 0 })
        #expect(first.stdout.contains("| train s | train CPU s |"))
        // The AP-versus-compute curve: one point per evaluated checkpoint, CPU seconds growing with the step.
        let cpuCurve = ((arms[0]["cpuCurve"] as? [String: Any])?["all.ap"] as? [[Double]]) ?? []
        #expect(cpuCurve.count == 2 && cpuCurve[0][0] > 0 && cpuCurve[1][0] > cpuCurve[0][0], "\(cpuCurve)")
        let cpuChart = try String(contentsOf: out.appendingPathComponent("curve-all-ap-cpu.svg"), encoding: .utf8)
        #expect(cpuChart.contains(">training CPU seconds</text>") && cpuChart.contains(">full</text>"))

        // "Kill" two jobs: one after training (its predictions lost), one mid-training (its last checkpoint at step 2).
        let fm = FileManager.default
        // A finished job from before the last fifth's matched scenes were kept: run again, it scores that checkpoint only.
        try fm.removeItem(at: out.appendingPathComponent("no-ibsp/seed-1/curve/matches-2.json"))
        try fm.removeItem(at: out.appendingPathComponent("full/seed-1/done.json"))
        try fm.removeItem(at: out.appendingPathComponent("full/seed-1/pred"))
        let job = out.appendingPathComponent("no-vip/seed-2")
        for name in ["done.json", "pred", "curve/eval-4.json", "run/checkpoint-000004"] { try fm.removeItem(at: job.appendingPathComponent(name)) }
        try #"{"checkpoint": "checkpoint-000002", "step": 2}"#.write(to: job.appendingPathComponent("run/latest.json"), atomically: true, encoding: .utf8)
        let second = try cli.run(["experiment", "run", planURL.path, "--out", out.path])
        try #require(second.status == 0, "resumed experiment failed: \(second.stderr.suffix(3000))")
        #expect(second.stderr.contains("4 jobs, 1 finished already, 3 to run (1 finished but without the last fifth's matched scenes"), "\(second.stderr.prefix(1500))")
        #expect(fm.fileExists(atPath: out.appendingPathComponent("no-ibsp/seed-1/curve/matches-2.json").path))
        let noIBSPTrain = try String(contentsOf: out.appendingPathComponent("no-ibsp/seed-1/train.log"), encoding: .utf8)
        let noIBSPPredict = try String(contentsOf: out.appendingPathComponent("no-ibsp/seed-1/predict.log"), encoding: .utf8)
        #expect(noIBSPTrain.components(separatedBy: "$ ").count == 2, "no-ibsp was trained again")
        #expect(noIBSPPredict.components(separatedBy: "checkpoint-000002 ").count == 3 && noIBSPPredict.components(separatedBy: "checkpoint-000004 ").count == 2,
                "only the step-2 checkpoint should be scored again: \(noIBSPPredict.suffix(1500))")
        let fullLog = try String(contentsOf: out.appendingPathComponent("full/seed-1/train.log"), encoding: .utf8)
        #expect(fullLog.components(separatedBy: "\n$ ").count + (fullLog.hasPrefix("$ ") ? 0 : -1) == 1, "full was trained again")
        let resumedLog = try String(contentsOf: job.appendingPathComponent("train.log"), encoding: .utf8)
        #expect(resumedLog.contains("--resume"))
        #expect(fm.fileExists(atPath: job.appendingPathComponent("run/checkpoint-000004/state.json").path))
        #expect(fm.fileExists(atPath: out.appendingPathComponent("full/seed-1/pred/scene_0000.txt").path))
        // The resumed job's training time counts both segments: every logged step's wall time, not the last child's.
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: job.appendingPathComponent("done.json"))) as? [String: Any])
        let logged = try String(contentsOf: job.appendingPathComponent("run/log.jsonl"), encoding: .utf8)
            .split(separator: "\n").compactMap { line -> Double? in
                ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["step_ms"] as? Double
            }
        #expect(logged.count >= 4, "the log should hold the steps of both segments")
        let seconds = try #require(record["trainSeconds"] as? Double)
        #expect(abs(seconds - logged.reduce(0, +) / 1000) < 1e-6)

        // A pretraining arm (DITR distillation) is trained for the arm that starts from it, but not evaluated or tabulated.
        let pretrain = scratch.file("runs-pretrain")
        let pretrainPlan = try Self.plan([
            "train": data.appendingPathComponent("scenes/train").path, "test": data.appendingPathComponent("scenes/test").path,
            "steps": 2, "curvePoints": 1, "seeds": [1],
            "config": ["model": ["width": 32, "heads": 2, "decoderLayers": 1, "feature2DWidth": 16]],
            "arms": [["name": "pre", "config": ["objective": "distill2D"]], ["name": "tuned", "initFrom": "pre"]],
            "resamples": 20,
        ], in: scratch.url)
        // Two at a time: the dependent job waits while its source is still training.
        let pretrained = try cli.run(["experiment", "run", pretrainPlan.path, "--out", pretrain.path, "--jobs", "2"])
        try #require(pretrained.status == 0, "pretraining experiment failed: \(pretrained.stderr.suffix(3000))")
        #expect(fm.fileExists(atPath: pretrain.appendingPathComponent("pre/seed-1/done.json").path))
        #expect(fm.fileExists(atPath: pretrain.appendingPathComponent("pre/seed-1/run/checkpoint-000002/state.json").path))
        #expect(!fm.fileExists(atPath: pretrain.appendingPathComponent("pre/seed-1/pred").path))
        #expect(((try? fm.contentsOfDirectory(atPath: pretrain.appendingPathComponent("pre/seed-1/curve").path)) ?? []).isEmpty)
        #expect(fm.fileExists(atPath: pretrain.appendingPathComponent("tuned/seed-1/pred/scene_0000.txt").path))
        #expect(pretrained.stdout.contains("| tuned |") && !pretrained.stdout.contains("| pre |"), "\(pretrained.stdout.prefix(1500))")

        // A plan whose arms evaluate the runs trained above (trainedIn) trains nothing and scores the same checkpoints.
        // Its own step count is 2; the arms say they ran 4 steps (an arm's own `steps`), so their curves are 2 and 4.
        let reuse = scratch.file("runs-reused")
        let reusePlan = try Self.plan([
            "train": data.appendingPathComponent("scenes/train").path, "test": data.appendingPathComponent("scenes/test").path,
            "steps": 2, "curvePoints": 2, "seeds": [1], "config": ["model": ["width": 32, "heads": 2, "decoderLayers": 1]],
            "arms": [["name": "full", "trainedIn": out.path, "steps": 4], ["name": "no-vip", "seeds": [1, 2], "trainedIn": out.path, "steps": 4],
                     // The same runs as `full` under another name (`trainedAs`), as for other prediction arguments.
                     ["name": "full-again", "trainedIn": out.path, "trainedAs": "full", "steps": 4],
                     // Training-free lifting, and the model's predictions added where lifting has none (`ovseg3r merge`).
                     ["name": "lifted", "kind": "fuse", "arguments": ["--min-views", "1", "--min-points", "1"]],
                     ["name": "both", "kind": "merge", "from": ["lifted", "full"], "arguments": ["--policy", "fill"]]],
            "resamples": 20,
        ], in: scratch.url)
        let reused = try cli.run(["experiment", "run", reusePlan.path, "--out", reuse.path])
        try #require(reused.status == 0, "trainedIn experiment failed: \(reused.stderr.suffix(3000))")
        #expect(!reused.stderr.contains("train 4 steps"))
        #expect(!fm.fileExists(atPath: reuse.appendingPathComponent("full/seed-1/run").path))
        for step in [2, 4] {
            let original = try Data(contentsOf: out.appendingPathComponent("no-vip/seed-2/curve/eval-\(step).json"))
            let again = try Data(contentsOf: reuse.appendingPathComponent("no-vip/seed-2/curve/eval-\(step).json"))
            #expect(original == again, "step \(step): the same checkpoint scored differently")
        }
        #expect(reused.stdout.contains("2 (full: 4, no-vip: 4, full-again: 4) training steps per run"), "\(reused.stdout.prefix(1500))")
        let reusedJSON = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: reuse.appendingPathComponent("results.json"))) as? [String: Any])
        #expect(((reusedJSON["arms"] as? [[String: Any]]) ?? []).map { $0["steps"] as? Int } == [4, 4, 4, 2, 2])
        for step in [2, 4] {
            let original = try Data(contentsOf: out.appendingPathComponent("full/seed-1/curve/eval-\(step).json"))
            let again = try Data(contentsOf: reuse.appendingPathComponent("full-again/seed-1/curve/eval-\(step).json"))
            #expect(original == again, "step \(step): trainedAs did not score full's checkpoint")
        }
        // The merge job ran after its sources, per seed, and holds the lifted masks first, then the model's others.
        #expect(reused.stdout.contains("| both | 1 |"), "\(reused.stdout.prefix(2000))")
        func lines(_ arm: String, _ seed: Int) throws -> [String] {
            try String(contentsOf: reuse.appendingPathComponent("\(arm)/seed-\(seed)/pred/scene_0000.txt"), encoding: .utf8)
                .split(separator: "\n").map(String.init)
        }
        let lifted = try lines("lifted", 0), model = try String(contentsOf: out.appendingPathComponent("full/seed-1/pred/scene_0000.txt"), encoding: .utf8)
            .split(separator: "\n").count
        let merged = try lines("both", 1)
        #expect(merged.count >= lifted.count && merged.count <= lifted.count + model, "\(merged.count) merged from \(lifted.count) + \(model)")
        let mergedScores = merged.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
        #expect(mergedScores.prefix(lifted.count).allSatisfy { $0 >= 0.5 } && mergedScores.dropFirst(lifted.count).allSatisfy { $0 <= 0.5 })
        let listing = try cli.run(["experiment", "jobs", reusePlan.path, "--out", reuse.path, "--json"])
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [[String: Any]])
        #expect(listed.first { $0["job"] as? String == "both:1" }?["after"] as? [String] == ["lifted", "full:1"], "\(listing.stdout)")
        // The table reads the final predictions' kept matched scenes: without any pred/ folder it is the same table.
        for file in ["full/seed-1/curve/matches-final.json", "lifted/seed-0/curve/matches-final-agnostic.json",
                     "both/seed-1/curve/matches-final.json"] {
            #expect(fm.fileExists(atPath: reuse.appendingPathComponent(file).path), "missing \(file)")
        }
        for arm in ["full/seed-1", "no-vip/seed-1", "no-vip/seed-2", "full-again/seed-1", "lifted/seed-0", "both/seed-1"] {
            try fm.removeItem(at: reuse.appendingPathComponent("\(arm)/pred"))
        }
        let tabled = try cli.run(["experiment", "table", reusePlan.path, "--out", reuse.path])
        try #require(tabled.status == 0, "table without pred/ failed: \(tabled.stderr.suffix(2000))")
        let tabledJSON = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: reuse.appendingPathComponent("results.json"))) as? [String: Any])
        #expect(NSDictionary(dictionary: tabledJSON).isEqual(to: reusedJSON), "the table changed without the pred/ folders")
        // Evaluating a checkpoint the trained run did not keep is refused, naming it.
        var denser = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: reusePlan)) as? [String: Any])
        denser["curvePoints"] = 4
        let missing = try cli.run(["experiment", "run", try Self.plan(denser, in: scratch.url).path, "--out", scratch.file("runs-denser").path])
        #expect(missing.status != 0 && missing.stderr.contains("checkpoint-000001") && missing.stderr.contains("trainedIn"), "\(missing.stderr.suffix(2000))")
    }

    @Test func badPlansAreRefusedBeforeAnythingRuns() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        // Folders that look like scene folders are enough: the plan is refused before any scene is read.
        for split in ["train/scene_0000", "test/scene_0000"] {
            let folder = scratch.file(split)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: folder.appendingPathComponent("scene.json"))
        }
        let good: [String: Any] = ["train": scratch.file("train").path, "test": scratch.file("test").path, "steps": 4,
                                   "seeds": [1], "arms": [["name": "full"]]]
        let cases: [(String, [String: Any])] = [
            ("stepz", good.merging(["stepz": 3]) { $1 }),
            ("arms[0].colour", good.merging(["arms": [["name": "full", "colour": "red"]]]) { $1 }),
            ("arms[0].config.supervision.vpi", good.merging(["arms": [["name": "full", "config": ["supervision": ["vpi": false]]]]]) { $1 }),
            ("test", good.merging(["test": scratch.file("missing").path]) { $1 }),
            ("seeds", good.merging(["seeds": [Int]()]) { $1 }),
            ("arms[0].config", good.merging(["arms": [["name": "full", "config": ["learningRate": "fast"]]]]) { $1 }),
            ("compare[0]", good.merging(["compare": [["full", "nobody"]]]) { $1 }),
            // A goal names two evaluated arms and a metric of the table.
            ("goals[0].above", good.merging(["goals": [["arm": "full", "above": "nobody", "metric": "novel.ap"]]]) { $1 }),
            ("goals[0].metric", good.merging(["arms": [["name": "full"], ["name": "other"]],
                                              "goals": [["arm": "full", "above": "other", "metric": "novel.map"]]]) { $1 }),
            ("goals[0].by", good.merging(["goals": [["arm": "full", "above": "full", "by": 1]]]) { $1 }),
            // initFrom must name an earlier train arm (here a later one).
            ("arms[0].initFrom", good.merging(["arms": [["name": "full", "initFrom": "pre"], ["name": "pre"]]]) { $1 }),
            // trainedIn must hold a run of every seed.
            ("arms[0].steps", good.merging(["arms": [["name": "full", "steps": 0]]]) { $1 }),
            ("arms[0].trainedIn", good.merging(["arms": [["name": "full", "trainedIn": scratch.file("nowhere").path]]]) { $1 }),
            // trainedAs names runs under trainedIn, so it needs trainedIn.
            ("arms[0].trainedAs", good.merging(["arms": [["name": "full", "trainedAs": "other"]]]) { $1 }),
            // A merge arm combines at least two earlier arms; only a merge arm has `from`.
            ("arms[1].from", good.merging(["arms": [["name": "full"], ["name": "both", "kind": "merge", "from": ["full"]]]]) { $1 }),
            ("arms[1].from", good.merging(["arms": [["name": "full"], ["name": "both", "kind": "merge", "from": ["full", "later"]], ["name": "later"]]]) { $1 }),
            ("arms[0].from", good.merging(["arms": [["name": "full", "from": ["a", "b"]]]]) { $1 }),
            ("unet.widths", good.merging(["arms": [["name": "full", "config": ["model": ["encoder": "sparseUNet", "unet": ["widths": [Int]()]]]]]]) { $1 }),
        ]
        for (field, object) in cases {
            let out = scratch.file("out-\(field)")
            let result = try cli.run(["experiment", "run", try Self.plan(object, in: scratch.url).path, "--out", out.path])
            #expect(result.status != 0, "plan with bad \(field) was accepted")
            #expect(result.stderr.contains(field), "error does not name \(field): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("full").path), "\(field): a job started")
        }
    }
}
