import Foundation
import Geometry

/// One frame's tracking statistics, compared with recent accepted frames by `TrackingMonitor`.
struct TrackingSample: Sendable, Equatable {
    /// Odometry inlier ratio against its target (0…1; higher is better).
    var inlierRatio: Double
    /// Point-to-plane RMSE, metres.
    var rmseGeometric: Double
    /// Grey-level RMSE over matches (grey levels in [0, 1]).
    var rmsePhotometric: Double
    /// Distance of the estimate from the pose it started at, metres.
    var correction: Double
    /// Camera-centre motion since the previous frame, metres per frame.
    var speed: Double
    /// `AlignmentScore.consistency` against the previous frame (0…1; higher is better).
    var consistency: Double
}

/// The relative acceptance test of `track` mode.
///
/// Absolute thresholds cannot tell a wrong alignment in a fast turn (inlier ratio 0.5, RMSE 11 mm) from a normal
/// frame of a noisier view, but against the same sequence's recent frames it stands out: its photometric RMSE,
/// correction or speed jump by a factor while the true motion is smooth. The monitor keeps the last `window`
/// accepted frames' statistics and flags a frame that departs from their medians.
struct TrackingMonitor: Sendable {
    let options: ReconOptions.TrackingOptions
    private(set) var history: [TrackingSample] = []

    init(options: ReconOptions.TrackingOptions) {
        self.options = options
    }

    var isEnabled: Bool { options.relativeWindow > 0 }

    mutating func record(_ sample: TrackingSample) {
        guard isEnabled else { return }
        history.append(sample)
        if history.count > options.relativeWindow { history.removeFirst(history.count - options.relativeWindow) }
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : 0.5 * (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2])
    }

    /// The median of one statistic over the history; nil until `relativeMinHistory` frames were recorded.
    func median(_ field: KeyPath<TrackingSample, Double>) -> Double? {
        guard isEnabled, history.count >= options.relativeMinHistory else { return nil }
        return Self.median(history.map { $0[keyPath: field] })
    }

    /// Why `sample` looks wrong next to the recent frames, or nil when it looks like them (or there is too little
    /// history to judge).
    func suspicion(of sample: TrackingSample) -> String? {
        let o = options
        guard let inliers = median(\.inlierRatio), let rmse = median(\.rmseGeometric),
              let photometric = median(\.rmsePhotometric), let correction = median(\.correction),
              let speed = median(\.speed), let consistency = median(\.consistency) else { return nil }
        if sample.inlierRatio < o.relativeInlierFactor * inliers { return "inlier ratio" }
        if sample.rmseGeometric > o.relativeRMSEFactor * rmse + 0.001 { return "geometric RMSE" }
        if sample.rmsePhotometric > o.relativePhotometricFactor * photometric + 0.005 { return "photometric RMSE" }
        if sample.correction > max(o.relativeCorrectionFactor * correction, o.relativeCorrectionFloor) { return "correction" }
        if sample.speed > o.relativeSpeedFactor * speed + 0.02 { return "speed" }
        if sample.consistency < consistency - o.relativeConsistencyDrop { return "consistency" }
        return nil
    }

    /// The constant-velocity prediction with its translation shortened to `relativeSpeedFactor` × the median speed
    /// when the last motion was faster than that (a wrong last estimate must not propagate).
    func robustPrediction(last: RigidTransform, beforeLast: RigidTransform) -> RigidTransform {
        let motion = beforeLast.inverse * last
        let length = length3(motion.translation)
        guard let speed = median(\.speed) else { return last * motion }
        let limit = options.relativeSpeedFactor * speed + 0.005
        guard length > limit else { return last * motion }
        return last * RigidTransform(rotation: motion.rotation, translation: motion.translation * (limit / length))
    }
}

/// A ground-truth-free score of one relative pose, the same for every candidate of a frame so that alignments to
/// different targets and from different starts can be compared.
enum AlignmentScore {
    /// Of `source`'s valid depth samples (about `samples` on a regular lattice) that, moved by `targetFromSource`,
    /// land inside `target`'s image, the fraction that land on its surface within `distance` metres (point-to-plane,
    /// against the plane of the target pixel and its right and lower neighbours) with a grey level within `grey`.
    /// 0…1, higher is better; 0 when no sample lands inside.
    ///
    /// Samples that leave the image are not counted either way. Counted as misses (as before session 20), they
    /// favoured the candidate that moved least: with the camera sliding along a wall, a pose that stayed behind
    /// keeps more of the view inside the previous frame and outscored the true one (BENCHMARKS.md, "`track`: the
    /// score's overlap bias, the second frame, a finer tilt search").
    /// So the score judges how well the overlapping part agrees, not how large it is: a recovery candidate or a
    /// relocalisation with too little overlap is refused by its inlier ratio before its score counts, and the coarse
    /// rotation search only ranks starts with it.
    static func consistency(source: PreparedFrame, target: PreparedFrame, targetFromSource: RigidTransform,
                            samples: Int = 1200, distance: Double = 0.015, grey: Double = 0.08) -> Double {
        let k = source.intrinsics, kt = target.intrinsics
        let stride = max(1, Int((Double(k.width * k.height) / Double(max(samples, 1))).squareRoot()))
        let r = targetFromSource.rotation.rotationMatrix
        let t = targetFromSource.translation
        var inView = 0, consistent = 0
        func targetPoint(_ u: Int, _ v: Int) -> SIMD3<Double>? {
            let d = Double(target.depth[v * kt.width + u])
            guard d > 0 else { return nil }
            return SIMD3((Double(u) - kt.cx) / kt.fx * d, (Double(v) - kt.cy) / kt.fy * d, d)
        }
        for v in Swift.stride(from: stride / 2, to: k.height, by: stride) {
            for u in Swift.stride(from: stride / 2, to: k.width, by: stride) {
                let z = Double(source.depth[v * k.width + u])
                guard z > 0 else { continue }
                let s = SIMD3((Double(u) - k.cx) / k.fx * z, (Double(v) - k.cy) / k.fy * z, z)
                let p = SIMD3(dot3(r.row0, s), dot3(r.row1, s), dot3(r.row2, s)) + t
                guard p.z > 1e-6 else { continue }
                let ut = Int((kt.fx * p.x / p.z + kt.cx).rounded()), vt = Int((kt.fy * p.y / p.z + kt.cy).rounded())
                guard ut >= 0, vt >= 0, ut + 1 < kt.width, vt + 1 < kt.height else { continue }
                inView += 1
                guard let q0 = targetPoint(ut, vt), abs(q0.z - p.z) < 0.1,
                      let q1 = targetPoint(ut + 1, vt), let q2 = targetPoint(ut, vt + 1) else { continue }
                let normal = cross3(q1 - q0, q2 - q0)
                let length = length3(normal)
                guard length > 0, abs(dot3(normal, p - q0)) / length < distance else { continue }
                let difference = Double(source.intensity[v * k.width + u] - target.intensity[vt * kt.width + ut])
                if abs(difference) < grey { consistent += 1 }
            }
        }
        return inView > 0 ? Double(consistent) / Double(inView) : 0
    }
}
