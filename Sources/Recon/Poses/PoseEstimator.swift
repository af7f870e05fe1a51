import CBridge
import Foundation
import Geometry
import Support

/// Counts of the pose stage; `trackingFailures` and `loopRejected` are lower-is-better.
public struct PoseEstimationReport: Codable, Sendable, Equatable {
    public var keyframes = 0
    /// Frames whose odometry was rejected (inlier ratio, RMSE or jump) and replaced by the device pose
    /// (refine) or the constant-velocity prediction (track).
    public var trackingFailures = 0
    /// Keyframe pairs that passed the pose-proximity and view-overlap tests.
    public var loopCandidates = 0
    /// Loop edges verified by ICP and kept after the pose-graph solve.
    public var loopClosures = 0
    /// Loop edges rejected by ICP verification or by their residual after the solve.
    public var loopRejected = 0
    public var meanInlierRatio = 0.0
    /// `refine` only: which trajectory was kept and why (nil when the guard is off or did not run).
    public var refineGuard: RefineGuardReport?
    /// Bytes of keyframe images held at the end of tracking (lower is better).
    public var keyframeBytes = 0
    /// `track`: lost frames placed again against an earlier keyframe (PoseEstimator+Relocalisation.swift).
    public var relocalisations = 0
    /// `track` with a tracking volume: frames whose leading alignment was to the model's rendering rather than to the
    /// keyframe (with `tracking.modelRole` check the model only cross-checks, and those frames are not counted).
    public var modelAlignments = 0
    /// The global dense refinement after the pose graph (nil when off or with a single keyframe).
    public var globalRefinement: GlobalRefinementResult?
}

/// Frame-to-keyframe RGB-D odometry, keyframes, loop closure and a pose graph over keyframes.
///
/// Frames are added in order. Each is aligned to the current keyframe, starting from the device motion since the
/// keyframe (`refine`) or from a constant-velocity prediction (`track`). A rejected alignment falls back to that
/// starting guess and is counted. A frame becomes the next keyframe when it moved or turned enough or its overlap
/// dropped; consecutive keyframes are joined by an odometry edge. `finish()` adds verified loop edges and solves
/// the pose graph; every frame then follows its keyframe by its fixed keyframe-relative pose.
final class PoseEstimator {
    struct Keyframe {
        var view: Int
        var frame: PreparedFrame
        var worldFromCamera: RigidTransform
        var device: RigidTransform?
        /// Made from a lost frame: its pose is a guess, so it is never a relocalisation target.
        var isGuess = false
    }

    let options: ReconOptions
    let mode: PoseMode
    let odometryOptions: cb_odometry_options
    /// Loop verification starts from the trajectory's own (drifted) estimate: no pull towards it.
    private let loopOptions: cb_odometry_options
    /// `track` mode's relative acceptance test (PoseEstimator+Tracking.swift).
    var monitor: TrackingMonitor
    private(set) var keyframes: [Keyframe] = []
    private var edges: [PoseGraphEdge] = []
    /// Per added frame: its keyframe and keyframe_from_camera.
    private var anchors: [(keyframe: Int, keyframeFromCamera: RigidTransform)] = []
    private var worldPoses: [RigidTransform] = []
    /// Per added frame: its index in the input, so that `track`'s prediction spans the frames dropped in between.
    private var inputIndices: [Int] = []
    /// The last added frame at full resolution: the recovery target when the keyframe alignment fails.
    private var previous: (view: Int, frame: PreparedFrame)?
    /// `track` with `tracking.modelVoxelSize` > 0: the tracking volume (PoseEstimator+Model.swift).
    var model: TSDFVolume?
    /// Frames aligned to the model rendering rather than the keyframe (for the summary).
    var modelAlignments = 0
    /// Per added frame: its device pose (refine), for the guard.
    private var devices: [RigidTransform?] = []
    private var inlierSum = 0.0
    /// Relocalisation's thumbnails of `keyframes`, made only once a frame is lost.
    var keyframeThumbnails: [Thumbnail] = []
    private(set) var report = PoseEstimationReport()
    /// The refined poses when the guard wrote the device poses instead (for the summary's ground-truth comparison).
    private(set) var unguarded: [RigidTransform]?
    /// Every frame's pose after each stage of `finish()` ("odometry": the keyframe chain alone, "poseGraph",
    /// "globalRefinement"), for the summary's ground-truth comparison of the stages.
    private(set) var stages: [(name: String, poses: [RigidTransform])] = []

    init(options: ReconOptions, mode: PoseMode) {
        self.options = options
        self.mode = mode
        odometryOptions = RGBDOdometry.bridgeOptions(options.tracking, input: options.input, threads: 1,
                                                     priorWeight: mode == .refine ? options.tracking.devicePriorWeight : 0)
        loopOptions = RGBDOdometry.bridgeOptions(options.tracking, input: options.input, threads: 1)
        monitor = TrackingMonitor(options: options.tracking)
    }

    /// Input frames since the last added frame, in units of the input frames between the two before (1 when nothing
    /// was dropped; at most 10).
    private func frameSteps() -> Double {
        let n = inputIndices.count
        guard n >= 3 else { return 1 }
        let gap = inputIndices[n - 1] - inputIndices[n - 2], previous = inputIndices[n - 2] - inputIndices[n - 3]
        guard gap > 0, previous > 0, gap != previous else { return 1 }
        return min(10, Double(gap) / Double(previous))
    }

    /// `motion` applied `steps` times (on the Lie algebra for a fraction); exactly `motion` for one step.
    static func motion(_ motion: RigidTransform, repeated steps: Double) -> RigidTransform {
        guard steps != 1 else { return motion }
        let twist = motion.log()
        return .exp(Twist(rotation: twist.rotation * steps, translation: twist.translation * steps))
    }

    private var sigmaScale: Double { 1 / (options.loopClosure.sigma * options.loopClosure.sigma) }

    /// Tracks one frame; `device` is its device pose (refine mode), when known; `inputIndex` is its index in the input
    /// (default: `view`), whose gaps (frames dropped for want of depth) `track`'s constant-velocity prediction spans.
    func add(_ frame: PreparedFrame, view: Int, device: RigidTransform?, inputIndex: Int? = nil) throws(ReconError) {
        devices.append(device)
        inputIndices.append(inputIndex ?? view)
        guard let keyframe = keyframes.last else {
            let start = device ?? .identity
            keyframes.append(Keyframe(view: view, frame: frame, worldFromCamera: start, device: device))
            anchors.append((0, .identity))
            worldPoses.append(start)
            previous = (view, frame)
            try fuseIntoModel(frame, at: start)
            return
        }
        let keyIndex = keyframes.count - 1
        let predicted: RigidTransform
        if mode == .refine, let device, let keyDevice = keyframe.device {
            predicted = keyframe.worldFromCamera * (keyDevice.inverse * device)
        } else if worldPoses.count >= 2 {
            let last = worldPoses[worldPoses.count - 1], beforeLast = worldPoses[worldPoses.count - 2]
            predicted = last * Self.motion(beforeLast.inverse * last, repeated: frameSteps())
        } else {
            predicted = worldPoses[worldPoses.count - 1]
        }
        let t = options.tracking
        func acceptable(_ r: OdometryResult, from start: RigidTransform) -> Bool {
            r.inlierRatio >= t.minInlierRatio && r.rmseGeometric <= t.maxRMSE
                && r.targetFromSource.translationDistance(to: start) <= t.maxCorrection
                && r.targetFromSource.translation.x.isFinite
        }
        let initial = keyframe.worldFromCamera.inverse * predicted
        var result: OdometryResult
        // With a tracking model the model alignment leads and the keyframe alignment is its cross-check (the other way
        // round with `tracking.modelRole` check).
        var crossCheck: OdometryResult?
        if let toModel = try alignToModel(frame, last: worldPoses[worldPoses.count - 1], predicted: predicted,
                                          keyframe: keyframe.worldFromCamera) {
            result = toModel
            var modelLeads = true
            if t.modelAgreement > 0 {
                crossCheck = try RGBDOdometry.align(source: frame, target: keyframe.frame, initial: initial,
                                                    options: odometryOptions)
                if t.modelRole == .check, let keyResult = crossCheck {
                    (result, crossCheck) = (keyResult, toModel)
                    modelLeads = false
                }
            }
            if modelLeads { modelAlignments += 1 }
        } else {
            result = try RGBDOdometry.align(source: frame, target: keyframe.frame, initial: initial, options: odometryOptions)
        }
        var accepted = acceptable(result, from: initial)
        var keyFromCamera = result.targetFromSource
        var viaPrevious = false
        var fallback = initial
        var recovered = false
        if mode == .track, monitor.isEnabled, let previous {
            let last = worldPoses[worldPoses.count - 1]
            let decision = try trackChecked(frame, plain: result, crossCheck: crossCheck, initial: initial, predicted: predicted,
                                            keyframe: keyframe, previous: previous.frame,
                                            previousIsKeyframe: previous.view == keyframe.view, last: last,
                                            beforeLast: worldPoses.count >= 2 ? worldPoses[worldPoses.count - 2] : last,
                                            firstMotion: worldPoses.count == 1, acceptable: acceptable)
            (result, keyFromCamera, accepted, viaPrevious) = (decision.result, decision.keyFromCamera, decision.accepted,
                                                              decision.viaPrevious)
            if !accepted { fallback = decision.keyFromCamera }
            recovered = decision.recovered
        } else if !accepted, worldPoses.count >= 2 || mode == .refine,
           let recovered = try recover(frame, predicted: predicted, acceptable: acceptable) {
            (result, keyFromCamera, viaPrevious) = recovered
            accepted = true
        }
        // Lost: try to place the frame against an earlier keyframe before falling back to a guessed pose.
        var relocalised: (keyframe: Int, keyFromCamera: RigidTransform)?
        if !accepted, let placed = try relocalise(frame, predicted: predicted) {
            relocalised = (placed.keyframe, placed.keyFromCamera)
            result = placed.result
            report.relocalisations += 1
        } else if !accepted {
            keyFromCamera = fallback
            report.trackingFailures += 1
        }
        inlierSum += result.inlierRatio
        // A relocalised frame is posed from the keyframe it was placed against (it becomes a keyframe, so its pose
        // relative to the current keyframe is not needed).
        let world = relocalised.map { keyframes[$0.keyframe].worldFromCamera * $0.keyFromCamera }
            ?? keyframe.worldFromCamera * keyFromCamera
        trackingTrace("view \(view) key \(keyframe.view) inl \(result.inlierRatio) rmse \(result.rmseGeometric) "
            + "photo \(result.rmsePhotometric) corr \(keyFromCamera.translationDistance(to: initial)) acc \(accepted) "
            + "prev \(viaPrevious)" + (relocalised.map { " relocalised against keyframe \($0.keyframe)" } ?? ""))
        worldPoses.append(world)
        // A recovered pose is the best of several guesses; fused, a wrong one would stay in the model and mislead
        // every later frame that sees the same surface.
        if (accepted && !recovered) || ((accepted || relocalised != nil) && !t.modelFusesOnlyConfident) {
            try fuseIntoModel(frame, at: world)
        }
        let turned = keyFromCamera.rotation.angle * 180 / .pi
        previous = (view, frame)
        // A frame recovered against the previous frame has lost the keyframe: it becomes the next one.
        let isKeyframe = !accepted || viaPrevious || relocalised != nil || length3(keyFromCamera.translation) > t.keyframeTranslation
            || turned > t.keyframeRotationDegrees || result.inlierRatio < t.keyframeMinInlierRatio
        if isKeyframe {
            // A failed alignment still links the graph, with a weak (5 cm / ~3°) edge.
            // Recovered through the previous frame: two chained estimates, half the information.
            // Relocalised: linked to the keyframe it was placed against, not to the one it was lost from.
            let information = accepted || relocalised != nil
                ? result.information.map { $0 * sigmaScale * (viaPrevious ? 0.5 : 1) } : Self.diagonalInformation(sigma: 0.05)
            edges.append(PoseGraphEdge(a: relocalised?.keyframe ?? keyIndex, b: keyframes.count,
                                       aFromB: relocalised?.keyFromCamera ?? keyFromCamera, information: information,
                                       isLoop: false))
            shrinkKeyframe(keyIndex)
            keyframes.append(Keyframe(view: view, frame: frame, worldFromCamera: world, device: device,
                                      isGuess: !accepted && relocalised == nil))
            anchors.append((keyframes.count - 1, .identity))
        } else {
            anchors.append((keyIndex, keyFromCamera))
        }
    }

    /// Second chances after the keyframe alignment from the prediction failed (a fast or jerky turn). The previous
    /// frame overlaps the new one more than the keyframe does, so it is the target; the starts are the prediction,
    /// no motion, twice the predicted motion, and the prediction turned about the camera's vertical axis by
    /// ±`recoveryTurnsDegrees`. The first accepted result with a high inlier ratio wins, else the best accepted one.
    private func recover(_ frame: PreparedFrame, predicted: RigidTransform,
                         acceptable: (OdometryResult, RigidTransform) -> Bool)
        throws(ReconError) -> (result: OdometryResult, keyFromCamera: RigidTransform, viaPrevious: Bool)? {
        guard let keyframe = keyframes.last, let last = worldPoses.last else { return nil }
        let viaPrevious = previous.map { $0.view != keyframe.view } ?? false
        let reference = viaPrevious ? (previous?.frame ?? keyframe.frame) : keyframe.frame
        let keyFromReference = viaPrevious ? keyframe.worldFromCamera.inverse * last : .identity
        let referenceWorld = keyframe.worldFromCamera * keyFromReference
        var starts: [RigidTransform] = viaPrevious ? [predicted] : []
        starts.append(last)
        starts.append(predicted * (last.inverse * predicted))
        for degrees in options.tracking.recoveryTurnsDegrees {
            for sign in [1.0, -1.0] {
                starts.append(predicted * RigidTransform(rotationVector: SIMD3(0, sign * degrees * .pi / 180, 0),
                                                         translation: .zero))
            }
        }
        var best: (result: OdometryResult, start: RigidTransform)?
        for start in starts {
            let initial = referenceWorld.inverse * start
            let r = try RGBDOdometry.align(source: frame, target: reference, initial: initial, options: odometryOptions)
            guard acceptable(r, initial), r.inlierRatio > (best?.result.inlierRatio ?? -1) else { continue }
            best = (r, initial)
            if r.inlierRatio >= options.tracking.keyframeMinInlierRatio { break }
        }
        guard let best else { return nil }
        return (best.result, keyFromReference * best.result.targetFromSource, viaPrevious)
    }

    /// Once a keyframe stops being the tracking target, only loop verification, overlap tests and the guard use it,
    /// and those work at half resolution.
    private func shrinkKeyframe(_ index: Int) {
        // Small frames (tests, previews) gain little and would lose too much detail.
        guard options.tracking.keyframeDownsample == 2, keyframes[index].frame.intrinsics.width >= 160 else { return }
        keyframes[index].frame = keyframes[index].frame.halved()
    }

    static func diagonalInformation(sigma: Double) -> [Double] {
        var info = [Double](repeating: 0, count: 36)
        for i in 0..<6 { info[i * 6 + i] = 1 / (sigma * sigma) }
        return info
    }

    /// Loop closure, pose graph, and the final world_from_camera of every added frame (in order).
    func finish(threads: Int) throws(ReconError) -> [RigidTransform] {
        report.keyframes = keyframes.count
        report.modelAlignments = modelAlignments
        if let last = keyframes.indices.last { shrinkKeyframe(last) }
        report.keyframeBytes = keyframes.reduce(0) { $0 + $1.frame.byteCount }
        report.meanInlierRatio = anchors.count > 1 ? inlierSum / Double(anchors.count - 1) : 1
        var nodes = keyframes.map(\.worldFromCamera)
        func record(_ name: String) { stages.append((name, anchors.map { nodes[$0.keyframe] * $0.keyframeFromCamera })) }
        record("odometry")
        var allEdges = edges
        if options.loopClosure.enabled, keyframes.count > options.loopClosure.minKeyframeGap + 1 {
            allEdges += try loopEdges(threads: threads)
        }
        if allEdges.count > 0 && keyframes.count > 1 {
            let loop = options.loopClosure
            var norms = try PoseGraph.optimize(&nodes, edges: allEdges, cauchyScale: loop.cauchyScale,
                                               maxIterations: loop.maxIterations, threads: threads)
            let bad = allEdges.indices.filter { allEdges[$0].isLoop && norms[$0] > loop.rejectSquaredError }
            for i in bad {
                trackingTrace("loop \(keyframes[allEdges[i].a].view)-\(keyframes[allEdges[i].b].view) rejected by the "
                    + "solve: whitened squared error \(norms[i])")
            }
            if !bad.isEmpty {
                report.loopRejected += bad.count
                let badSet = Set(bad)
                allEdges = allEdges.indices.filter { !badSet.contains($0) }.map { allEdges[$0] }
                nodes = keyframes.map(\.worldFromCamera)
                norms = try PoseGraph.optimize(&nodes, edges: allEdges, cauchyScale: loop.cauchyScale,
                                               maxIterations: loop.maxIterations, threads: threads)
            }
            report.loopClosures = allEdges.filter(\.isLoop).count
            record("poseGraph")
        }
        let global = options.globalRefinement
        if global.enabled, keyframes.count > 1 {
            // The pose graph's own edges (odometry and kept loops), weakened: the dense terms decide where the
            // surfaces constrain the poses, the edges where they do not.
            var prior: [PoseGraphEdge] = global.priorWeight > 0
                ? allEdges.map { edge in
                    var weak = edge
                    weak.information = edge.information.map { $0 * global.priorWeight }
                    return weak
                } : []
            if mode == .refine, global.devicePriorWeight > 0 {
                prior += devicePriorEdges(weight: global.devicePriorWeight)
            }
            report.globalRefinement = try GlobalRefinement.refine(&nodes, frames: keyframes.map(\.frame), priorEdges: prior,
                                                                  options: global, input: options.input, threads: threads)
            record("globalRefinement")
        }
        let refined = anchors.map { nodes[$0.keyframe] * $0.keyframeFromCamera }
        guard mode == .refine, options.refineGuard.enabled else { return refined }
        let knownDevices = devices.compactMap { $0 }
        let keyDevices = keyframes.compactMap(\.device)
        guard knownDevices.count == devices.count, keyDevices.count == keyframes.count else {
            report.refineGuard = RefineGuardReport(kept: .refined, reason: "some frames have no device pose", pairs: 0,
                                                   refinedMedianResidual: 0, deviceMedianResidual: 0,
                                                   refinedInlierRatio: 0, deviceInlierRatio: 0)
            return refined
        }
        var verdict = TrajectoryConsistency.judge(frames: keyframes.map(\.frame), refined: nodes, device: keyDevices,
                                                  options: options.refineGuard, loop: options.loopClosure)
        let disagreement = TrajectoryConsistency.motionDisagreement(refined: refined, device: knownDevices)
        verdict.motionDisagreementP95 = disagreement.p95
        verdict.motionDisagreementMedian = disagreement.median
        // Sliding shows as a few frames departing far more than the rest; a device with large but steady per-frame
        // errors departs everywhere alike (high median) and is not a reason to distrust the refinement.
        let guardOptions = options.refineGuard
        if verdict.kept == .refined, disagreement.p95 > guardOptions.maxMotionDisagreement,
           disagreement.p95 > guardOptions.motionOutlierRatio * disagreement.median {
            verdict.kept = .device
            verdict.reason = String(format: "refined frame-to-frame motion departs from the device's by %.1f mm (95th "
                                    + "percentile; median %.1f mm): an alignment slid", 1000 * disagreement.p95,
                                    1000 * disagreement.median)
        }
        report.refineGuard = verdict
        unguarded = refined
        return verdict.kept == .device ? knownDevices : refined
    }

    /// Edges joining consecutive keyframes by the device's relative motion, weighted diagonally (translation
    /// `weight`, rotation 2 m × `weight`, as the odometry's prior): they hold the directions that overlapping
    /// surfaces leave free.
    private func devicePriorEdges(weight: Double) -> [PoseGraphEdge] {
        var information = [Double](repeating: 0, count: 36)
        for i in 0..<6 { information[i * 6 + i] = i < 3 ? weight * weight : 4 * weight * weight }
        return keyframes.indices.dropFirst().compactMap { b in
            guard let deviceA = keyframes[b - 1].device, let deviceB = keyframes[b].device else { return nil }
            return PoseGraphEdge(a: b - 1, b: b, aFromB: deviceA.inverse * deviceB, information: information, isLoop: false)
        }
    }

    /// Candidate pairs by pose proximity and view overlap, verified by RGB-D ICP. The verifications are independent
    /// of one another and run on `threads` workers; the edges come out in the same order for any count.
    func loopEdges(threads: Int) throws(ReconError) -> [PoseGraphEdge] {
        let loop = options.loopClosure
        var candidatePairs: [(a: Int, b: Int)] = []
        for b in keyframes.indices {
            var candidates: [(a: Int, overlap: Double)] = []
            for a in 0..<max(0, b - loop.minKeyframeGap + 1) where b - a >= loop.minKeyframeGap {
                let pa = keyframes[a].worldFromCamera, pb = keyframes[b].worldFromCamera
                guard ViewOverlap.near(pa, pb, maxDistance: loop.maxDistance, maxAngleDegrees: loop.maxAngleDegrees)
                else { continue }
                let overlap = ViewOverlap.fraction(of: keyframes[b].frame, at: pb, in: keyframes[a].frame, at: pa)
                if overlap >= loop.minOverlap { candidates.append((a, overlap)) }
            }
            report.loopCandidates += candidates.count
            candidates.sort { ($0.overlap, -$0.a) > ($1.overlap, -$1.a) }
            candidatePairs += candidates.prefix(loop.maxEdgesPerKeyframe).map { (a: $0.a, b: b) }
        }
        let frames = keyframes.map(\.frame), icpOptions = loopOptions
        let pairs = candidatePairs.map { pair in
            (a: pair.a, b: pair.b, initial: keyframes[pair.a].worldFromCamera.inverse * keyframes[pair.b].worldFromCamera)
        }
        let verified = IndexedResults<OdometryResult>(count: pairs.count)
        let failures = IndexedResults<ReconError>(count: pairs.count)
        let workers = max(1, min(threads, pairs.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for i in stride(from: worker, to: pairs.count, by: workers) {
                let (a, b, initial) = pairs[i]
                do throws(ReconError) {
                    verified.set(i, try RGBDOdometry.align(source: frames[b], target: frames[a], initial: initial,
                                                           options: icpOptions))
                } catch {
                    failures.set(i, error)
                }
            }
        }
        if let failure = failures.values.compactMap({ $0 }).first { throw failure }
        var result: [PoseGraphEdge] = []
        for (i, icp) in verified.values.enumerated() {
            guard let icp else { continue }
            let (a, b, initial) = pairs[i]
            let accepted = icp.inlierRatio >= loop.minInlierRatio && icp.rmseGeometric <= loop.maxRMSE
                && icp.targetFromSource.translationDistance(to: initial) <= options.tracking.maxCorrection
            trackingTrace("loop \(keyframes[a].view)-\(keyframes[b].view) inl \(icp.inlierRatio) rmse \(icp.rmseGeometric) "
                + "corr \(icp.targetFromSource.translationDistance(to: initial)) accepted \(accepted) "
                + "T \(traceText(icp.targetFromSource))")
            guard accepted else {
                report.loopRejected += 1
                continue
            }
            result.append(PoseGraphEdge(a: a, b: b, aFromB: icp.targetFromSource,
                                        information: icp.information.map { $0 * sigmaScale }, isLoop: true))
        }
        return result
    }
}
