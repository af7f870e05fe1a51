import CBridge
import Foundation
import Geometry

/// `track` mode's relative acceptance test and recovery (`TrackingMonitor`).
extension PoseEstimator {
    /// What `track` mode decided for one frame.
    struct TrackingDecision {
        var result: OdometryResult
        var keyFromCamera: RigidTransform
        var accepted: Bool
        /// The pose came from an alignment to the previous frame (not the keyframe): the frame becomes a keyframe.
        var viaPrevious: Bool
        /// The frame looked suspicious and its pose came from the recovery's candidates.
        var recovered = false
    }

    /// One candidate pose of the new frame and its score against the previous frame.
    struct TrackingCandidate {
        var world: RigidTransform
        var result: OdometryResult
        var viaPrevious: Bool
        var score: Double
    }

    /// Accepts the keyframe alignment `plain` when it passes the absolute tests and looks like the recent frames;
    /// otherwise aligns to the previous frame from several starts (the prediction, a speed-limited prediction, no
    /// motion, the best starts of a coarse rotation search, and a photometric-heavy finest-level alignment) and keeps
    /// the best candidate. Candidates, including the unaligned prediction, are all scored against the previous frame
    /// with `AlignmentScore`, less `recoveryPriorWeight` × their departure from the speed-limited prediction
    /// (metres + 0.3 m/rad): textureless or planar views leave some motion unobservable, the score is flat there, and
    /// the smooth-motion prior is the better guess. Nothing acceptable: a failure, posed at that prediction.
    ///
    /// `firstMotion` (the second frame, whose alignment started from no motion for want of a motion to predict
    /// from): `plain` goes to the candidates even when it looks fine, and they are scored without the prior.
    ///
    /// `crossCheck` (with a tracking model, `plain` is the model alignment and this the keyframe alignment, or the other
    /// way round with `tracking.modelRole` check): when
    /// both pass the absolute tests but differ by more than `tracking.modelAgreement` (metres + 0.3 m/rad), the frame
    /// is suspicious too, and the cross-check joins the recovery's candidates.
    func trackChecked(_ frame: PreparedFrame, plain: OdometryResult, crossCheck: OdometryResult? = nil,
                      initial: RigidTransform, predicted: RigidTransform,
                      keyframe: Keyframe, previous: PreparedFrame, previousIsKeyframe: Bool, last: RigidTransform,
                      beforeLast: RigidTransform, firstMotion: Bool = false,
                      acceptable: (OdometryResult, RigidTransform) -> Bool) throws(ReconError) -> TrackingDecision {
        let robust = monitor.robustPrediction(last: last, beforeLast: beforeLast)
        func score(_ previousFromFrame: RigidTransform) -> Double {
            AlignmentScore.consistency(source: frame, target: previous, targetFromSource: previousFromFrame)
        }
        let plainWorld = keyframe.worldFromCamera * plain.targetFromSource
        let plainAcceptable = acceptable(plain, initial)
        let plainSample = TrackingSample(
            inlierRatio: plain.inlierRatio, rmseGeometric: plain.rmseGeometric, rmsePhotometric: plain.rmsePhotometric,
            correction: plain.targetFromSource.translationDistance(to: initial),
            speed: last.translationDistance(to: plainWorld),
            consistency: score(last.inverse * plainWorld))
        var reason = plainAcceptable ? monitor.suspicion(of: plainSample) : "absolute tests"
        // The second frame has no motion to predict from: its alignment started from no motion, so it is checked
        // against the other starts, scored without the smooth-motion prior.
        if firstMotion, reason == nil { reason = "first motion" }
        let crossCheckAcceptable = crossCheck.map { acceptable($0, initial) } ?? false
        if reason == nil, let crossCheck, crossCheckAcceptable {
            let other = crossCheck.targetFromSource, own = plain.targetFromSource
            if other.translationDistance(to: own) + 0.3 * other.rotationAngle(to: own) > options.tracking.modelAgreement {
                reason = "model and keyframe alignments disagree"
            }
        }
        guard let reason else {
            monitor.record(plainSample)
            return TrackingDecision(result: plain, keyFromCamera: plain.targetFromSource, accepted: true, viaPrevious: false)
        }
        trackingTrace("view suspicious: \(reason)")
        var candidates: [TrackingCandidate] = []
        if plainAcceptable {
            candidates.append(TrackingCandidate(world: plainWorld, result: plain, viaPrevious: false,
                                                score: plainSample.consistency))
        }
        if let crossCheck, crossCheckAcceptable {
            let world = keyframe.worldFromCamera * crossCheck.targetFromSource
            candidates.append(TrackingCandidate(
                world: world, result: crossCheck, viaPrevious: false,
                score: score(last.inverse * world)))
        }
        var starts = [robust, predicted, last]
        starts += try coarseRotationStarts(frame, previous: previous, last: last, around: robust)
        // A photometric-heavy alignment from the prediction: planar textured views (a board, a poster) constrain
        // in-plane motion only through the grey levels.
        var photometric = options.tracking
        photometric.photometricWeight *= 4
        photometric.pyramidLevels = 1
        photometric.iterations = [6]
        let photometricOptions = RGBDOdometry.bridgeOptions(photometric, input: options.input, threads: 1)
        let photometricResult = try RGBDOdometry.align(source: frame, target: previous, initial: last.inverse * robust,
                                                       options: photometricOptions)
        if acceptable(photometricResult, last.inverse * robust) {
            candidates.append(TrackingCandidate(world: last * photometricResult.targetFromSource, result: photometricResult,
                                                viaPrevious: !previousIsKeyframe,
                                                score: score(photometricResult.targetFromSource)))
        }
        for (i, start) in starts.enumerated() {
            // Starts that nearly coincide converge alike.
            let repeated = starts[..<i].contains {
                $0.translationDistance(to: start) < 0.005 && $0.rotationAngle(to: start) < 0.5 * .pi / 180
            }
            if repeated { continue }
            let initialToPrevious = last.inverse * start
            let r = try RGBDOdometry.align(source: frame, target: previous, initial: initialToPrevious,
                                           options: odometryOptions)
            // Gated from the prediction, not from the start: a coarse start may have slid far.
            guard acceptable(r, last.inverse * robust) else { continue }
            candidates.append(TrackingCandidate(world: last * r.targetFromSource, result: r,
                                                viaPrevious: !previousIsKeyframe, score: score(r.targetFromSource)))
        }
        // The prediction itself: where planar or textureless views leave the alignments sliding, it is often the
        // best-supported pose (scored like the others, so it only wins when the data agree with it).
        if let any = candidates.first {
            candidates.append(TrackingCandidate(world: robust, result: any.result, viaPrevious: !previousIsKeyframe,
                                                score: score(last.inverse * robust)))
        }
        guard let best = candidates.map(\.score).max() else {
            trackingTrace("recovery failed")
            return TrackingDecision(result: plain, keyFromCamera: keyframe.worldFromCamera.inverse * robust,
                                    accepted: false, viaPrevious: false)
        }
        func penalised(_ c: TrackingCandidate) -> Double {
            let departure = c.world.translationDistance(to: robust) + 0.3 * c.world.rotationAngle(to: robust)
            return c.score - (firstMotion ? 0 : options.tracking.recoveryPriorWeight) * departure
        }
        for (i, c) in candidates.enumerated() {
            trackingTrace("candidate \(i) score \(c.score) penalised \(penalised(c)) T \(traceText(c.world))")
        }
        guard var chosen = candidates.max(by: { penalised($0) < penalised($1) }) else {
            return TrackingDecision(result: plain, keyFromCamera: keyframe.worldFromCamera.inverse * robust,
                                    accepted: false, viaPrevious: false)
        }
        // Where the view leaves a translation unobserved (a wall, a corridor), candidates that slid along it score
        // alike: among those within `degenerateScoreMargin` of the best, keep the one that moved least along it.
        let margin = options.tracking.degenerateScoreMargin
        if margin > 0 {
            let observability = TranslationObservability(frame, threshold: options.tracking.degeneracyThreshold)
            if !observability.unobserved.isEmpty {
                let top = penalised(chosen)
                let slid = { (c: TrackingCandidate) in observability.displacement(of: c.world, from: robust) }
                if let steadiest = candidates.filter({ penalised($0) >= top - margin }).min(by: { slid($0) < slid($1) }),
                   slid(steadiest) < slid(chosen) {
                    trackingTrace("degenerate view (eigenvalues \(observability.eigenvalues)): kept the candidate "
                        + "\(slid(steadiest)) m along the unobserved directions instead of \(slid(chosen)) m")
                    chosen = steadiest
                }
            }
        }
        // The recovery confirmed the keyframe alignment: its statistics are normal after all, and recording them
        // lets the medians follow a lasting change of the scene (darker, noisier) instead of flagging every frame.
        if plainAcceptable, chosen.world == plainWorld { monitor.record(plainSample) }
        trackingTrace("recovered: \(candidates.count) candidates, best \(best), chosen \(chosen.score) "
            + "via previous \(chosen.viaPrevious)")
        return TrackingDecision(result: chosen.result, keyFromCamera: keyframe.worldFromCamera.inverse * chosen.world,
                                accepted: true, viaPrevious: chosen.viaPrevious, recovered: true)
    }

    /// Starts from a coarse rotation search: the frame and the previous one at quarter resolution (half for small
    /// images), aligned from `around` turned about the camera's vertical axis (yaw) and its other two axes, scored by
    /// `AlignmentScore`; the two best, each also with `around`'s camera centre. The angles are the recovery's
    /// (`recoverySearchYawDegrees`, `recoverySearchTiltDegrees`) unless given.
    func coarseRotationStarts(_ frame: PreparedFrame, previous: PreparedFrame, last: RigidTransform,
                              around: RigidTransform, yawDegrees: [Double]? = nil,
                              tiltDegrees: [Double]? = nil) throws(ReconError) -> [RigidTransform] {
        let t = options.tracking
        var source = frame, target = previous
        var halvings = 0
        while halvings < 2, source.intrinsics.width >= 80, target.intrinsics.width == source.intrinsics.width {
            source = source.halved()
            target = target.halved()
            halvings += 1
        }
        guard source.intrinsics.width >= 16, source.intrinsics.height >= 12 else { return [] }
        var coarse = t
        coarse.pyramidLevels = 1
        coarse.iterations = [5]
        coarse.maxPoints = 500
        coarse.maxCorrespondenceDistance = t.maxCorrespondenceDistance * Double(1 << halvings) * 2
        let bridge = RGBDOdometry.bridgeOptions(coarse, input: options.input, threads: 1)
        var turns: [SIMD3<Double>] = []
        for degrees in yawDegrees ?? t.recoverySearchYawDegrees { turns += [SIMD3(0, degrees, 0), SIMD3(0, -degrees, 0)] }
        for degrees in tiltDegrees ?? t.recoverySearchTiltDegrees {
            turns += [SIMD3(degrees, 0, 0), SIMD3(-degrees, 0, 0), SIMD3(0, 0, degrees), SIMD3(0, 0, -degrees)]
        }
        var scored: [(world: RigidTransform, score: Double)] = []
        for turn in turns {
            let start = around * RigidTransform(rotationVector: turn * .pi / 180, translation: .zero)
            let r = try RGBDOdometry.align(source: source, target: target, initial: last.inverse * start, options: bridge)
            guard r.targetFromSource.translation.x.isFinite else { continue }
            let score = AlignmentScore.consistency(source: source, target: target, targetFromSource: r.targetFromSource,
                                                   samples: 500)
            scored.append((last * r.targetFromSource, score))
        }
        // Each as aligned and with only its rotation (at a quarter of the resolution the translation is loosely
        // pinned, and a camera moves a few centimetres per frame where it may turn by tens of degrees).
        return scored.sorted { $0.score > $1.score }.prefix(2).flatMap { found in
            [found.world, RigidTransform(rotation: found.world.rotation, translation: around.translation)]
        }
    }

    /// A pose for the trace: translation, then the quaternion x y z w (as TUM trajectories order them).
    func traceText(_ pose: RigidTransform) -> String {
        let t = pose.translation, q = pose.rotation
        return "\(t.x) \(t.y) \(t.z) \(q.x) \(q.y) \(q.z) \(q.w)"
    }

    func trackingTrace(_ message: @autoclosure () -> String) {
        guard ProcessInfo.processInfo.environment["OVSEG3R_TRACK_TRACE"] != nil else { return }
        FileHandle.standardError.write(Data("TRACE   \(message())\n".utf8))
    }
}
