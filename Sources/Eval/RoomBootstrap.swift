import Foundation
import Support

/// Confidence intervals for instance AP by resampling the held-out rooms (scenes) with replacement: the
/// learning benchmark's error bars.
///
/// One set of resamples (R room indices each, drawn from `SeededGenerator(seed:)`) serves every arm, so the
/// difference of two arms on the same resample is a paired difference. For one arm with several seeds (training
/// runs), a resample's value is the mean over the seeds of the metric on the resampled rooms ("pooled over seeds"):
/// the interval then covers room-to-room and (through the mean) seed-to-seed variation of the estimate.
/// A class with ground truth in only a few rooms is absent from many resamples; the benchmark's class mean would
/// then leave it out, and since such rare classes score lower than common ones, resampled class-mean AP would sit
/// well above the all-rooms value (by 3–8 AP on the learning benchmark). So a resample keeps the class set of the
/// whole evaluation: a class with no ground truth in the resample keeps its all-rooms AP. Intervals are percentile
/// intervals of the resampled values.
public struct RoomBootstrap: Sendable {
    /// Held-out room names; every run handed to `scores` lists its scenes in this order.
    public let rooms: [String]
    /// `[resample][position]` → room index.
    public let resamples: [[Int]]
    /// Central coverage of the intervals, e.g. 0.95.
    public let level: Double

    public init(rooms: [String], resamples count: Int = 1000, seed: UInt64 = 0, level: Double = 0.95) {
        self.rooms = rooms
        self.level = level
        var rng = SeededGenerator(seed: seed)
        let n = rooms.count
        resamples = (0..<max(count, 0)).map { _ in (0..<n).map { _ in rng.nextIndex(below: n) } }
    }

    /// The metrics of one arm: `runs[seed]` is that seed's matched scenes in `rooms` order.
    public func scores(runs: [[SceneMatches]], options: EvaluationOptions) throws(EvalError) -> ArmScores {
        for run in runs {
            guard run.map(\.name) == rooms else {
                let missing = Set(rooms).subtracting(run.map(\.name)).sorted()
                throw .invalidOption(name: "bootstrap rooms", value: missing.prefix(3).joined(separator: ", "),
                                     expected: "predictions for every held-out room, in the same order (\(rooms.count) rooms)")
            }
        }
        // Each room's lookup is built once, and each run's all-rooms AP table (the values absent classes keep).
        let indexes = runs.map { $0.map { InstanceEvaluator.SceneIndex($0, classCount: options.classes.count, minRegionSize: options.minRegionSize) } }
        let fullTables = zip(runs, indexes).map { InstanceEvaluator.apTable($0, index: $1, options: options) }
        func values(_ picks: [Int]) -> [String: Double] {
            var sum: [String: Double] = [:]
            for ((scenes, index), full) in zip(zip(runs, indexes), fullTables) {
                let run = picks.map { scenes[$0] }
                var table = InstanceEvaluator.apTable(run, index: picks.map { index[$0] }, options: options)
                for c in table.indices { for t in table[c].indices where table[c][t].isNaN { table[c][t] = full[c][t] } }
                for (key, value) in Self.metrics(EvaluationResult(table: table, scenes: run, options: options)) { sum[key, default: 0] += value }
            }
            return sum.mapValues { $0 / Double(max(runs.count, 1)) }
        }
        let estimate = values(Array(rooms.indices))
        var samples: [String: [Double]] = [:]
        for indices in resamples {
            for (key, value) in values(indices) { samples[key, default: []].append(value) }
        }
        return ArmScores(estimate: estimate, samples: samples, level: level, seedCount: runs.count, roomCount: rooms.count)
    }

    /// `all.ap`, `all.ap50`, `all.ap25`, the same for each class group (`base.ap`, `novel.ap50`, …) and, when the
    /// result has it, for the class-agnostic score (`agnostic.ap`, …).
    public static func metrics(_ r: EvaluationResult) -> [String: Double] {
        var m = ["all.ap": r.ap, "all.ap50": r.ap50, "all.ap25": r.ap25]
        if let c = r.classAgnostic {
            m["agnostic.ap"] = c.ap
            m["agnostic.ap50"] = c.ap50
            m["agnostic.ap25"] = c.ap25
        }
        for g in r.groups {
            m[g.name + ".ap"] = g.ap
            m[g.name + ".ap50"] = g.ap50
            m[g.name + ".ap25"] = g.ap25
        }
        return m
    }
}

/// A point estimate with its bootstrap interval. AP values are fractions in [0, 1]; higher is better.
public struct Interval: Sendable, Codable, Equatable {
    public var estimate: Double
    public var low: Double
    public var high: Double

    /// Whether the interval lies entirely above or entirely below 0 (for differences).
    public var excludesZero: Bool { low > 0 || high < 0 }
}

/// One arm's metrics on the held-out rooms: estimates and their resampled values.
public struct ArmScores: Sendable {
    /// Metric key (`all.ap`, `novel.ap50`, …) → mean over seeds on all rooms.
    public var estimate: [String: Double]
    /// Metric key → one value per resample, in resample order.
    public var samples: [String: [Double]]
    public var level: Double
    public var seedCount: Int
    public var roomCount: Int

    /// The estimate and percentile interval of `metric` (NaN when the arm has no such metric).
    public func interval(_ metric: String) -> Interval {
        let values = samples[metric] ?? []
        return Interval(estimate: estimate[metric] ?? .nan, low: percentile(values, (1 - level) / 2),
                        high: percentile(values, 1 - (1 - level) / 2))
    }

    /// Adds `other`'s `all.*` metrics under `prefix` (`agnostic.ap`, …): the class-agnostic scores of the same runs,
    /// bootstrapped with the same resamples.
    public mutating func add(_ other: ArmScores, allAs prefix: String) {
        for (key, value) in other.estimate where key.hasPrefix("all.") {
            let renamed = prefix + key.dropFirst(3)
            estimate[renamed] = value
            samples[renamed] = other.samples[key]
        }
    }

    /// `self − other` on `metric`, resample by resample (both from the same `RoomBootstrap`).
    public func difference(_ other: ArmScores, _ metric: String) -> Interval {
        let a = samples[metric] ?? [], b = other.samples[metric] ?? []
        let d = zip(a, b).map { $0 - $1 }
        return Interval(estimate: (estimate[metric] ?? .nan) - (other.estimate[metric] ?? .nan),
                        low: percentile(d, (1 - level) / 2), high: percentile(d, 1 - (1 - level) / 2))
    }
}

/// Linear-interpolation percentile (numpy's default) of the finite values; NaN when there are none.
func percentile(_ values: [Double], _ q: Double) -> Double {
    let v = values.filter(\.isFinite).sorted()
    guard !v.isEmpty else { return .nan }
    let position = q * Double(v.count - 1)
    let i = Int(position.rounded(.down)), f = position - Double(i)
    return i + 1 < v.count ? v[i] * (1 - f) + v[i + 1] * f : v[i]
}
