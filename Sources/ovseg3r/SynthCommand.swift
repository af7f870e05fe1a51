import ArgumentParser
import Foundation
import SceneSynth

/// `ovseg3r synth`: synthetic RGB-D videos with simulated 2D model output and full ground truth.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write synthetic RGB-D videos (design.md §3 video folders) with simulated 2D model output and ground truth.",
        discussion: """
        Writes DIR/scene_0000, DIR/scene_0001, … The same seed and options give byte-identical output. Each scene's \
        synth.json is written last; with --resume a scene whose synth.json records the same seed and options is kept, \
        so a stopped run, or one asked for more scenes, writes only what is missing.
        """)

    @Option(name: .long, help: "Output folder.")
    var out: String

    @Option(name: .long, help: "Number of scenes (videos).")
    var scenes: Int = 1

    @Option(name: .long, help: "Frames per video (default: from the preset).")
    var frames: Int?

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Image size WxH, e.g. 320x240 (default: from the preset).")
    var size: String?

    @Option(name: .long, help: "Preset: tiny (64×48, tests), demo (320×240) or full (640×480, noisier).")
    var preset: String = "demo"

    @Option(name: .long, help: "JSON options file (as printed by --print-options); replaces the preset.")
    var options: String?

    @Option(name: .long, help: ArgumentHelp(
        "Name this fraction of 2D detections in free form (synonyms, attributes, plurals, case: \"sofa\", "
        + "\"wooden chair\", \"Trash cans\") instead of their ScanNet200 name; `train` embeds such labels natively. "
        + "Off by default (every preset writes what it always wrote).", valueName: "rate"))
    var freeFormLabels: Double?

    @Option(name: .long, help: ArgumentHelp(
        "Share of objects whose 2D-model faults (miss, label confusion, merge with a neighbour, split seams) are drawn "
        + "once per video instead of per frame, as a real 2D model errs alike from nearby viewpoints; such errors "
        + "survive fusion across views. Off by default (every preset redraws faults per frame).", valueName: "share"))
    var viewConsistency: Double?

    @Option(name: .long, help: ArgumentHelp(
        "Zero-shot split: comma-separated novel categories the simulated 2D model does not know (missed or named as "
        + "another class); evaluate them with `eval --unseen` the same list.", valueName: "names"))
    var holdOut: String?

    @Flag(name: .long, help: "Keep scenes already written with the same seed and options; write only the others.")
    var resume = false

    @Flag(name: .long, help: "Print measured 2D-model fault statistics, depth noise at 1/2/3 m and throughput.")
    var stats = false

    @Flag(name: .long, help: "Print the effective options as JSON and exit.")
    var printOptions = false

    @Flag(name: .long, help: "Print every label string the simulated 2D model can emit (one per line) and exit.")
    var printLabels = false

    func resolvedOptions() throws -> SynthOptions {
        var o = try options.map { try SynthOptions.load(URL(fileURLWithPath: $0)) } ?? SynthPreset.named(preset).options
        if let frames { o.frames = frames }
        if let freeFormLabels { o.model2D.freeFormRate = freeFormLabels }
        if let viewConsistency { o.model2D.viewConsistency = viewConsistency }
        if let holdOut {
            o.model2D.heldOutCategories = holdOut.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let size {
            let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2 else { throw ValidationError("--size must be WxH, e.g. 320x240; got '\(size)'") }
            o.width = parts[0]; o.height = parts[1]
        }
        try o.validate()
        return o
    }

    func run() throws {
        let o = try resolvedOptions()
        if printOptions {
            print(o.jsonString())
            return
        }
        if printLabels {
            print(Simulated2DModel.labelVocabulary.joined(separator: "\n"))
            return
        }
        guard scenes >= 1 else { throw ValidationError("--scenes must be ≥ 1; got \(scenes)") }
        let writer = try SynthWriter(options: o)
        let root = URL(fileURLWithPath: out)
        var total = FaultStatistics()
        var frameCount = 0
        let start = Date()
        var kept = 0
        for k in 0..<scenes {
            let folder = root.appendingPathComponent(String(format: "scene_%04d", k))
            let sceneSeed = SceneSynthesizer.sceneSeed(seed, index: k)
            if resume, writer.isFinished(seed: sceneSeed, folder: folder) {
                kept += 1
                continue
            }
            let result = try writer.write(seed: sceneSeed, to: folder)
            total.add(result.statistics)
            frameCount += result.frames
            print("\(folder.path): \(result.frames) frames, \(result.instances) instances, \(result.detections) 2D detections, "
                  + String(format: "path %.1f m", result.pathLength))
        }
        let seconds = Date().timeIntervalSince(start)
        if resume { print("synth: kept \(kept) finished scene\(kept == 1 ? "" : "s"), wrote \(scenes - kept)") }
        guard stats else { return }
        let m = o.model2D
        print(String(format: "throughput: %d frames in %.2f s = %.1f frames/s (%dx%d, render+write)", frameCount, seconds,
                     Double(frameCount) / seconds, o.width, o.height))
        print("2D model (measured vs configured):")
        print(String(format: "  recall            %.3f  (miss %.2f, small-object miss %.2f, occluded miss %.2f)",
                     total.recall, m.missRate, m.smallMissRate, m.occludedMissRate))
        print(String(format: "  precision         %.3f", total.precision))
        print(String(format: "  false pos./frame  %.3f  (configured %.3f)", total.falsePositivesPerFrame, m.falsePositivesPerFrame))
        print(String(format: "  merge rate        %.3f  (configured %.3f; %d of %d candidate pairs)", total.mergeRate, m.mergeRate,
                     total.merges, total.mergeCandidates))
        print(String(format: "  split rate        %.3f  (configured %.3f; %d of %d multi-part objects)", total.splitRate, m.splitRate,
                     total.splits, total.splitCandidates))
        print(String(format: "  label noise       %.3f  (configured %.3f; %d of %d matched)", total.labelNoiseRate, m.labelNoiseRate,
                     total.labelErrors, total.labelled))
        print(String(format: "  mean mask IoU     %.3f  (boundary jitter %.2f px at 640 px)", total.meanIoU, m.boundaryJitter))
        print(String(format: "  features: nearest-class accuracy %.3f of image cells, %.3f of object features (noise %.2f, C = %d)",
                     total.featureCellAccuracy, total.objectFeatureAccuracy, Double(m.featureNoise), m.featureChannels))
        print("depth noise on a frontal wall (measured σ vs model σ(z)):")
        for z in [1.0, 2.0, 3.0] {
            let probe = DepthNoiseProbe.measure(distance: z, options: o.depth)
            print(String(format: "  z = %.0f m: σ = %.2f mm (model %.2f mm), missing %.1f %%", z, probe.sigma * 1000,
                         o.depth.sigma(atDepth: z) * 1000, probe.missing * 100))
        }
    }
}
