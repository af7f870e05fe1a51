import Foundation
import Support
import SceneIO

/// The supervision stages of the curriculum (`supervision.curriculum`), from fragments to whole objects.
public enum CurriculumStage: String, Codable, Sendable, CaseIterable, ClosedSetValue {
    /// Stage 1: each view's lifted masks on their own (what VIP consumes; `SceneLiftedLabels`).
    case views
    /// Stage 2: tracked, consistent multi-view labels: each track's union over the views it was matched in,
    /// supervised in each of those views (`SceneTrackedLabels`, written by `ovseg3r track-masks`).
    case tracked
    /// Stage 3: the tracks' scene-level pseudo-instances, supervised over the whole scene.
    case pseudo
    /// The training-free lifting's 3D instances (`ViewConsensus` over the view labels, as `ovseg3r fuse` makes
    /// them), supervised over the whole scene beside the scene-level ground truth (`StepBatch`). Computed when the
    /// scenes load; needs only `lift`'s labels.
    case fused

    /// Whether the stage reads `ovseg3r track-masks`'s labels.
    public var needsTrackedLabels: Bool { self == .tracked || self == .pseudo }
}

/// One entry of `supervision.curriculum`: `stage` supervises the steps `fromStep ..< untilStep` (0-based step
/// index; no `untilStep`: to the end). Entries may overlap, so stages can be combined.
public struct CurriculumPhase: Codable, Sendable, Equatable {
    public var stage: CurriculumStage
    public var fromStep: Int
    public var untilStep: Int?

    public init(stage: CurriculumStage, fromStep: Int = 0, untilStep: Int? = nil) {
        self.stage = stage
        self.fromStep = fromStep
        self.untilStep = untilStep
    }
}

extension SupervisionOptions {
    /// The label stages that supervise step `step` (0-based). Without a curriculum: stage `views` when
    /// `viewLabels` is on, as before curricula existed; with one, the curriculum alone decides.
    public func stages(atStep step: Int) -> Set<CurriculumStage> {
        let phases = curriculum ?? []
        guard !phases.isEmpty else { return viewLabels ? [.views] : [] }
        return Set(phases.filter { step >= $0.fromStep && step < ($0.untilStep ?? .max) }.map(\.stage))
    }

    /// Whether any step uses the tracked labels (stages `tracked` or `pseudo`).
    public var needsTrackedLabels: Bool { (curriculum ?? []).contains { $0.stage.needsTrackedLabels } }

    /// Whether training needs the fused instances: stage `fused` at any step, or `relabelViews`.
    public var needsFusedInstances: Bool { (curriculum ?? []).contains { $0.stage == .fused } || relabelViews == true }

    /// Throws `invalidConfiguration` naming the first bad entry.
    func validateCurriculum() throws(TrainError) {
        for (k, phase) in (curriculum ?? []).enumerated() {
            guard phase.fromStep >= 0 else {
                throw .invalidConfiguration(field: "supervision.curriculum[\(k)].fromStep", value: String(phase.fromStep), reason: "must be ≥ 0")
            }
            if let until = phase.untilStep, until <= phase.fromStep {
                throw .invalidConfiguration(field: "supervision.curriculum[\(k)].untilStep", value: String(until),
                                            reason: "must be > fromStep (\(phase.fromStep))")
            }
        }
    }
}

/// Turns the contract's tracked labels (`SceneTrackedLabels`) into curriculum targets.
public enum TrackedLabelLoader {
    /// Stage 2 targets (one `ViewTargets` per view: every track matched in the view, as its union over all its
    /// views restricted to what the view sees) and stage 3 targets (the non-empty pseudo-instances). Each target is
    /// named by its track's top label vote; tracks without votes are left out.
    public static func targets(_ tracked: SceneTrackedLabels, lifted: SceneLiftedLabels) -> (views: [ViewTargets], pseudo: [InstanceTarget]) {
        let t = tracked.trackCount
        var union = [Set<Int32>](repeating: [], count: t), viewsOf = [Set<Int>](repeating: [], count: t)
        for view in lifted.labels.views {
            for instance in view.instances {
                let track = Int(tracked.viewMaskTrack[instance.mask])
                guard track >= 0 else { continue }
                union[track].formUnion(lifted.mask(instance.mask))
                viewsOf[track].insert(view.view)
            }
        }
        let labels = tracked.file.tracks.map(\.label)
        var views = (0..<lifted.viewCount).map { ViewTargets(visible: Array(lifted.visible(view: $0)), instances: []) }
        for v in views.indices {
            let visible = Set(views[v].visible)
            for k in 0..<t where viewsOf[k].contains(v) {
                guard let label = labels[k] else { continue }
                let members = union[k].intersection(visible).sorted()
                if !members.isEmpty { views[v].instances.append(InstanceTarget(name: label, superpoints: members)) }
            }
        }
        let pseudo = (0..<t).compactMap { k -> InstanceTarget? in
            guard let label = labels[k], !tracked.instance(k).isEmpty else { return nil }
            return InstanceTarget(name: label, superpoints: Array(tracked.instance(k)))
        }
        return (views, pseudo)
    }
}
