import Foundation
import Geometry

/// Accuracy and fault counts of the simulated 2D model, measured from its output masks and labels
/// against the ground-truth instance maps (not from the generator's own bookkeeping). Counts add up
/// over frames; the rates are computed from the totals.
public struct FaultStatistics: Codable, Sendable, Equatable {
    public var frames = 0
    /// Visible non-structural objects of at least the minimum mask size, and those matched at IoU ≥ 0.5.
    public var eligibleObjects = 0
    public var recalledObjects = 0
    /// Predicted masks, those matched to an object at IoU ≥ 0.5, and those lying mostly on no object.
    public var predictions = 0
    public var truePredictions = 0
    public var falsePositives = 0
    /// Adjacent detected pairs considered for merging (replayed in the generator's order), and merged pairs.
    public var mergeCandidates = 0
    public var merges = 0
    /// Detected, unmerged objects with ≥ 2 visible parts, and those covered by ≥ 2 masks.
    public var splitCandidates = 0
    public var splits = 0
    /// Matched predictions, and those whose label differs from the true class name.
    public var labelled = 0
    public var labelErrors = 0
    /// Sum of IoU over matched predictions.
    public var iouSum = 0.0
    /// Image-feature cells covered ≥ 7/8 by one object or surface, and those whose nearest class
    /// embedding is its true class (how much of the answer the features give away).
    public var featureCells = 0
    public var featureCellsCorrect = 0
    /// Detections made from an object, and those whose object feature's nearest class is the true class.
    public var objectFeatures = 0
    public var objectFeaturesCorrect = 0

    public init() {}

    public var recall: Double { ratio(recalledObjects, eligibleObjects) }
    public var precision: Double { ratio(truePredictions, predictions) }
    public var mergeRate: Double { ratio(merges, mergeCandidates) }
    public var splitRate: Double { ratio(splits, splitCandidates) }
    public var labelNoiseRate: Double { ratio(labelErrors, labelled) }
    public var falsePositivesPerFrame: Double { frames > 0 ? Double(falsePositives) / Double(frames) : 0 }
    /// Mean IoU of matched masks (1 without boundary jitter).
    public var meanIoU: Double { labelled > 0 ? iouSum / Double(labelled) : 0 }
    /// Nearest-class accuracy of image-level feature cells and of object-level features.
    public var featureCellAccuracy: Double { ratio(featureCellsCorrect, featureCells) }
    public var objectFeatureAccuracy: Double { ratio(objectFeaturesCorrect, objectFeatures) }

    func ratio(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }

    public mutating func add(_ o: FaultStatistics) {
        frames += o.frames; eligibleObjects += o.eligibleObjects; recalledObjects += o.recalledObjects
        predictions += o.predictions; truePredictions += o.truePredictions; falsePositives += o.falsePositives
        mergeCandidates += o.mergeCandidates; merges += o.merges; splitCandidates += o.splitCandidates; splits += o.splits
        labelled += o.labelled; labelErrors += o.labelErrors; iouSum += o.iouSum
        featureCells += o.featureCells; featureCellsCorrect += o.featureCellsCorrect
        objectFeatures += o.objectFeatures; objectFeaturesCorrect += o.objectFeaturesCorrect
    }

    /// Measures one frame; `features` adds the (slower) nearest-class accuracy of the features.
    public static func measure(_ frame: SynthFrame, instances: [SynthInstance], options: Simulated2DOptions,
                               width: Int, height: Int, features: Bool = true) -> FaultStatistics {
        var s = FaultStatistics()
        s.frames = 1
        let gt = FrameGroundTruth(instance: frame.instance, part: frame.part, width: width, height: height,
                                  instanceCount: instances.count)
        let minPixels = options.minPixels(width: width, height: height)
        let eligible = gt.eligible(instances: instances, minPixels: minPixels)
        var isEligible = [Bool](repeating: false, count: instances.count + 1)
        for id in eligible { isEligible[Int(id)] = true }
        let mask = frame.model2D.mask
        let predCount = Int(mask.max() ?? 0)
        var predArea = [Int](repeating: 0, count: predCount + 1)
        var overlapMap: [UInt32: Int] = [:]
        for i in 0..<mask.count {
            let p = mask[i]
            predArea[Int(p)] += 1
            if p > 0 && frame.instance[i] > 0 { overlapMap[UInt32(p) << 16 | UInt32(frame.instance[i]), default: 0] += 1 }
        }
        let overlaps = overlapMap.map { (Int($0.key >> 16), Int($0.key & 0xFFFF), $0.value) }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        s.eligibleObjects = eligible.count
        s.predictions = (1...max(1, predCount)).filter { $0 <= predCount && predArea[$0] > 0 }.count
        // False positives: masks lying mostly on no eligible object.
        var onObjects = [Int](repeating: 0, count: predCount + 1)
        for (p, g, n) in overlaps where isEligible[g] { onObjects[p] += n }
        for p in 1..<(predCount + 1) where predArea[p] > 0 && 2 * onObjects[p] < predArea[p] { s.falsePositives += 1 }
        // Greedy one-to-one matching at IoU ≥ 0.5.
        var candidates: [(Double, Int, Int)] = []
        for (p, g, n) in overlaps where isEligible[g] {
            let iou = Double(n) / Double(predArea[p] + gt.area[g] - n)
            if iou >= 0.5 { candidates.append((iou, p, g)) }
        }
        candidates.sort { $0.0 != $1.0 ? $0.0 > $1.0 : ($0.1, $0.2) < ($1.1, $1.2) }
        var predUsed = [Bool](repeating: false, count: predCount + 1), gtUsed = [Bool](repeating: false, count: instances.count + 1)
        let labels = Dictionary(frame.model2D.detections.map { ($0.id, $0.label) }, uniquingKeysWith: { a, _ in a })
        for (iou, p, g) in candidates where !predUsed[p] && !gtUsed[g] {
            predUsed[p] = true; gtUsed[g] = true
            s.truePredictions += 1; s.recalledObjects += 1; s.labelled += 1; s.iouSum += iou
            if labels[p] != instances[g - 1].category.name { s.labelErrors += 1 }
        }
        // Coverage: which masks belong to one object, which cover two (merges).
        var belongsTo = [Int](repeating: 0, count: predCount + 1)
        var covers: [[Int]] = Array(repeating: [], count: predCount + 1)
        for (p, g, n) in overlaps where isEligible[g] {
            if 2 * n >= predArea[p] { belongsTo[p] = g }
            if 2 * n >= gt.area[g] { covers[p].append(g) }
        }
        var inMerged = [Bool](repeating: false, count: instances.count + 1)
        var ownCoverage = [Int](repeating: 0, count: instances.count + 1)
        var masksOf = [Int](repeating: 0, count: instances.count + 1)
        for p in 1..<(predCount + 1) {
            if covers[p].count >= 2 { for g in covers[p] { inMerged[g] = true } }
            if belongsTo[p] > 0 { masksOf[belongsTo[p]] += 1 }
        }
        for (p, g, n) in overlaps where belongsTo[p] == g { ownCoverage[g] += n }
        let detected = (0...instances.count).map { inMerged[$0] || 2 * ownCoverage[$0] >= gt.area[$0] && gt.area[$0] > 0 }
        var used = [Bool](repeating: false, count: instances.count + 1)
        for (a16, b16) in gt.adjacentPairs(eligible: eligible, minShared: options.minSharedBoundary) {
            let a = Int(a16), b = Int(b16)
            guard detected[a], detected[b], !used[a], !used[b] else { continue }
            s.mergeCandidates += 1
            if (1..<(predCount + 1)).contains(where: { covers[$0].contains(a) && covers[$0].contains(b) }) {
                s.merges += 1; used[a] = true; used[b] = true
            }
        }
        let minPart = max(3, minPixels / 2)
        for id in eligible where gt.visibleParts(id, minPixels: minPart).count >= 2 && !inMerged[Int(id)] && detected[Int(id)] {
            s.splitCandidates += 1
            if masksOf[Int(id)] >= 2 { s.splits += 1 }
        }
        if features { s.measureFeatures(frame, instances: instances, options: options, width: width, height: height) }
        return s
    }
}

/// Measures the depth sensor model on a frontal flat wall at a known distance.
public enum DepthNoiseProbe {
    /// Standard deviation (metres) of measured minus true depth over the valid pixels of a frontal wall
    /// at `distance` metres, and the fraction of pixels with no reading.
    public static func measure(distance: Double, options: DepthSensorOptions, width: Int = 160, height: Int = 120,
                               seed: UInt64 = 1) -> (sigma: Double, missing: Double) {
        var builder = MeshBuilder()
        builder.instance = 1
        let half = Float(distance * 2)
        let x = Float(distance)
        builder.quad([x, -half, -half], [x, half, -half], [x, half, half], [x, -half, half], outward: [-1, 0, 0])
        let mesh = builder.mesh
        let camera = PinholeIntrinsics.synthStandard(width: width, height: height)
        let pose = SynthPose.lookAt(eye: .zero, target: [1, 0, 0])
        let vis = Rasterizer().render(mesh, pose: pose, camera: camera, instanceCount: 1)
        let depth = DepthSensorModel(options: options).measure(vis, mesh: mesh, pose: pose, camera: camera, seed: seed)
        var sum = 0.0, sum2 = 0.0, n = 0, missing = 0
        for i in 0..<depth.count {
            guard vis.triangle[i] >= 0 else { missing += 1; continue }
            guard depth[i] > 0 else { missing += 1; continue }
            let e = Double(depth[i]) / options.depthScale - Double(vis.depth[i])
            sum += e; sum2 += e * e; n += 1
        }
        guard n > 1 else { return (0, 1) }
        let mean = sum / Double(n)
        return ((sum2 / Double(n) - mean * mean).squareRoot(), Double(missing) / Double(depth.count))
    }
}
