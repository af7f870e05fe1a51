import Foundation
import Geometry

/// What the refine guard decided, stored in the summary (`poses.refineGuard`).
///
/// `refine` can end up worse than the device poses it started from (a wrong loop edge, odometry biased by noise).
/// Without ground truth, the guard asks which trajectory makes overlapping keyframes' depth maps agree better and
/// keeps that one.
/// Which poses the refine guard kept (written as its raw value in `recon_summary.json`).
public enum RefineGuardVerdict: String, Codable, Sendable, Equatable {
    case refined, device
}

public struct RefineGuardReport: Codable, Sendable, Equatable {
    /// "refined" or "device": the trajectory written.
    public var kept: RefineGuardVerdict
    /// Why, in words.
    public var reason: String
    /// Keyframe pairs compared (both trajectories see them overlap).
    public var pairs: Int
    /// Mean over pairs of the median point-to-plane residual (metres) under each trajectory; lower is better.
    public var refinedMedianResidual: Double
    public var deviceMedianResidual: Double
    /// Mean over pairs of the fraction of overlapping samples within 1 cm of the other keyframe's surface; higher is better.
    public var refinedInlierRatio: Double
    public var deviceInlierRatio: Double
    /// 95th percentile over consecutive frames of how far the refined frame-to-frame motion departs from the
    /// device's (metres; nil when not measured). Device odometry drifts but is locally accurate, so a large value
    /// means an alignment slid where the surfaces leave a direction free; lower is better.
    public var motionDisagreementP95: Double? = nil
    /// The median of the same (metres): the device's typical per-frame error when the refinement is right.
    public var motionDisagreementMedian: Double? = nil
}

/// A ground-truth-free score of a keyframe trajectory: project each keyframe's depth samples into every other
/// keyframe it overlaps and measure the point-to-plane distance to that keyframe's depth surface.
struct TrajectoryConsistency: Sendable, Equatable {
    /// Median point-to-plane residual (metres) of the samples matched within 5 cm.
    var medianResidual: Double
    /// Samples within 1 cm / samples landing on a valid target depth within 10 cm in z.
    var inlierRatio: Double
    var matched: Int

    /// Keyframe pairs (a < b) whose cameras are close and look the same way under EVERY given trajectory, so both
    /// trajectories are judged on the same pairs; at most `maxPairs`, spread evenly over the list.
    static func pairs(trajectories: [[RigidTransform]], maxDistance: Double, maxAngleDegrees: Double,
                      maxPairs: Int) -> [(a: Int, b: Int)] {
        guard let count = trajectories.first?.count else { return [] }
        var result: [(a: Int, b: Int)] = []
        for b in 0..<count {
            for a in 0..<b {
                let near = trajectories.allSatisfy {
                    ViewOverlap.near($0[a], $0[b], maxDistance: maxDistance, maxAngleDegrees: maxAngleDegrees)
                }
                if near { result.append((a, b)) }
            }
        }
        guard result.count > maxPairs, maxPairs > 0 else { return result }
        return (0..<maxPairs).map { result[$0 * result.count / maxPairs] }
    }

    /// The score of `target_from_source` for one frame pair; `samples` source pixels on a regular lattice.
    static func pair(source: PreparedFrame, target: PreparedFrame, targetFromSource: RigidTransform,
                     samples: Int = 800) -> TrajectoryConsistency {
        let k = source.intrinsics, kt = target.intrinsics
        let stride = max(1, Int((Double(k.width * k.height) / Double(max(samples, 1))).squareRoot()))
        var residuals: [Double] = []
        var landed = 0, inliers = 0
        func targetPoint(_ u: Int, _ v: Int) -> SIMD3<Double>? {
            let d = Double(target.depth[v * kt.width + u])
            return d > 0 ? kt.unproject(pixel: SIMD2(Double(u), Double(v)), depth: d) : nil
        }
        for v in Swift.stride(from: stride / 2, to: k.height, by: stride) {
            for u in Swift.stride(from: stride / 2, to: k.width, by: stride) {
                let z = Double(source.depth[v * k.width + u])
                guard z > 0 else { continue }
                let p = targetFromSource.apply(to: k.unproject(pixel: SIMD2(Double(u), Double(v)), depth: z))
                guard let pixel = kt.project(p) else { continue }
                let ut = Int(pixel.x.rounded()), vt = Int(pixel.y.rounded())
                guard ut >= 0, vt >= 0, ut + 1 < kt.width, vt + 1 < kt.height,
                      let q0 = targetPoint(ut, vt), abs(q0.z - p.z) < 0.1 else { continue }
                landed += 1
                // The target's local plane from its right and lower neighbours; skip depth edges.
                guard let q1 = targetPoint(ut + 1, vt), let q2 = targetPoint(ut, vt + 1),
                      abs(q1.z - q0.z) < 0.05, abs(q2.z - q0.z) < 0.05 else { continue }
                let normal = cross3(q1 - q0, q2 - q0)
                let length = length3(normal)
                guard length > 0 else { continue }
                let r = abs(dot3(normal, p - q0)) / length
                if r < 0.05 { residuals.append(r) }
                if r < 0.01 { inliers += 1 }
            }
        }
        residuals.sort()
        let median = residuals.isEmpty ? .infinity : residuals[residuals.count / 2]
        return TrajectoryConsistency(medianResidual: median, inlierRatio: landed > 0 ? Double(inliers) / Double(landed) : 0,
                                     matched: residuals.count)
    }

    /// The 95th percentile and the median of |t(refined_i⁻¹ refined_{i+1}) − t(device_i⁻¹ device_{i+1})| over
    /// consecutive frames (metres); zeros for fewer than two frames.
    static func motionDisagreement(refined: [RigidTransform], device: [RigidTransform]) -> (p95: Double, median: Double) {
        guard refined.count >= 2, device.count == refined.count else { return (0, 0) }
        var gaps = (0..<(refined.count - 1)).map { i in
            let r = refined[i].inverse * refined[i + 1], d = device[i].inverse * device[i + 1]
            return length3(r.translation - d.translation)
        }
        gaps.sort()
        return (gaps[min(gaps.count - 1, Int((0.95 * Double(gaps.count)).rounded(.down)))], gaps[gaps.count / 2])
    }

    /// Compares the refined and the device keyframe trajectories on the same pairs; `margin` is the relative
    /// improvement of the median residual the refined one needs to be kept.
    static func judge(frames: [PreparedFrame], refined: [RigidTransform], device: [RigidTransform],
                      options: ReconOptions.RefineGuardOptions, loop: ReconOptions.LoopClosureOptions) -> RefineGuardReport {
        let candidates = pairs(trajectories: [refined, device], maxDistance: loop.maxDistance,
                               maxAngleDegrees: loop.maxAngleDegrees, maxPairs: options.maxPairs)
        var count = 0
        var sums = (refinedResidual: 0.0, deviceResidual: 0.0, refinedInliers: 0.0, deviceInliers: 0.0)
        for (a, b) in candidates {
            let r = pair(source: frames[b], target: frames[a], targetFromSource: refined[a].inverse * refined[b])
            let d = pair(source: frames[b], target: frames[a], targetFromSource: device[a].inverse * device[b])
            // Pairs that barely overlap under either trajectory say little about either.
            guard r.matched >= options.minMatches, d.matched >= options.minMatches else { continue }
            count += 1
            sums.refinedResidual += r.medianResidual
            sums.deviceResidual += d.medianResidual
            sums.refinedInliers += r.inlierRatio
            sums.deviceInliers += d.inlierRatio
        }
        let n = Double(max(count, 1))
        var report = RefineGuardReport(kept: .refined, reason: "", pairs: count,
                                       refinedMedianResidual: sums.refinedResidual / n,
                                       deviceMedianResidual: sums.deviceResidual / n,
                                       refinedInlierRatio: sums.refinedInliers / n, deviceInlierRatio: sums.deviceInliers / n)
        guard count > 0 else {
            report.reason = "no overlapping keyframe pairs to compare"
            return report
        }
        let better = report.refinedMedianResidual < report.deviceMedianResidual * (1 - options.margin)
        let consistent = report.refinedInlierRatio >= report.deviceInlierRatio - options.inlierTolerance
        if better && consistent {
            report.reason = "refined residual below device by more than the margin"
        } else {
            report.kept = .device
            report.reason = better ? "refined inlier ratio fell below the device's"
                : "refined residual not below device by the margin"
        }
        return report
    }
}
