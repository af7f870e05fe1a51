import ArgumentParser
import Foundation
import Train

extension SlotBalance: ExpressibleByArgument {}

/// `ovseg3r train`: trains SegDINO3D-VL on scene folders (scene-level base-class GT and/or VIP view labels).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train SegDINO3D-VL with View-wise Instance Partition on scene folders.",
        discussion: """
        On every core or across machines: `mpirun -np N ovseg3r train …` runs N data-parallel ranks. Each step \
        averages the gradients of scenesPerStep scenes (default N under mpirun; at least N). Every rank predicts each \
        scene's cost and takes a share that evens out the ranks' work (--balance); the ranks exchange their \
        gradients and sum them in scene order, so a run's result \
        depends on scenesPerStep and the seed but not on N (an N-rank run equals a one-process run with the same \
        scenesPerStep). Rank 0 alone writes the run folder; every rank reads the data and, on --resume, the \
        checkpoint, so across machines both must be on shared storage. An error on any rank stops the job naming \
        the rank. As root add --allow-run-as-root; see README.md for the mpirun options that work on a laptop \
        or container.
        """)

    @Option(name: .long, help: "Folder of scene folders (scene.json + superpoints.npy; GT and/or lifted view labels).")
    var data: String
    @Option(name: .long, help: """
        Run folder: config.json, log.jsonl, checkpoint-*/, latest.json. It belongs to one run: a folder that already \
        holds files needs --resume (continue it) or --force (start over). While training, the run holds RUN/.lock, and \
        a second train into the same folder stops with the first one's process id.
        """)
    var out: String
    @Option(name: .long, help: "JSON config (any subset of the keys of RUN/config.json; the rest keep defaults, or the run's values on --resume).")
    var config: String?
    @Flag(name: .long, help: """
        Continue from the run's latest checkpoint (exactly: weights, optimiser, step, seed) under the run's stored \
        config.json; a --config file then changes only the keys it names, and a warning lists the fields that differ \
        (a different model is refused).
        """)
    var resume = false
    @Flag(name: .long, help: """
        Start a new run in a non-empty --out: removes the previous run's checkpoint-*/, latest.json, log.jsonl and \
        config.json first (other files stay).
        """)
    var force = false
    @Option(name: .long, help: "Seed of initialisation, sampling and augmentation (on --resume the run's stored seed continues).")
    var seed: UInt64 = 0
    @Option(name: .long, help: "Override config.steps.")
    var steps: Int?
    @Option(name: .long, help: "Override config.scenesPerStep: scenes whose gradients one step averages.")
    var scenesPerStep: Int?
    @Option(name: .long, help: .hidden)
    var failAt: String?
    @Option(name: .long, help: """
        Under mpirun, how a step's scenes are shared out: cost (predict each scene's CPU time from its room's \
        points and superpoints and the expected queries, fitted to the steps measured so far; longest first to the least loaded rank) or \
        round-robin (rank r takes scenes r, r+N, …). The result is the same either way; only the waiting differs.
        """)
    var balance: SlotBalance = .cost
    @Option(name: .long, help: .hidden)
    var balanceWarmup: Int?
    @Option(name: .long, help: "Text embeddings stem (default data/text_embeddings or $OVSEG3R_TEXT_EMBEDDINGS).")
    var embeddings: String?
    @Option(name: .customLong("init"), help: """
        Start the encoder from this checkpoint (folder or run), e.g. a run with "objective": "distill2D" (DITR \
        pretraining); its encoder fields (model.encoder, model.unet.widths, …) must match this config.
        """)
    var initFrom: String?
    @Flag(name: .long, help: "Shortcut for config \"objective\": \"distill2D\": pretrain the encoder to predict the lifted 2D features.")
    var distill = false
    @Flag(name: .long, help: "Print the effective config as JSON and exit.")
    var printConfig = false
    @OptionGroup var textModel: TextModelArguments

    func run() throws {
        // On resume the run's stored config is the base: a --config file then only changes the keys it names.
        let stored = URL(fileURLWithPath: out).appendingPathComponent("config.json")
        let base = resume && FileManager.default.fileExists(atPath: stored.path) ? try TrainConfig.load(from: stored) : TrainConfig()
        var c = try config.map { try TrainConfig.load(from: URL(fileURLWithPath: $0), over: base) } ?? base
        if let steps { c.steps = steps }
        if let scenesPerStep { c.scenesPerStep = scenesPerStep }
        if distill { c.objective = .distill2D }
        try c.validate()
        if printConfig {
            print(String(decoding: c.jsonData(), as: UTF8.self))
            return
        }
        let launch = try TrainLaunch.detect()
        try launch.run { try train(config: c, launch: launch) }
    }

    func train(config c: TrainConfig, launch: TrainLaunch) throws {
        let run = URL(fileURLWithPath: out)
        // Before anything is written to the folder: no other process may be writing it, and it must be this run's
        // (rank 0 decides; it alone writes). The lock is held until training returns or the process ends.
        let lock = launch.isLead ? try RunLock(run) : nil
        if launch.isLead {
            if resume {
                if let note = try Checkpoint.resumePoint(in: run).note { warn(note) }
            } else {
                let removed = try RunFolder.claim(run, force: force)
                if !removed.isEmpty { warn("--force: removed the previous run's \(removed.joined(separator: ", ")) from \(out)") }
            }
        }
        let stem = embeddings.map { URL(fileURLWithPath: $0) } ?? TextEmbeddings.defaultStem()
        // Labels the 2D model used in its own words get vectors from the built-in text encoder (cached in the run).
        let (table, added) = try LabelEmbeddings.extend(try TextEmbeddings.load(stem: stem), data: URL(fileURLWithPath: data),
                                                        run: URL(fileURLWithPath: out), textModel: textModel)
        if added > 0 { print("labels beyond \(stem.lastPathComponent): \(added), embedded natively (\(out)/\(LabelEmbeddings.stem).npy)") }
        var o = TrainOptions(data: URL(fileURLWithPath: data), run: URL(fileURLWithPath: out), config: c, embeddings: table)
        o.seed = seed
        o.resume = resume
        o.initCheckpoint = initFrom.map { URL(fileURLWithPath: $0) }
        o.balance = balance
        if let balanceWarmup { o.balanceWarmup = max(1, balanceWarmup) }
        if let failAt {
            let parts = failAt.split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2 else { throw ValidationError("--fail-at takes RANK:STEP, got \(failAt)") }
            o.failAt = (rank: parts[0], step: parts[1])
        }
        let trainer = try Trainer(o, reducer: launch.reducer)
        guard launch.isLead else {
            _ = try trainer.run()
            return
        }
        if !trainer.configChanges.isEmpty {
            let lines = trainer.configChanges.map { "  \($0.field): \($0.stored) (stored) → \($0.given) (now)" }
            FileHandle.standardError.write(Data((["warning: resuming \(out) at step \(trainer.step) with a config that differs from its config.json;",
                                                  "the new values apply from here on:"] + lines).joined(separator: "\n").utf8 + [0x0A]))
        }
        let r = try trainer.run()
        let k = trainer.options.config.scenesPerStep
        print(String(format: "trained to step %d: %.2f steps/s, %.3f scenes/s (%d per step, %d rank(s)), last loss %.4f, peak memory %.0f MB",
                     r.steps, r.stepsPerSecond, r.stepsPerSecond * Double(k), k, launch.reducer.size, r.losses.last ?? .nan, Double(r.peakMemoryBytes ?? 0) / 1e6))
        if let ck = r.lastCheckpoint { print("checkpoint: \(ck.path)") }
        withExtendedLifetime(lock) {}
    }

    private func warn(_ text: String) {
        FileHandle.standardError.write(Data("warning: \(text)\n".utf8))
    }
}
