import Foundation
import SceneIO
import Support

/// Builds the benchmark's rooms through child `ovseg3r` commands (synth, prepare, superpoints, lift), the
/// commands a user would type, `jobs` rooms at a time.
struct BenchmarkRooms {
    let root: URL
    let frames: Int
    let preset: String
    let pointSpacing: Double
    let jobs: Int
    /// Extra `ovseg3r synth` arguments (e.g. `--view-consistency 0.7`).
    var synthArguments: [String] = []
    /// Delete each prepared room's `mesh.ply` (the fused mesh, ≈ 160 MB a room; outside the scene contract, read by
    /// no training, prediction or evaluation command).
    var dropMeshes = false
    let splits: [(name: String, count: Int, seed: UInt64)]

    var reconPreset: URL { root.appendingPathComponent("recon-preset.json") }
    func videos(_ split: String) -> URL { root.appendingPathComponent("videos").appendingPathComponent(split) }
    func scenes(_ split: String) -> URL { root.appendingPathComponent("scenes").appendingPathComponent(split) }
    static func name(_ i: Int) -> String { String(format: "scene_%04d", i) }

    func build(geometric: Bool) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("logs"), withIntermediateDirectories: true)
        // The demo's training points: 4 cm by default (DemoPlan.standard).
        try AtomicFile.write(Data("{\"fusion\": {\"pointSpacing\": \(pointSpacing)}}\n".utf8), to: reconPreset)
        // 1. Videos: one synth per split (its scenes depend on the split's seed and index only), both at once.
        let synth = splits.filter { !fm.fileExists(atPath: VideoFile.synthRecord.url(in: videos($0.name).appendingPathComponent(Self.name($0.count - 1))).path) }
        try parallel(synth.map { s in
            RoomTask(name: "synth \(s.name) (\(s.count) rooms)", commands: [["synth", "--out", videos(s.name).path, "--scenes", "\(s.count)",
                     "--frames", "\(frames)", "--seed", "\(s.seed)", "--preset", preset, "--resume"] + synthArguments], log: "synth-\(s.name)")
        }, label: "synth")
        // 2. Scenes: prepare (recon + IBSp + lift); prepare itself skips finished stages.
        var tasks: [RoomTask] = []
        for s in splits {
            for i in 0..<s.count where !isPrepared(scenes(s.name).appendingPathComponent(Self.name(i))) {
                let video = videos(s.name).appendingPathComponent(Self.name(i))
                let scene = scenes(s.name).appendingPathComponent(Self.name(i))
                tasks.append(RoomTask(name: "prepare \(s.name)/\(Self.name(i))",
                                      commands: [["prepare", video.path, "--out", scene.path,
                                                  "--poses", "refine", "--preset", reconPreset.path]], log: "prepare-\(s.name)-\(Self.name(i))",
                                      removeAfter: dropMeshes ? [scene.appendingPathComponent("mesh.ply")] : []))
            }
        }
        try parallel(tasks, label: "prepare")
        if dropMeshes {
            for s in splits {
                // A geometric copy built earlier holds a hard link of its room's mesh.
                for folder in s.name == "train" ? [scenes("train"), scenes("train-geo")] : [scenes(s.name)] {
                    for i in 0..<s.count { try? fm.removeItem(at: folder.appendingPathComponent(Self.name(i)).appendingPathComponent("mesh.ply")) }
                }
            }
        }
        // 3. The w/o-IBSp copy of the training rooms: hard links of the reconstruction (writers rename into place,
        //    so the originals are never touched), geometric superpoints, re-lifted labels.
        guard geometric, let train = splits.first(where: { $0.name == "train" }) else { return }
        var geo: [RoomTask] = []
        for i in 0..<train.count {
            let source = scenes("train").appendingPathComponent(Self.name(i))
            let target = scenes("train-geo").appendingPathComponent(Self.name(i))
            if isGeometric(target) { continue }
            try? fm.removeItem(at: target)
            try fm.createDirectory(at: target, withIntermediateDirectories: true)
            for file in try fm.contentsOfDirectory(atPath: source.path) where file != SceneFile.prepare.fileName {
                try fm.linkItem(at: source.appendingPathComponent(file), to: target.appendingPathComponent(file))
            }
            let video = videos("train").appendingPathComponent(Self.name(i))
            // Superpoints, then lift on them; rooms in parallel.
            geo.append(RoomTask(name: "geometric copy train-geo/\(Self.name(i))",
                                commands: [["superpoints", target.path, "--mode", "geometric"], ["lift", target.path, "--video", video.path]],
                                log: "geo-\(Self.name(i))"))
        }
        try parallel(geo, label: "geometric copy")
    }

    /// Whether `prepare` finished the room: its summary (`prepare.json`) says ok.
    func isPrepared(_ scene: URL) -> Bool {
        (try? JSONFile.read(PrepareSummary.self, from: scene.appendingPathComponent(SceneFile.prepare.fileName)))?.status == .ok
    }

    /// Whether the w/o-IBSp copy is finished, asked of the contract's stage records: geometric superpoints, and
    /// labels lifted on them (rewriting the superpoints removes the labels lifted on the old ones).
    func isGeometric(_ scene: URL) -> Bool {
        guard let folder = try? SceneFolder(scene) else { return false }
        return folder.status(of: .superpoints, options: ["mode": "geometric"]) == .done && folder.status(of: .lift, options: [:]) == .done
    }

    /// Runs the tasks, `jobs` at a time, with a progress bar; a task's commands run in order, and output goes to
    /// OUT/logs/<log>.log.
    func parallel(_ tasks: [RoomTask], label: String) throws {
        guard !tasks.isEmpty else { return }
        let bar = ProgressBar(label, unit: "tasks", enabled: isatty(STDERR_FILENO) != 0)
        bar.begin(at: 0)
        let queue = TaskQueue(tasks)
        let binary = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        let logs = root.appendingPathComponent("logs")
        Workers.run(count: min(jobs, tasks.count)) { _ in
            while let task = queue.next() {
                var failed: String?
                let log = logs.appendingPathComponent(task.log + ".log")
                _ = FileManager.default.createFile(atPath: log.path, contents: nil)
                for command in task.commands where failed == nil {
                    let status = Self.runChild(binary, command, log: log)
                    if status != 0 { failed = "\(task.name) failed with exit status \(status); see \(log.path)" }
                }
                if failed == nil { for file in task.removeAfter { try? FileManager.default.removeItem(at: file) } }
                queue.finish(failed)
                bar.update(queue.doneCount, of: tasks.count)
            }
        }
        if let error = queue.error { throw ExperimentError.cannotLaunch(command: label, reason: error) }
    }

    /// Runs `binary arguments…`, output appended to `log`; returns the exit status (−1 when it cannot start).
    static func runChild(_ binary: URL, _ arguments: [String], log: URL) -> Int32 {
        guard let handle = try? FileHandle(forWritingTo: log) else { return -1 }
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        p.standardOutput = handle
        p.standardError = handle
        p.standardInput = FileHandle.nullDevice
        do { try ChildProcess.start(p) } catch { return -1 }
        ChildProcess.waitUntilExit(p)
        return p.terminationStatus
    }

    /// Counts of the built rooms, for the closing summary and OUT/rooms.json.
    func summary(seconds: Double) throws -> String {
        // A resumed build adds its time to the earlier runs' (rooms.json keeps the sum).
        let recordURL = root.appendingPathComponent("rooms.json")
        let earlier = ((try? JSONSerialization.jsonObject(with: Data(contentsOf: recordURL))) as? [String: Any])?["secondsAllRuns"] as? Double ?? 0
        var lines = [String(format: "benchmark rooms in %@ (%.0f s this run, %.0f s over all runs):", root.path, seconds, earlier + seconds)]
        var record: [String: Any] = ["secondsThisRun": seconds, "secondsAllRuns": earlier + seconds, "frames": frames, "preset": preset,
                                     "pointSpacing": pointSpacing]
        for split in splits.map(\.name) + ["train-geo"] {
            let folder = scenes(split)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasPrefix("scene_") }.sorted()
            guard !names.isEmpty else { continue }
            var points = 0, instances = 0
            for name in names {
                // The ground truth through the scene contract (validated against the point count); a room that is
                // not finished yet counts nothing.
                guard let scene = try? SceneFolder(folder.appendingPathComponent(name)), let count = ScenePoints.recordedCount(in: scene),
                      let truth = try? SceneGroundTruthLabels.read(from: scene, pointCount: count) else { continue }
                points += count
                instances += Set(truth.instance.filter { $0 > 0 }).count
            }
            lines.append("  \(split): \(names.count) rooms, \(points / max(names.count, 1)) points per room, \(instances) ground-truth instances")
            record[split] = ["rooms": names.count, "points": points, "instances": instances, "seed": splits.first { $0.name == split }.map { Int($0.seed) } ?? NSNull()] as [String: Any]
        }
        try AtomicWrite.json(record, to: recordURL)
        return lines.joined(separator: "\n")
    }
}

/// One unit of the build: child commands run in order, their output in one log.
struct RoomTask: Sendable {
    var name: String
    var commands: [[String]]
    var log: String
    /// Files deleted once every command succeeded (so that a build of many rooms never holds all their meshes).
    var removeAfter: [URL] = []
}

/// A shared list of tasks for worker threads; every access holds the lock.
final class TaskQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var tasks: [RoomTask]
    private var done = 0
    private var failure: String?
    var doneCount: Int { lock.withLock { done } }
    var error: String? { lock.withLock { failure } }

    init(_ tasks: [RoomTask]) { self.tasks = tasks }

    func next() -> RoomTask? { lock.withLock { failure == nil && !tasks.isEmpty ? tasks.removeFirst() : nil } }
    func finish(_ failure: String?) { lock.withLock { done += 1; if self.failure == nil, let failure { self.failure = failure } } }
}
