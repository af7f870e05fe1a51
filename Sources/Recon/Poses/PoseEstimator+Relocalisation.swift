import Geometry

/// `track` mode's relocalisation: when a frame is lost (its alignment and the recovery both failed, for example after
/// the lens was covered or the camera was carried elsewhere), it is compared with every earlier keyframe through a
/// small, blurred thumbnail of its depth and grey levels, as keyframe-based trackers relocalise. The most similar
/// keyframes are tried in order, aligning the frame to each from that keyframe's own pose, from the prediction, and
/// from a coarse search of turns about both. Among the alignments to the first keyframe that gives any passing the stricter test, the one
/// most consistent with it places the frame, and the pose graph links the frame to that keyframe rather than to the
/// lost one. Thumbnails are made only when a frame is lost, so a sequence without failures is tracked as before.
extension PoseEstimator {
    /// A frame reduced to `width` × `height` cells: the mean depth of each cell's valid pixels (0 when fewer than
    /// half are valid) and the mean grey level, normalised to zero mean and unit spread over the frame.
    struct Thumbnail: Sendable {
        static let width = 32
        var height: Int
        var depth: [Float]
        var grey: [Float]

        init(_ frame: PreparedFrame) {
            let k = frame.intrinsics, w = Self.width
            let h = max(1, Int((Double(w) * Double(k.height) / Double(max(k.width, 1))).rounded()))
            height = h
            var depthSum = [Float](repeating: 0, count: w * h), greySum = depthSum
            var valid = [Int](repeating: 0, count: w * h), total = valid
            for v in 0..<k.height {
                let cv = min(h - 1, v * h / k.height)
                for u in 0..<k.width {
                    let cell = cv * w + min(w - 1, u * w / k.width), i = v * k.width + u
                    total[cell] += 1
                    greySum[cell] += frame.intensity[i]
                    if frame.depth[i] > 0 { depthSum[cell] += frame.depth[i]; valid[cell] += 1 }
                }
            }
            depth = (0..<(w * h)).map { c in 2 * valid[c] >= max(total[c], 1) ? depthSum[c] / Float(valid[c]) : 0 }
            let means = (0..<(w * h)).map { c in greySum[c] / Float(max(total[c], 1)) }
            let mean = means.reduce(0, +) / Float(means.count)
            let spread = max(1e-3, (means.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(means.count)).squareRoot())
            grey = means.map { ($0 - mean) / spread }
        }

        /// Mean over the cells with depth in both of |Δdepth| / 0.25 m + |Δgrey| / 2; nil when fewer than a third
        /// of the cells have depth in both (too little in common to judge).
        func distance(to other: Thumbnail) -> Double? {
            guard other.height == height else { return nil }
            var sum = 0.0, shared = 0
            for c in depth.indices where depth[c] > 0 && other.depth[c] > 0 {
                sum += Double(abs(depth[c] - other.depth[c])) / 0.25 + Double(abs(grey[c] - other.grey[c])) / 2
                shared += 1
            }
            return 3 * shared >= depth.count ? sum / Double(shared) : nil
        }
    }

    /// The lost `frame` placed against an earlier keyframe: that keyframe's index and keyframe_from_camera, with the
    /// alignment; nil when relocalisation is off, the frame has too little depth, or no candidate passes.
    /// Keyframes made from lost frames (`Keyframe.isGuess`) are not candidates: their poses are guesses.
    func relocalise(_ frame: PreparedFrame, predicted: RigidTransform) throws(ReconError)
        -> (keyframe: Int, keyFromCamera: RigidTransform, result: OdometryResult)? {
        let t = options.tracking
        guard mode == .track, t.relocalisationCandidates > 0, frame.validDepthFraction >= 0.2 else { return nil }
        while keyframeThumbnails.count < keyframes.count {
            keyframeThumbnails.append(Thumbnail(keyframes[keyframeThumbnails.count].frame))
        }
        let probe = Thumbnail(frame)
        let ranked = keyframes.indices
            .filter { !keyframes[$0].isGuess }
            .compactMap { j in probe.distance(to: keyframeThumbnails[j]).map { (j, $0) } }
            .sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 > $1.0) }
            .prefix(t.relocalisationCandidates)
        var best: (keyframe: Int, keyFromCamera: RigidTransform, result: OdometryResult, score: Double)?
        for (j, _) in ranked {
            let target = keyframes[j].frame, world = keyframes[j].worldFromCamera
            // A keyframe that stopped being the target is kept at half resolution: align a halved copy to it.
            let source = target.intrinsics.width < frame.intrinsics.width ? frame.halved() : frame
            // From the keyframe's pose and from the prediction (which spans the frames dropped meanwhile), and from a
            // coarse search of turns about each: the camera may have turned far while it was lost.
            var starts = [world, predicted]
            for around in [world, predicted] {
                starts += try coarseRotationStarts(source, previous: target, last: world, around: around,
                                                   yawDegrees: Self.relocalisationYawDegrees,
                                                   tiltDegrees: Self.relocalisationTiltDegrees)
            }
            for start in starts {
                let r = try RGBDOdometry.align(source: source, target: target, initial: world.inverse * start,
                                               options: odometryOptions)
                let moved = length3(r.targetFromSource.translation)
                trackingTrace("relocalise: keyframe \(j) (view \(keyframes[j].view)) inl \(r.inlierRatio) "
                    + "rmse \(r.rmseGeometric) moved \(moved) turned \(r.targetFromSource.rotation.angle * 180 / .pi)°")
                guard r.inlierRatio >= t.keyframeMinInlierRatio, r.rmseGeometric <= t.maxRMSE, moved.isFinite,
                      moved <= t.relocalisationMaxDistance else { continue }
                let score = AlignmentScore.consistency(source: source, target: target, targetFromSource: r.targetFromSource)
                trackingTrace("relocalise: passes, consistency \(score)")
                guard score >= t.relocalisationMinConsistency, score > (best?.score ?? -1) else { continue }
                best = (j, r.targetFromSource, r, score)
            }
            // The most similar keyframe that gives a placement wins; the next ones are tried only without one.
            if best != nil { break }
        }
        return best.map { ($0.keyframe, $0.keyFromCamera, $0.result) }
    }

    /// The coarse search's turns about the keyframe's vertical axis and its other two axes (degrees): wider than the
    /// recovery's, since a lost camera may have turned for several frames.
    static let relocalisationYawDegrees = [15.0, 30.0, 45.0, 60.0]
    static let relocalisationTiltDegrees = [15.0, 30.0]
}
