import Foundation

/// How a simulated detection relates to the ground truth (kept for statistics, not written as output).
public enum DetectionKind: String, Codable, Sendable {
    case object, merged, part, falsePositive
}

/// One detection of the simulated 2D model in one frame.
public struct Detection2D: Codable, Sendable, Equatable {
    /// Mask id in `pred2d/masks/*.png` (1-based within the frame).
    public var id: Int
    /// ScanNet200 class name (possibly a confusable of the truth).
    public var label: String
    /// Confidence in (0, 1), higher for correct, large, unambiguous detections.
    public var score: Double
    /// Ground-truth instances the mask was made from (empty for false positives).
    public var sources: [UInt16]
    public var kind: DetectionKind
    /// Object-level feature `[C]`.
    public var feature: [Float]
}

/// The simulated 2D model's output for one frame.
public struct Frame2D: Sendable {
    /// Instance id per pixel `[H·W]`, 0 = none.
    public var mask: [UInt16]
    public var detections: [Detection2D]
    /// Image-level features `[h, w, C]` row-major, with h = ⌈H/stride⌉, w = ⌈W/stride⌉.
    public var features: [Float]
    public var featureHeight: Int
    public var featureWidth: Int
}

/// Simulates an open-vocabulary 2D instance segmenter (think DINO-X) from ground-truth maps, with
/// configurable faults: boundary jitter, missed small or occluded objects, false positives, merged
/// neighbours, objects split into parts at a granularity redrawn every frame, confusable labels and
/// calibrated-ish scores. Features come from fixed class embeddings plus noise and blur.
public struct Simulated2DModel: Sendable {
    public let options: Simulated2DOptions
    let embedding: ClassEmbedding

    public init(options: Simulated2DOptions) {
        self.options = options
        embedding = ClassEmbedding(channels: options.featureChannels)
    }

    /// Every label string the model can emit, sorted: embed each of these for training.
    public static let labelVocabulary: [String] = {
        var names = Set(SynthCategories.all.filter { !$0.isStructural }.map(\.name))
        for (key, values) in LabelConfusion.confusables { names.insert(key); names.formUnion(values) }
        names.formUnion(LabelConfusion.falsePositiveLabels)
        return names.sorted()
    }()

    /// Runs the model on one frame's ground truth.
    /// - Parameters:
    ///   - instance: GT instance id per pixel `[H·W]`, 0 = nothing.
    ///   - part: GT part index per pixel `[H·W]`.
    ///   - silhouetteArea: per instance id, pixels covered ignoring occlusion (from the rasterizer).
    public func run(instance: [UInt16], part: [UInt8], width: Int, height: Int, instances: [SynthInstance],
                    silhouetteArea: [Int32], seed: UInt64, frame: Int) -> Frame2D {
        var rng = SynthRNG(seed: seed, stream: SynthStream.model2D.rawValue, index: UInt64(frame))
        let o = options
        let minPixels = o.minPixels(width: width, height: height)
        let stats = FrameGroundTruth(instance: instance, part: part, width: width, height: height,
                                     instanceCount: instances.count)
        let eligible = stats.eligible(instances: instances, minPixels: minPixels)
        // View-consistent faults: nil (the default) leaves every draw below exactly as it was.
        let faults = o.viewConsistency.map { ObjectFaults.table(seed: seed, instances: instances, consistency: $0) }

        // Missed detections.
        var detected = [Bool](repeating: false, count: instances.count + 1)
        let imageArea = Double(width * height)
        for id in eligible {
            let area = Double(stats.area[Int(id)])
            var p = o.missRate
            if area < o.smallAreaFraction * imageArea { p = max(p, o.smallMissRate) }
            let silhouette = Double(max(1, silhouetteArea.indices.contains(Int(id)) ? silhouetteArea[Int(id)] : 1))
            if area / silhouette < o.occludedVisibleFraction { p = max(p, o.occludedMissRate) }
            if let f = ObjectFaults.lookup(faults, Int(id)) {
                detected[Int(id)] = !(f.missDraw < p)
            } else {
                detected[Int(id)] = !rng.chance(p)
            }
        }

        // Segments: lists of (instance, part group) that form one predicted mask.
        var segmentOf = [Int32](repeating: -1, count: instances.count + 1)
        var splitSegment = [[Int32]?](repeating: nil, count: instances.count + 1)   // instance → segment per part
        var segments: [(sources: [UInt16], kind: DetectionKind)] = []
        var merged = [Bool](repeating: false, count: instances.count + 1)
        for pair in stats.adjacentPairs(eligible: eligible, minShared: o.minSharedBoundary) {
            let (a, b) = (Int(pair.0), Int(pair.1))
            guard detected[a], detected[b], !merged[a], !merged[b] else { continue }
            let fixedPair = ObjectFaults.lookup(faults, a) != nil && ObjectFaults.lookup(faults, b) != nil
            if fixedPair ? ObjectFaults.pairDraw(seed: seed, pair.0, pair.1) < o.mergeRate : rng.chance(o.mergeRate) {
                merged[a] = true; merged[b] = true
                let s = Int32(segments.count)
                segmentOf[a] = s; segmentOf[b] = s
                segments.append(([pair.0, pair.1], .merged))
            }
        }
        let minPart = max(3, minPixels / 2)
        for id in eligible where detected[Int(id)] && !merged[Int(id)] {
            let visibleParts = stats.visibleParts(id, minPixels: minPart)
            if let f = ObjectFaults.lookup(faults, Int(id)) {
                // Fixed seams: the object's visible groups, each one mask, whenever two or more are visible.
                let groups = Array(Set(visibleParts.map { f.groupOfPart[Int($0)] })).sorted()
                if groups.count >= 2 && f.splitDraw < o.splitRate {
                    let first = Int32(segments.count)
                    for _ in groups { segments.append(([id], .part)) }
                    splitSegment[Int(id)] = f.groupOfPart.map { g in first + Int32(groups.firstIndex(of: g) ?? 0) }
                } else {
                    segmentOf[Int(id)] = Int32(segments.count)
                    segments.append(([id], .object))
                }
            } else if visibleParts.count >= 2 && rng.chance(o.splitRate) {
                // Granularity drawn per frame: k groups of parts, each non-empty.
                let k = rng.int(2...visibleParts.count)
                var order = visibleParts
                rng.shuffle(&order)
                var groupOfPart = [Int](repeating: 0, count: FrameGroundTruth.maxParts)
                for (i, p) in order.enumerated() { groupOfPart[Int(p)] = i < k ? i : rng.int(0...(k - 1)) }
                let first = Int32(segments.count)
                for _ in 0..<k { segments.append(([id], .part)) }
                splitSegment[Int(id)] = (0..<FrameGroundTruth.maxParts).map { first + Int32(groupOfPart[$0]) }
            } else {
                segmentOf[Int(id)] = Int32(segments.count)
                segments.append(([id], .object))
            }
        }

        // The label image before boundary noise.
        var base = [Int32](repeating: -1, count: width * height)
        for i in 0..<(width * height) {
            let id = Int(instance[i])
            guard id > 0 else { continue }
            if let parts = splitSegment[id] {
                base[i] = parts[min(Int(part[i]), FrameGroundTruth.maxParts - 1)]
            } else {
                base[i] = segmentOf[id]
            }
        }
        var label = BoundaryJitter.warp(base, width: width, height: height,
                                        amplitude: o.boundaryJitter * Double(width) / 640, rng: &rng)
        // False positives on undetected background (walls, floor, missed objects).
        for _ in 0..<rng.poisson(o.falsePositivesPerFrame) {
            let s = Int32(segments.count)
            if BoundaryJitter.paintBlob(&label, width: width, height: height, segment: s, minPixels: minPixels, rng: &rng) {
                segments.append(([], .falsePositive))
            }
        }
        return finish(label: label, segments: segments, stats: stats, instances: instances, width: width, height: height,
                      minPixels: minPixels, faults: faults, rng: &rng)
    }
}
