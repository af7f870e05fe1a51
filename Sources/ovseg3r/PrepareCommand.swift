import ArgumentParser
import Foundation
import IBSp
import Recon
import SceneIO
import Support
import VIP

/// `ovseg3r prepare`: one video → one training scene (recon, superpoints, lift), in process and resumable.
/// This is the unit of work that `tools/ray_prepare.py` spreads over many videos and machines.
struct PrepareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Prepare one video for training: recon → superpoints → lift into SCENE, skipping finished stages.",
        discussion: """
        VIDEO is a video folder (intrinsics.json, color/, depth/, optional poses.txt) with the 2D model's output in \
        VIDEO/pred2d (or --pred2d DIR). Convert a TUM folder or a ScanNet .sens first with `ovseg3r import`, and a \
        2D model's COCO-RLE or PNG output with tools/adapters (README, "Your own 2D model").

        Resumable: a stage is done when the scene contract finds its files and SCENE/stages.json records the same \
        options (recon: --voxel, --poses and the preset; superpoints: --mode and, for ibsp, --pred2d; lift: --pred2d). \
        A stage whose options changed runs again, and a stage that runs makes every later stage run again. When all \
        three are done, SCENE/prepare.json holds the summary (--json prints it). --force re-runs everything.
        """)

    @Argument(help: "Video folder.")
    var video: String

    @Option(name: .long, help: "Output scene folder.")
    var out: String

    @Option(name: .long, help: "2D model output folder (masks/, instances/) (default: VIDEO/pred2d).")
    var pred2d: String?

    @OptionGroup(title: "Reconstruction")
    var recon: ReconArguments

    @Option(name: .long, help: "Superpoints: ibsp (cut at 2D instance boundaries) or geometric.")
    var mode: SuperpointOptions.Mode = .ibsp

    @Flag(name: .long, help: "Re-run every stage even if its outputs are complete.")
    var force = false

    @Flag(name: .long, help: "Print the summary as JSON on stdout (stage lines go to stderr).")
    var json = false

    func run() throws {
        let videoURL = URL(fileURLWithPath: video).standardizedFileURL
        let sceneURL = URL(fileURLWithPath: out).standardizedFileURL
        let pred2dURL = pred2d.map { URL(fileURLWithPath: $0).standardizedFileURL }
            ?? VideoFolder.pred2dURL(of: videoURL)
        var summary = PrepareSummary(video: videoURL.path, scene: sceneURL.path, pred2d: pred2dURL.path)
        let start = Date()
        do {
            let reconOptions = try recon.resolved()
            let superpoints = try superpointOptions()
            try PrepareInputs.check(video: videoURL, pred2d: pred2dURL)
            let progress = isatty(STDERR_FILENO) != 0 && !json
            var stages = PrepareStages(scene: sceneURL, force: force)
            var reconRecord = SceneStageRecords.flatten(json: reconOptions.jsonString())
            reconRecord["threads"] = nil  // how fast, not what
            try stages.run(.recon, options: reconRecord, into: &summary) {
                let r = try Reconstruction.run(input: videoURL, output: sceneURL, options: reconOptions,
                                               progress: ProgressBar("recon", unit: "frames", enabled: progress))
                return "\(r.summary.framesUsed) views, \(r.summary.points) points"
            }
            var superpointRecord = ["mode": superpoints.mode.rawValue]
            if superpoints.mode == .ibsp { superpointRecord["pred2d"] = pred2dURL.path }
            try stages.run(.superpoints, options: superpointRecord, into: &summary) {
                let r = try Superpoints.run(scene: sceneURL, video: videoURL, pred2d: pred2dURL, options: superpoints,
                                            progress: progress)
                return "\(r.count) superpoints (\(superpoints.mode.rawValue))"
            }
            try stages.run(.lift, options: ["pred2d": pred2dURL.path], into: &summary) {
                let r = try Lift.run(scene: sceneURL, video: videoURL, pred2d: pred2dURL, options: LiftOptions(progress: progress))
                return "\(r.instances) view-level instances from \(r.detections) detections"
            }
            try summary.readCounts(scene: sceneURL)
            summary.seconds = Date().timeIntervalSince(start)
            summary.status = .ok
            // A run that only skipped keeps the summary of the run that did the work.
            let marker = sceneURL.appendingPathComponent(PrepareSummary.fileName)
            if summary.stages.contains(where: { $0.status == .ran }) || !FileManager.default.fileExists(atPath: marker.path) {
                try summary.write(to: marker)
            }
            print(json ? summary.jsonString() : summary.text)
        } catch {
            summary.seconds = Date().timeIntervalSince(start)
            summary.status = .failed
            summary.error = "\(error)"
            if json { print(summary.jsonString()) } else { FileHandle.standardError.write(Data((summary.text + "\n").utf8)) }
            throw error
        }
    }

    // MARK: - Options

    func superpointOptions() throws -> SuperpointOptions {
        var o = SuperpointOptions()
        o.mode = mode
        try o.validate()
        return o
    }
}

/// Runs the three stages in order: a stage is skipped when its outputs are complete, unless an earlier stage ran
/// (its outputs would be stale) or `force` is set.
struct PrepareStages {
    let scene: URL
    let force: Bool
    private var ranEarlier = false

    init(scene: URL, force: Bool) {
        self.scene = scene
        self.force = force
    }

    /// What the scene contract says of `stage` with `options`. Recon renames a finished scene into place, superpoints
    /// and lift write their arrays before recording themselves, so an interrupted stage never looks done.
    static func status(_ stage: SceneStage, options: [String: String], scene: URL) -> SceneStageStatus {
        guard let folder = try? SceneFolder(scene) else { return .missing }
        return folder.status(of: stage, options: options)
    }

    mutating func run(_ sceneStage: SceneStage, options: [String: String], into summary: inout PrepareSummary,
                      _ body: () throws -> String) throws {
        let stage = sceneStage.rawValue
        var reason = ""
        if !force, !ranEarlier {
            switch Self.status(sceneStage, options: options, scene: scene) {
            case .done:
                summary.stages.append(PrepareSummary.Stage(name: stage, status: .skipped, seconds: 0, detail: "done already"))
                FileHandle.standardError.write(Data("prepare: \(stage): done already\n".utf8))
                return
            case let .optionsChanged(option, recorded, requested):
                reason = " (again: \(option) was \(recorded), now \(requested))"
            case .missing:
                break
            }
        }
        FileHandle.standardError.write(Data("prepare: \(stage)\(reason)\n".utf8))
        let start = Date()
        do {
            let detail = try body()
            summary.stages.append(PrepareSummary.Stage(name: stage, status: .ran, seconds: Date().timeIntervalSince(start),
                                                       detail: detail))
            ranEarlier = true
        } catch {
            summary.stages.append(PrepareSummary.Stage(name: stage, status: .failed, seconds: Date().timeIntervalSince(start),
                                                       detail: "\(error)"))
            throw PrepareError.stageFailed(stage: stage, scene: scene, reason: "\(error)")
        }
    }
}
