import ArgumentParser
import Foundation

/// `ovseg3r experiment rooms`: the learning benchmark's fixed rooms, built with the demo's pipeline.
struct RoomsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rooms",
        abstract: "Build the learning benchmark's rooms: SceneSynth videos prepared like the demo's (refined device poses, IBSp, lift).",
        discussion: """
        Writes OUT/videos/{train,test}/scene_NNNN (SceneSynth, `demo` preset), OUT/scenes/{train,test}/scene_NNNN \
        (`ovseg3r prepare --poses refine` with 4 cm training points, IBSp superpoints, lifted view labels) and \
        OUT/scenes/train-geo (the training rooms with geometric superpoints, re-lifted: the w/o-IBSp arm). Held-out \
        rooms come from another top-level seed than training rooms, so no held-out room is ever trained on. \
        Resumable: finished videos and scenes are skipped (re-run after a kill). Prepares --jobs rooms at a time; \
        tools/ray_prepare.py spreads the same `prepare` over a Ray cluster instead. OUT/rooms.json records the \
        counts and the time taken.
        """)

    @Option(name: .long, help: "Output folder.")
    var out: String = "bench-data"
    @Option(name: .long, help: "Training rooms.")
    var train = 48
    @Option(name: .long, help: "Held-out rooms.")
    var test = 24
    @Option(name: .long, help: "Frames per video.")
    var frames = 100
    @Option(name: .long, help: "SceneSynth preset of the videos (demo: 320×240; tiny: 64×48, for tests).")
    var preset = "demo"
    @Option(name: .long, help: "Spacing of the training points sampled from the fused mesh, metres (the demo's 0.04).")
    var pointSpacing = 0.04
    @Option(name: .long, help: "Top-level seed: training rooms use 2·seed+1, held-out rooms 2·seed+1000003.")
    var seed: UInt64 = 100
    @Option(name: .long, help: "Rooms prepared at the same time (child processes).")
    var jobs = 2
    @Option(name: .long, help: ArgumentHelp(
        "Share of objects whose simulated 2D faults repeat in every frame (`synth --view-consistency`); a harder "
        + "benchmark for training-free fusion. Give it its own --out: rooms are built once per folder.", valueName: "share"))
    var viewConsistency: Double?
    @Flag(name: .long, help: "Skip the geometric-superpoint copy of the training rooms (the w/o-IBSp arm).")
    var noGeometric = false
    @Flag(name: .long, help: "Delete each room's fused mesh (mesh.ply, about 160 MB a room) once it is prepared; no training, prediction or evaluation reads it. Also deletes the meshes of rooms built earlier.")
    var dropMeshes = false

    func validate() throws {
        guard train >= 1, test >= 1 else { throw ValidationError("--train and --test must be ≥ 1 (got \(train), \(test))") }
        guard frames >= 2 else { throw ValidationError("--frames must be ≥ 2 (got \(frames))") }
        guard pointSpacing > 0, pointSpacing.isFinite else { throw ValidationError("--point-spacing must be > 0 (got \(pointSpacing))") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be ≥ 1 (got \(jobs))") }
        if let viewConsistency, !(0...1).contains(viewConsistency) {
            throw ValidationError("--view-consistency must be in 0…1 (got \(viewConsistency))")
        }
    }

    func run() throws {
        let root = URL(fileURLWithPath: out).standardizedFileURL
        var rooms = BenchmarkRooms(root: root, frames: frames, preset: preset, pointSpacing: pointSpacing, jobs: jobs,
                                   synthArguments: viewConsistency.map { ["--view-consistency", "\($0)"] } ?? [],
                                   splits: [("train", train, seed &* 2 &+ 1), ("test", test, seed &* 2 &+ 1_000_003)])
        rooms.dropMeshes = dropMeshes
        let start = Date()
        try rooms.build(geometric: !noGeometric)
        let seconds = Date().timeIntervalSince(start)
        let summary = try rooms.summary(seconds: seconds)
        print(summary)
    }
}
