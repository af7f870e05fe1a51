import ArgumentParser
import Foundation
import Train

/// `ovseg3r train`: trains SegDINO3D-VL on scene folders (scene-level base-class GT and/or VIP view labels).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train SegDINO3D-VL with View-wise Instance Partition on scene folders.")

    @Option(name: .long, help: "Folder of scene folders (scene.json + superpoints.npy; GT and/or lifted view labels).")
    var data: String
    @Option(name: .long, help: "Run folder: config.json, log.jsonl, checkpoint-*/, latest.json.")
    var out: String
    @Option(name: .long, help: "JSON config (any subset of the keys of RUN/config.json; the rest keep defaults, or the run's values on --resume).")
    var config: String?
    @Flag(name: .long, help: """
        Continue from the run's latest checkpoint (exactly: weights, optimiser, step, RNG) under the run's stored \
        config.json; a --config file then changes only the keys it names, and a warning lists the fields that differ \
        (a different model is refused).
        """)
    var resume = false
    @Option(name: .long, help: "Seed of initialisation, sampling and augmentation.")
    var seed: UInt64 = 0
    @Option(name: .long, help: "Override config.steps.")
    var steps: Int?
    @Option(name: .long, help: "Text embeddings stem (default data/text_embeddings or $OVSEG3R_TEXT_EMBEDDINGS).")
    var embeddings: String?
    @Flag(name: .long, help: "Print the effective config as JSON and exit.")
    var printConfig = false
    @OptionGroup var textModel: TextModelArguments

    func run() throws {
        // On resume the run's stored config is the base: a --config file then only changes the keys it names.
        let stored = URL(fileURLWithPath: out).appendingPathComponent("config.json")
        let base = resume && FileManager.default.fileExists(atPath: stored.path) ? try TrainConfig.load(from: stored) : TrainConfig()
        var c = try config.map { try TrainConfig.load(from: URL(fileURLWithPath: $0), over: base) } ?? base
        if let steps { c.steps = steps }
        try c.validate()
        if printConfig {
            print(String(decoding: c.jsonData(), as: UTF8.self))
            return
        }
        let stem = embeddings.map { URL(fileURLWithPath: $0) } ?? TextEmbeddings.defaultStem()
        // Labels the 2D model used in its own words get vectors from the built-in text encoder (cached in the run).
        let (table, added) = try LabelEmbeddings.extend(try TextEmbeddings.load(stem: stem), data: URL(fileURLWithPath: data),
                                                        run: URL(fileURLWithPath: out), textModel: textModel)
        if added > 0 { print("labels beyond \(stem.lastPathComponent): \(added), embedded natively (\(out)/\(LabelEmbeddings.stem).npy)") }
        var o = TrainOptions(data: URL(fileURLWithPath: data), run: URL(fileURLWithPath: out), config: c, embeddings: table)
        o.seed = seed
        o.resume = resume
        let trainer = try Trainer(o)
        if !trainer.configChanges.isEmpty {
            let lines = trainer.configChanges.map { "  \($0.field): \($0.stored) (stored) → \($0.given) (now)" }
            FileHandle.standardError.write(Data((["warning: resuming \(out) at step \(trainer.step) with a config that differs from its config.json;",
                                                  "the new values apply from here on:"] + lines).joined(separator: "\n").utf8 + [0x0A]))
        }
        let r = try trainer.run()
        print(String(format: "trained to step %d: %.2f steps/s, last loss %.4f, peak memory %.0f MB", r.steps, r.stepsPerSecond,
                     r.losses.last ?? .nan, Double(r.peakMemoryBytes ?? 0) / 1e6))
        if let ck = r.lastCheckpoint { print("checkpoint: \(ck.path)") }
    }
}
