import Foundation

/// The sizes of one demo run. `standard` takes about 8 minutes on 2 quiet cores after the release build
/// (BENCHMARKS.md, Demo), leaving room under the 20-minute budget on a busy machine; `quick` is the test-sized run.
struct DemoPlan: Sendable {
    var trainScenes: Int
    var testScenes: Int
    var frames: Int
    var preset: String
    var trainSteps: Int
    /// Scenes whose gradients one step averages: 2, computed by two `mpirun` ranks when mpirun exists (else in
    /// one process, with the same result), so the standard run sees 4,000 scenes (2,000 in session 5): the learning
    /// benchmark found the model undertrained at 1,000 steps (RESULTS.md, "3 000 steps": 37 → 70 AP).
    var scenesPerStep: Int
    var seed: UInt64
    /// Spacing of the training points sampled from the fused mesh (metres). Coarser than `recon`'s 2 cm
    /// default so that the standard demo trains within its 20-minute budget on 2 cores.
    var pointSpacing: Double
    /// Width of the lifted per-point 2D features the model reads (`lift` writes 16; 0 = none).
    var feature2DWidth = 16
    /// Zero-shot classes held out of the 2D model's vocabulary (comma-separated), or nil.
    var heldOut: String? = nil
    /// Share of detections the simulated 2D model names in free form ("wooden chair", "sofa"); `train` embeds those
    /// names natively.
    var freeFormRate = 0.0

    /// The standard demo's zero-shot classes: novel classes its rooms contain, never named by the 2D model.
    static let standardHeldOut = "mirror,pillow,monitor"

    /// 36 training rooms (12 until session 21): at a fixed number of steps the model gains from more rooms, not more
    /// steps (RESULTS.md, "More training rooms": 48 → 144 rooms +6.5 novel AP on the learning benchmark).
    static func standard(seed: UInt64) -> DemoPlan {
        DemoPlan(trainScenes: 36, testScenes: 3, frames: 100, preset: "demo", trainSteps: 2000, scenesPerStep: 2, seed: seed,
                 pointSpacing: 0.04, heldOut: standardHeldOut, freeFormRate: 0.3)
    }

    static func quick(seed: UInt64) -> DemoPlan {
        DemoPlan(trainScenes: 2, testScenes: 1, frames: 16, preset: "tiny", trainSteps: 6, scenesPerStep: 2, seed: seed,
                 pointSpacing: 0.02)
    }

    /// The TSDF voxel of the demo's recon: half the point spacing. The demo uses the mesh only as the source of
    /// its points (voxel means at `pointSpacing`; superpoints run on the kNN graph of those points), so a finer
    /// mesh only costs time: at 4 cm points the 1 cm default extracted 2.2–3.0 M vertices per room and took longer
    /// than tracking (BENCHMARKS.md, "The demo's mesh").
    var meshVoxel: Double { max(0.01, pointSpacing / 2) }

    /// The demo's recon preset (any subset of `ovseg3r recon --print-options`): the point spacing, the mesh voxel,
    /// and the correspondence depth tolerance kept at the default's 2 cm (+ 1 % of depth) whatever the voxel.
    var reconPresetJSON: String {
        let tolerance = 0.02 / meshVoxel
        return #"{"fusion": {"pointSpacing": \#(pointSpacing), "voxelSize": \#(meshVoxel)}, "#
            + #""correspondences": {"toleranceVoxels": \#(tolerance)}}"# + "\n"
    }

    /// Training and held-out scenes come from different top-level seeds, so no held-out room is ever trained on.
    var trainSeed: UInt64 { seed &* 2 &+ 1 }
    var testSeed: UInt64 { seed &* 2 &+ 1_000_003 }
}

/// Where every stage of the demo writes. Each stage's output is its completion marker, so an
/// interrupted demo resumes by re-running only the stages whose outputs are missing.
struct DemoLayout: Sendable {
    let root: URL

    var videos: URL { root.appendingPathComponent("videos") }
    var scenes: URL { root.appendingPathComponent("scenes") }
    var run: URL { root.appendingPathComponent("run") }
    var predictions: URL { run.appendingPathComponent("pred") }
    var evaluation: URL { run.appendingPathComponent("eval.json") }
    var evaluationMarkdown: URL { run.appendingPathComponent("eval.md") }
    /// Training-free lifting of the held-out rooms' 2D masks (`fuse`), what a user could have without training.
    var liftedPredictions: URL { run.appendingPathComponent("pred-lifted") }
    var liftedEvaluation: URL { run.appendingPathComponent("eval-lifted.json") }
    /// The lifted and the model's instances together, per-class NMS by score (`merge --policy nms`; RESULTS.md: level
    /// with `fill` on the default held-out rooms, 4 AP above it where the 2D model errs alike in every view).
    var mergedPredictions: URL { run.appendingPathComponent("pred-merged") }
    var mergedEvaluation: URL { run.appendingPathComponent("eval-merged.json") }
    var report: URL { root.appendingPathComponent("report.html") }
    var reconPreset: URL { root.appendingPathComponent("recon-preset.json") }
    var trainConfig: URL { root.appendingPathComponent("train-config.json") }

    func videoSet(_ split: String) -> URL { videos.appendingPathComponent(split) }
    func sceneSet(_ split: String) -> URL { scenes.appendingPathComponent(split) }
}
