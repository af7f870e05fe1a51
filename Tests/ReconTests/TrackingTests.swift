import Foundation
import Geometry
import Testing
@testable import Recon

/// `track` mode's relative acceptance test (`TrackingMonitor`), its score, and recovery through a fast turn.
@Suite struct TrackingTests {
    static func sample(speed: Double = 0.05, photometric: Double = 0.02, correction: Double = 0.01,
                       inliers: Double = 0.8, rmse: Double = 0.005, consistency: Double = 0.8) -> TrackingSample {
        TrackingSample(inlierRatio: inliers, rmseGeometric: rmse, rmsePhotometric: photometric, correction: correction,
                       speed: speed, consistency: consistency)
    }

    func monitor(history count: Int) -> TrackingMonitor {
        var m = TrackingMonitor(options: ReconOptions.TrackingOptions())
        for i in 0..<count {
            // Slightly varying normal frames.
            let wobble = Double(i % 3) * 0.1
            m.record(Self.sample(speed: 0.05 * (1 + wobble), photometric: 0.02 * (1 + wobble),
                                 correction: 0.01 * (1 + wobble), inliers: 0.8 - 0.1 * wobble))
        }
        return m
    }

    @Test func monitorFlagsFramesThatDepartFromTheRecentMedians() {
        let m = monitor(history: 10)
        #expect(m.suspicion(of: Self.sample()) == nil)
        #expect(m.suspicion(of: Self.sample(speed: 0.07, photometric: 0.03, correction: 0.02, inliers: 0.7)) == nil)
        #expect(m.suspicion(of: Self.sample(photometric: 0.08)) == "photometric RMSE")
        #expect(m.suspicion(of: Self.sample(correction: 0.06)) == "correction")
        #expect(m.suspicion(of: Self.sample(speed: 0.2)) == "speed")
        #expect(m.suspicion(of: Self.sample(inliers: 0.4)) == "inlier ratio")
        #expect(m.suspicion(of: Self.sample(rmse: 0.012)) == "geometric RMSE")
        #expect(m.suspicion(of: Self.sample(consistency: 0.5)) == "consistency")
        // Too little history to judge; a disabled monitor records nothing.
        #expect(monitor(history: 3).suspicion(of: Self.sample(speed: 1)) == nil)
        var options = ReconOptions.TrackingOptions()
        options.relativeWindow = 0
        var disabled = TrackingMonitor(options: options)
        disabled.record(Self.sample())
        #expect(disabled.history.isEmpty && !disabled.isEnabled)
    }

    @Test func monitorKeepsOnlyTheWindow() {
        let m = monitor(history: 40)
        #expect(m.history.count == ReconOptions.TrackingOptions().relativeWindow)
    }

    @Test func robustPredictionLimitsARunawaySpeed() {
        let m = monitor(history: 10)
        let beforeLast = RigidTransform(translation: SIMD3(0, 0, 0))
        let runaway = RigidTransform(rotationVector: SIMD3(0, 0.1, 0), translation: SIMD3(0.3, 0, 0))
        let predicted = m.robustPrediction(last: runaway, beforeLast: beforeLast)
        let step = length3((runaway.inverse * predicted).translation)
        let median = m.median(\.speed) ?? 0
        #expect(step <= 2 * median + 0.0051 && step > median)
        // The rotation of the last motion is kept.
        #expect(abs((runaway.inverse * predicted).rotation.angle - 0.1) < 1e-9)
        // A normal speed is left alone: plain constant velocity.
        let normal = RigidTransform(translation: SIMD3(0.05, 0, 0))
        let same = m.robustPrediction(last: normal, beforeLast: beforeLast)
        #expect(same.translationDistance(to: normal * normal) < 1e-12)
    }

    let intrinsics = PinholeIntrinsics(width: 80, height: 60, fx: 60, fy: 60, cx: 39.5, cy: 29.5)

    func prepared(_ camera: RigidTransform) -> PreparedFrame { BoxRoom.prepared(camera, intrinsics: intrinsics) }

    /// A camera turning on the spot comes back to where it started, so late keyframes see the walls of early ones: the
    /// loop verifications run on several workers and give the same edges, in the same order, as on one.
    @Test func loopVerificationDoesNotDependOnTheWorkerCount() throws {
        var options = fastOptions()
        options.poseMode = .refine
        let estimator = PoseEstimator(options: options, mode: .refine)
        for view in 0..<26 {
            let angle = Double(view) * 2 * .pi / 20
            let pose = BoxRoom.camera(at: SIMD3(2, 1.5, 1.25), looking: SIMD3(cos(angle), sin(angle), -0.1))
            try estimator.add(prepared(pose), view: view, device: pose)
        }
        let one = try estimator.loopEdges(threads: 1)
        let three = try estimator.loopEdges(threads: 3)
        #expect(one.filter(\.isLoop).count > 2)
        #expect(one == three)
    }

    @Test func alignmentScorePrefersTheTruePose() {
        let target = BoxRoom.camera(at: SIMD3(1.2, 1.4, 1.2), looking: SIMD3(1, 0.4, -0.1))
        let motion = RigidTransform(rotationVector: SIMD3(0, 0.05, 0), translation: SIMD3(0.03, 0, 0.02))
        let source = prepared(target * motion), targetFrame = prepared(target)
        let truth = AlignmentScore.consistency(source: source, target: targetFrame, targetFromSource: motion)
        let shifted = AlignmentScore.consistency(source: source, target: targetFrame,
                                                 targetFromSource: motion * RigidTransform(translation: SIMD3(0.06, 0, 0)))
        let turned = AlignmentScore.consistency(source: source, target: targetFrame,
                                                targetFromSource: motion * RigidTransform(rotationVector: SIMD3(0, 0.1, 0),
                                                                                          translation: .zero))
        #expect(truth > 0.85 && truth <= 1)
        #expect(shifted < truth - 0.1)
        #expect(turned < truth - 0.1)
    }

    /// A camera sliding sideways along a wall loses a third of the view. The true pose still scores as a pose whose
    /// view stays inside: the score judges how the overlap agrees, not how large it is. Counted as misses, the
    /// samples that left would have scored the true pose below the pose that stayed behind.
    @Test func alignmentScoreDoesNotFavourAPoseThatStayedBehind() {
        let target = BoxRoom.camera(at: SIMD3(2, 1.5, 1.25), looking: SIMD3(1, 0, 0))
        let slide = RigidTransform(translation: SIMD3(0.9, 0, 0))   // camera x: along the wall x = 4
        let source = prepared(target * slide), targetFrame = prepared(target)
        let truth = AlignmentScore.consistency(source: source, target: targetFrame, targetFromSource: slide)
        let stayed = AlignmentScore.consistency(source: source, target: targetFrame, targetFromSource: .identity)
        let halfway = AlignmentScore.consistency(source: source, target: targetFrame,
                                                 targetFromSource: RigidTransform(translation: SIMD3(0.45, 0, 0)))
        // The share of the source's samples that land inside the target's image at the true pose.
        let k = intrinsics
        var inside = 0, valid = 0
        for v in 0..<k.height {
            for u in 0..<k.width where source.depth[v * k.width + u] > 0 {
                valid += 1
                let z = Double(source.depth[v * k.width + u])
                let p = slide.apply(to: SIMD3((Double(u) - k.cx) / k.fx * z, (Double(v) - k.cy) / k.fy * z, z))
                let ut = k.fx * p.x / p.z + k.cx
                if ut >= 0, ut < Double(k.width - 1) { inside += 1 }
            }
        }
        let overlap = Double(inside) / Double(valid)
        #expect(overlap < 0.75, "overlap \(overlap)")
        #expect(truth > 0.9, "truth \(truth)")
        #expect(truth > stayed + 0.2 && truth > halfway + 0.2, "truth \(truth) stayed \(stayed) halfway \(halfway)")
        // Nothing inside the image: 0, not a division by zero.
        let away = RigidTransform(translation: SIMD3(50, 0, 0))
        #expect(AlignmentScore.consistency(source: source, target: targetFrame, targetFromSource: away) == 0)
    }

    /// A camera that moves forward and turns slowly, then jerks through a fast turn about two axes, then slows down.
    static func fastTurnTrajectory(yaw fastYaw: Double = 16, pitch fastPitch: Double = 7) -> [RigidTransform] {
        var pose = BoxRoom.camera(at: SIMD3(1.0, 1.3, 1.2), looking: SIMD3(1, 0.1, 0))
        var poses = [pose]
        for i in 1..<16 {
            let fast = (8...10).contains(i)
            let yaw = (fast ? fastYaw : 2.0) * .pi / 180, pitch = (fast ? fastPitch : 0.0) * .pi / 180
            pose = pose * RigidTransform(rotationVector: SIMD3(pitch, yaw, 0), translation: SIMD3(0.01, 0, 0.03))
            poses.append(pose)
        }
        return poses
    }

    func track(_ poses: [RigidTransform], relativeWindow: Int, modelVoxel: Double = 0,
               modelRole: ReconOptions.TrackingOptions.ModelRole = .lead) throws
        -> (poses: [RigidTransform], failures: Int, modelAlignments: Int) {
        var options = fastOptions()
        options.tracking.modelRole = modelRole
        options.poseMode = .track
        options.loopClosure.enabled = false
        options.tracking.relativeWindow = relativeWindow
        options.tracking.modelVoxelSize = modelVoxel
        let estimator = PoseEstimator(options: options, mode: .track)
        for (view, pose) in poses.enumerated() {
            try estimator.add(prepared(pose), view: view, device: nil)
        }
        let estimated = try estimator.finish(threads: 1).map { poses[0] * $0 }
        return (estimated, estimator.report.trackingFailures, estimator.report.modelAlignments)
    }

    /// Frame-to-model tracking (each frame aligned to the fused model rendered at the last pose) follows the same
    /// trajectory, fast turn included, and really aligns to the model.
    @Test func frameToModelTrackingFollowsTheTrajectory() throws {
        let truth = Self.fastTurnTrajectory(yaw: 8, pitch: 4)
        let model = try track(truth, relativeWindow: 15, modelVoxel: 0.02)
        #expect(model.modelAlignments >= truth.count / 2)
        #expect(Self.worstStepError(model.poses, truth) < 0.01)
        #expect(model.failures == 0)
        // Off by default: the keyframe alignment as before. Over the whole path the model tracks about as well.
        let keyframes = try track(truth, relativeWindow: 15)
        #expect(keyframes.modelAlignments == 0)
        func worst(_ poses: [RigidTransform]) -> Double { zip(poses, truth).map { $0.translationDistance(to: $1) }.max() ?? 1 }
        #expect(worst(model.poses) < 0.02)
        #expect(worst(model.poses) <= worst(keyframes.poses) + 0.005, "model \(worst(model.poses)) keyframes \(worst(keyframes.poses))")
        // With the model as the cross-check only, the keyframe alignment leads and no frame counts as model-aligned.
        let checked = try track(truth, relativeWindow: 15, modelVoxel: 0.02, modelRole: .check)
        #expect(checked.modelAlignments == 0)
        #expect(Self.worstStepError(checked.poses, truth) < 0.01)
    }

    /// The lens is covered for three frames while the camera is carried back towards where it was at frame 3; the
    /// first frame after is lost against the blank keyframe and is relocalised against the earlier keyframes. Without
    /// relocalisation (and without loop closure, which could also repair it) the frames after keep a guessed pose.
    @Test func lostFramesAreRelocalisedAgainstEarlierKeyframes() throws {
        let step = RigidTransform(rotationVector: SIMD3(0, 2 * .pi / 180, 0), translation: SIMD3(0.01, 0, 0.03))
        var truth = [BoxRoom.camera(at: SIMD3(1.0, 1.3, 1.2), looking: SIMD3(1, 0.1, 0))]
        for _ in 1..<15 { truth.append(truth[truth.count - 1] * step) }
        let covered = 12..<15
        truth.append(truth[3] * RigidTransform(rotationVector: SIMD3(0, -0.05, 0), translation: SIMD3(0.02, 0, 0.04)))
        for _ in 0..<5 { truth.append(truth[truth.count - 1] * step) }
        let resumed = 15..<truth.count

        func run(candidates: Int) throws -> (poses: [RigidTransform], report: PoseEstimationReport) {
            var options = fastOptions()
            options.poseMode = .track
            options.loopClosure.enabled = false
            options.tracking.relocalisationCandidates = candidates
            let estimator = PoseEstimator(options: options, mode: .track)
            for (view, pose) in truth.enumerated() {
                var frame = prepared(pose)
                if covered.contains(view) {
                    frame = PreparedFrame(intrinsics: frame.intrinsics, depth: [Float](repeating: 0, count: frame.depth.count),
                                          rgb: frame.rgb, intensity: [Float](repeating: 0, count: frame.intensity.count),
                                          validDepthFraction: 0)
                }
                try estimator.add(frame, view: view, device: nil)
            }
            return (try estimator.finish(threads: 1).map { truth[0] * $0 }, estimator.report)
        }
        func worst(_ poses: [RigidTransform], _ views: Range<Int>) -> Double {
            views.map { poses[$0].translationDistance(to: truth[$0]) }.max() ?? 1
        }
        let on = try run(candidates: 3)
        #expect(on.report.relocalisations == 1)
        #expect(on.report.trackingFailures == covered.count)
        #expect(worst(on.poses, resumed) < 0.01, "worst \(worst(on.poses, resumed))")
        #expect(worst(on.poses, 0..<12) < 0.01)
        let off = try run(candidates: 0)
        #expect(off.report.relocalisations == 0)
        #expect(off.report.trackingFailures == covered.count + 1)
        #expect(worst(off.poses, resumed) > 0.1, "worst \(worst(off.poses, resumed))")
        // Before the loss both runs track alike (the global refinement also sees the relocalised keyframe's overlap
        // with the early ones, so the two differ by about a millimetre there).
        let before = zip(on.poses, off.poses).prefix(12).map { $0.translationDistance(to: $1) }.max() ?? 1
        #expect(before < 0.005)
        #expect(worst(off.poses, 0..<12) < 0.01)
    }

    /// Frames dropped from the input (no depth) are spanned by the prediction: after three dropped frames of a
    /// steady motion the next frame is predicted four motions on, and tracked without a failure.
    @Test func predictionSpansDroppedFrames() throws {
        let step = RigidTransform(rotationVector: SIMD3(0, 4 * .pi / 180, 0), translation: SIMD3(0.02, 0, 0.05))
        var truth = [BoxRoom.camera(at: SIMD3(1.0, 1.3, 1.2), looking: SIMD3(1, 0.1, 0))]
        for _ in 1..<16 { truth.append(truth[truth.count - 1] * step) }
        let dropped = 8..<11
        var options = fastOptions()
        options.poseMode = .track
        options.loopClosure.enabled = false
        let estimator = PoseEstimator(options: options, mode: .track)
        var used: [Int] = []
        for (index, pose) in truth.enumerated() where !dropped.contains(index) {
            try estimator.add(prepared(pose), view: used.count, device: nil, inputIndex: index)
            used.append(index)
        }
        let poses = try estimator.finish(threads: 1).map { truth[0] * $0 }
        #expect(estimator.report.trackingFailures == 0)
        let worst = zip(poses, used).map { $0.translationDistance(to: truth[$1]) }.max() ?? 1
        #expect(worst < 0.01, "worst \(worst)")
        // The repeated motion: whole steps compose, one step is the motion itself.
        let three = PoseEstimator.motion(step, repeated: 3)
        #expect(three.translationDistance(to: step * step * step) < 1e-9)
        #expect(abs((three.inverse * step * step * step).rotation.angle) < 1e-9)
        #expect(PoseEstimator.motion(step, repeated: 1) == step)
    }

    /// The worst error of the frame-to-frame motions (metres + 0.3 m per radian).
    static func worstStepError(_ estimate: [RigidTransform], _ truth: [RigidTransform]) -> Double {
        (1..<truth.count).map { i in
            let e = estimate[i - 1].inverse * estimate[i], t = truth[i - 1].inverse * truth[i]
            return e.translationDistance(to: t) + 0.3 * e.rotationAngle(to: t)
        }.max() ?? 0
    }

    /// A jolt of 16° yaw and 7° pitch beyond the constant-velocity prediction: the plain path (absolute tests,
    /// yaw-only retries) loses the frame and falls back to the prediction, 15° off; the checked path recovers it.
    @Test func fastTurnIsRecoveredWhereThePlainPathLosesIt() throws {
        let truth = Self.fastTurnTrajectory(yaw: 16, pitch: 7)
        let plain = try track(truth, relativeWindow: 0)
        let checked = try track(truth, relativeWindow: 15)
        let plainError = Self.worstStepError(plain.poses, truth)
        let checkedError = Self.worstStepError(checked.poses, truth)
        #expect(plain.failures >= 1 && plainError > 0.05)
        #expect(checkedError < 0.01)
        #expect(checked.failures == 0)
    }

    /// The second frame has no motion to predict from, so its alignment starts from no motion. When the camera
    /// already turns fast there, that start converges wrong; the second frame is checked against the recovery's
    /// other starts (the coarse rotation search) and the best-scoring one is kept.
    @Test func aFastFirstMotionIsChecked() throws {
        let start = BoxRoom.camera(at: SIMD3(1.0, 1.3, 1.2), looking: SIMD3(1, 0.1, 0))
        var truth = [start]
        for i in 1..<8 {
            let yaw = (i == 1 ? 26.0 : 2.0) * .pi / 180
            truth.append(truth[i - 1] * RigidTransform(rotationVector: SIMD3(0, yaw, 0), translation: SIMD3(0.01, 0, 0.03)))
        }
        let plain = try track(truth, relativeWindow: 0)
        let checked = try track(truth, relativeWindow: 15)
        let plainError = Self.worstStepError(plain.poses, truth)
        let checkedError = Self.worstStepError(checked.poses, truth)
        #expect(plainError > 0.02, "plain \(plainError)")
        #expect(checkedError < 0.01, "checked \(checkedError)")
    }

    /// An alignment of the second frame that passes every test but slid 8 cm: without a motion to compare it
    /// with, the monitor has no reason to doubt it, so the second frame is checked against the other starts anyway.
    @Test func theSecondFramesAlignmentIsCheckedEvenWhenItLooksFine() throws {
        var options = fastOptions()
        options.poseMode = .track
        options.loopClosure.enabled = false
        let estimator = PoseEstimator(options: options, mode: .track)
        let first = BoxRoom.camera(at: SIMD3(1.2, 1.4, 1.2), looking: SIMD3(1, 0.4, -0.1))
        let motion = RigidTransform(rotationVector: SIMD3(0, 0.1, 0), translation: SIMD3(0.06, 0, 0.03))
        let previous = prepared(first), frame = prepared(first * motion)
        let slid = motion * RigidTransform(translation: SIMD3(0.08, 0, 0))
        let plain = OdometryResult(targetFromSource: slid, inlierRatio: 0.9, rmseGeometric: 0.003, rmsePhotometric: 0.01,
                                   correspondences: 1000, information: [Double](repeating: 0, count: 36))
        let keyframe = PoseEstimator.Keyframe(view: 0, frame: previous, worldFromCamera: .identity, device: nil)
        let t = options.tracking
        func decide(firstMotion: Bool) throws -> PoseEstimator.TrackingDecision {
            try estimator.trackChecked(frame, plain: plain, initial: .identity, predicted: .identity, keyframe: keyframe,
                                       previous: previous, previousIsKeyframe: true, last: .identity, beforeLast: .identity,
                                       firstMotion: firstMotion) { r, start in
                r.inlierRatio >= t.minInlierRatio && r.rmseGeometric <= t.maxRMSE
                    && r.targetFromSource.translationDistance(to: start) <= t.maxCorrection
            }
        }
        let unchecked = try decide(firstMotion: false), checked = try decide(firstMotion: true)
        #expect(unchecked.keyFromCamera == slid && !unchecked.recovered)
        #expect(checked.recovered && checked.accepted)
        #expect(checked.keyFromCamera.translationDistance(to: motion) < 0.01,
                "\(checked.keyFromCamera.translationDistance(to: motion))")
    }

    /// Turns the plain path tracks too: the relative test must not make them worse.
    @Test(arguments: [(20.0, 0.0), (8.0, 4.0)])
    func milderTurnsStayAsAccurateAsThePlainPath(jolt: (yaw: Double, pitch: Double)) throws {
        let truth = Self.fastTurnTrajectory(yaw: jolt.yaw, pitch: jolt.pitch)
        let plainError = Self.worstStepError(try track(truth, relativeWindow: 0).poses, truth)
        let checked = try track(truth, relativeWindow: 15)
        let checkedError = Self.worstStepError(checked.poses, truth)
        #expect(checkedError < 0.01)
        #expect(checkedError <= plainError + 0.002)
        #expect(checked.failures == 0)
    }
}
