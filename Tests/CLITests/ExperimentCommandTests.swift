import Foundation
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
        let scratch = try ScratchDirectory()
        let data = scratch.file("bench-data"), out = scratch.file("runs")
        let rooms = try cli.run(["experiment", "rooms", "--out", data.path, "--train", "2", "--test", "1", "--frames", "8",
                                 "--preset", "tiny", "--point-spacing", "0.02", "--seed", "3"])
        try #require(rooms.status == 0, "rooms failed: \(rooms.stderr.suffix(3000))")
        #expect(rooms.stdout.contains("train: 2 rooms") && rooms.stdout.contains("test: 1 rooms") && rooms.stdout.contains("train-geo: 2 rooms"))
        for file in ["scenes/train/scene_0001/view_labels.json", "scenes/test/scene_0000/superpoints.npy",
                     "scenes/train-geo/scene_0000/geometric.json", "rooms.json"] {
            #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent(file).path), "missing \(file)")
        }
        // The geometric copy has its own superpoints; the IBSp originals are untouched hard links' sources.
        let ibsp = try Data(contentsOf: data.appendingPathComponent("scenes/train/scene_0000/superpoints.npy"))
        let geometric = try Data(contentsOf: data.appendingPathComponent("scenes/train-geo/scene_0000/superpoints.npy"))
        #expect(ibsp != geometric)
        // A second run builds nothing.
        let again = try cli.run(["experiment", "rooms", "--out", data.path, "--train", "2", "--test", "1", "--frames", "8",
                                 "--preset", "tiny", "--point-spacing", "0.02", "--seed", "3"])
        #expect(again.status == 0 && !FileManager.default.fileExists(atPath: data.appendingPathComponent("logs/prepare-train-scene_0000.log.2").path))

        let planURL = try Self.plan([
            "train": data.appendingPathComponent("scenes/train").path, "test": data.appendingPathComponent("scenes/test").path,
            "steps": 4, "curvePoints": 2, "seeds": [1], "config": ["model": ["width": 32, "heads": 2, "decoderLayers": 1]],
            "arms": [["name": "full"], ["name": "no-vip", "seeds": [1, 2], "config": ["supervision": ["vip": false]]],
                     ["name": "no-ibsp", "train": data.appendingPathComponent("scenes/train-geo").path]],
            "compare": [["full", "no-vip"]], "resamples": 20,
        ], in: scratch.url)
        let first = try cli.run(["experiment", "run", planURL.path, "--out", out.path, "--jobs", "2"])
        try #require(first.status == 0, "experiment failed: \(first.stderr.suffix(3000))")
        #expect(first.stderr.contains("4 jobs, 0 finished already, 4 to run"))
        for arm in ["| full |", "| no-vip |", "| no-ibsp |", "full − no-vip"] { #expect(first.stdout.contains(arm), "table lacks \(arm)") }
        for file in ["results.md", "results.json", "curve-all-ap.svg", "curve-novel-ap.svg", "full/seed-1/curve/eval-2.json",
                     "full/seed-1/curve/eval-4.json", "full/seed-1/pred/scene_0000.txt", "no-vip/seed-2/done.json",
                     "full/seed-1/run/checkpoint-000002/state.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "missing \(file)")
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        let arms = try #require(json["arms"] as? [[String: Any]])
        #expect(arms.map { $0["name"] as? String } == ["full", "no-vip", "no-ibsp"])
        #expect((arms[1]["seeds"] as? [Int]) == [1, 2])

        // "Kill" two jobs: one after training (its predictions lost), one mid-training (its last checkpoint at step 2).
        let fm = FileManager.default
        try fm.removeItem(at: out.appendingPathComponent("full/seed-1/done.json"))
        try fm.removeItem(at: out.appendingPathComponent("full/seed-1/pred"))
        let job = out.appendingPathComponent("no-vip/seed-2")
        for name in ["done.json", "pred", "curve/eval-4.json", "run/checkpoint-000004"] { try fm.removeItem(at: job.appendingPathComponent(name)) }
        try #"{"checkpoint": "checkpoint-000002", "step": 2}"#.write(to: job.appendingPathComponent("run/latest.json"), atomically: true, encoding: .utf8)
        let second = try cli.run(["experiment", "run", planURL.path, "--out", out.path])
        try #require(second.status == 0, "resumed experiment failed: \(second.stderr.suffix(3000))")
        #expect(second.stderr.contains("4 jobs, 2 finished already, 2 to run"))
        let fullLog = try String(contentsOf: out.appendingPathComponent("full/seed-1/train.log"), encoding: .utf8)
        #expect(fullLog.components(separatedBy: "\n$ ").count + (fullLog.hasPrefix("$ ") ? 0 : -1) == 1, "full was trained again")
        let resumedLog = try String(contentsOf: job.appendingPathComponent("train.log"), encoding: .utf8)
        #expect(resumedLog.contains("--resume"))
        #expect(fm.fileExists(atPath: job.appendingPathComponent("run/checkpoint-000004/state.json").path))
        #expect(fm.fileExists(atPath: out.appendingPathComponent("full/seed-1/pred/scene_0000.txt").path))
    }

    @Test func badPlansAreRefusedBeforeAnythingRuns() throws {
        let cli = try CLIRunner()
        let scratch = try ScratchDirectory()
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
            // initFrom must name an earlier train arm (here a later one).
            ("arms[0].initFrom", good.merging(["arms": [["name": "full", "initFrom": "pre"], ["name": "pre"]]]) { $1 }),
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
