import Foundation
import SceneIO

/// How `PredictionMerge` combines the instances of several producers of the same scenes.
public enum PredictionMergePolicy: String, CaseIterable, Sendable {
    /// The union of every source, then greedy non-maximum suppression per class: in falling score order a mask is
    /// kept unless a kept mask of the same label overlaps it by IoU ≥ the threshold. Scores are kept as they are, so
    /// the sources' scores must be comparable (both in [0, 1], higher is better).
    case nms
    /// Sources in order of trust: every mask of the first source is kept; a later source adds the masks that no mask
    /// of an earlier source overlaps by IoU ≥ the threshold (whatever its label), ranked below all of them (source k
    /// of K maps a score s in [0, 1] to (K − 1 − k + s) / K). The sources' scores need not be comparable.
    case fill
}

/// Combines instance predictions of several producers, for example a trained 3D model's and training-free lifting of
/// 2D masks (as Open3DIS unites a 3D network's proposals with 2D-lifted ones). Both inputs and output are
/// benchmark folders (`BenchmarkPredictionWriter`).
public enum PredictionMerge {
    /// Merges one scene's masks (`sources[k]` is source k's list; each mask's points ascending and in `0..<n`).
    /// Deterministic: ties in score keep source order, then list order.
    public static func merge(_ sources: [[BenchmarkMask]], policy: PredictionMergePolicy, iou threshold: Double,
                             pointCount n: Int) -> [BenchmarkMask] {
        var kept = KeptMasks(pointCount: n)
        switch policy {
        case .nms:
            // A NaN score ranks last (and keeps the ordering a strict weak order).
            func rank(_ s: Int, _ i: Int) -> Double { sources[s][i].score.isNaN ? -.infinity : sources[s][i].score }
            let order = sources.enumerated().flatMap { s, list in list.indices.map { (s, $0) } }
                .sorted { a, b in
                    let sa = rank(a.0, a.1), sb = rank(b.0, b.1)
                    return sa != sb ? sa > sb : (a.0, a.1) < (b.0, b.1)
                }
            for (s, i) in order {
                let mask = sources[s][i]
                if kept.maxIoU(mask, sameLabelOnly: true) < threshold { kept.add(mask) }
            }
        case .fill:
            let k = Double(max(sources.count, 1))
            for (s, list) in sources.enumerated() {
                let rank = Double(sources.count - 1 - s)
                // Only earlier sources' masks count: a source's own alternatives (one mask under two labels) stay.
                let added = list.filter { s == 0 || kept.maxIoU($0, sameLabelOnly: false) < threshold }
                for var mask in added {
                    mask.score = (rank + min(max(mask.score.isFinite ? mask.score : 0, 0), 1)) / k
                    kept.add(mask)
                }
            }
        }
        return kept.masks
    }

    /// Merges the benchmark folders `options.inputs` scene by scene into `options.out`. A scene missing from an input
    /// gets nothing from it and is counted in the result.
    public static func run(_ options: PredictionMergeOptions) throws(EvalError) -> PredictionMergeResult {
        guard !options.inputs.isEmpty else { throw .invalidOption(name: "--pred", value: "none", expected: "at least one prediction folder") }
        guard options.iou > 0, options.iou <= 1 else {
            throw .invalidOption(name: "--iou", value: "\(options.iou)", expected: "a threshold in (0, 1]")
        }
        let start = Date()
        var names: Set<String> = []
        var lists: [Set<String>] = []
        for input in options.inputs {
            let scenes = Set(try FolderEvaluation.sceneNames(in: input))
            lists.append(scenes)
            names.formUnion(scenes)
        }
        var result = PredictionMergeResult(scenes: [], missing: [:], seconds: 0)
        for scene in names.sorted() {
            var sources: [[BenchmarkMask]] = []
            var pointCount: Int?
            for (k, input) in options.inputs.enumerated() {
                guard lists[k].contains(scene) else {
                    result.missing[input.path, default: []].append(scene)
                    sources.append([])
                    continue
                }
                let entries = try PredictionFile.read(input.appendingPathComponent(scene + ".txt"), root: input)
                var masks: [BenchmarkMask] = []
                for entry in entries {
                    let points: [Int32]
                    if let n = pointCount {
                        points = try FolderEvaluation.maskPoints(entry.mask, expectedCount: n)
                    } else {
                        (points, pointCount) = try FolderEvaluation.maskPointsAndCount(entry.mask)
                    }
                    masks.append(BenchmarkMask(labelID: entry.labelID, score: entry.confidence, points: points))
                }
                sources.append(masks)
            }
            let n = pointCount ?? 0
            let merged = merge(sources, policy: options.policy, iou: options.iou, pointCount: n)
            do {
                try BenchmarkPredictionWriter.write(merged, scene: scene, pointCount: n, to: options.out)
            } catch {
                throw .unwritable(url: options.out.appendingPathComponent(scene + ".txt"), reason: "\(error)")
            }
            result.scenes.append(.init(name: scene, inputMasks: sources.map(\.count), masks: merged.count))
        }
        result.seconds = Date().timeIntervalSince(start)
        return result
    }
}

/// What `PredictionMerge.run` reads and writes.
public struct PredictionMergeOptions: Sendable {
    /// Benchmark prediction folders, in source order (the order of trust under `.fill`).
    public var inputs: [URL]
    public var out: URL
    public var policy: PredictionMergePolicy = .nms
    /// Masks overlapping by at least this intersection over union are the same instance.
    public var iou = 0.5

    public init(inputs: [URL], out: URL) {
        self.inputs = inputs
        self.out = out
    }
}

/// What `PredictionMerge.run` wrote.
public struct PredictionMergeResult: Sendable, Equatable {
    public struct Scene: Sendable, Equatable {
        public var name: String
        /// Masks read from each input, in input order.
        public var inputMasks: [Int]
        /// Masks written.
        public var masks: Int
    }
    public var scenes: [Scene]
    /// Scenes missing from an input (input path → scene names).
    public var missing: [String: [String]]
    public var seconds: Double
}

/// The masks kept so far with, per point, the kept masks that cover it: a candidate's intersections with every kept
/// mask cost one pass over its points.
struct KeptMasks {
    private(set) var masks: [BenchmarkMask] = []
    private var covering: [[Int32]]
    private var counts: [Int32] = []
    private var touched: [Int32] = []

    init(pointCount n: Int) { covering = [[Int32]](repeating: [], count: max(n, 0)) }

    /// The largest IoU of `mask` with a kept mask (of the same label when `sameLabelOnly`); 0 when none overlaps.
    mutating func maxIoU(_ mask: BenchmarkMask, sameLabelOnly: Bool) -> Double {
        touched.removeAll(keepingCapacity: true)
        for p in mask.points where Int(p) < covering.count {
            for k in covering[Int(p)] {
                if counts[Int(k)] == 0 { touched.append(k) }
                counts[Int(k)] += 1
            }
        }
        var best = 0.0
        for k in touched {
            let other = masks[Int(k)], inter = Double(counts[Int(k)])
            counts[Int(k)] = 0
            if sameLabelOnly && other.labelID != mask.labelID { continue }
            best = max(best, inter / (Double(mask.points.count + other.points.count) - inter))
        }
        return best
    }

    mutating func add(_ mask: BenchmarkMask) {
        let k = Int32(masks.count)
        masks.append(mask)
        counts.append(0)
        for p in mask.points where Int(p) < covering.count { covering[Int(p)].append(k) }
    }
}
