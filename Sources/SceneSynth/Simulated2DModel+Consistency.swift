import Foundation

/// View-consistent faults (`Simulated2DOptions.viewConsistency`). A real 2D model errs on the same object in the
/// same way from nearby viewpoints: a small or odd-looking object is missed in most frames, a chair that looks like
/// a stool is called a stool every time, two touching objects come out as one mask whenever both are seen, and an
/// object split into parts is split along the same seams. Such errors survive fusion across views, unlike faults
/// redrawn independently per frame (the default), which view consensus votes away.
///
/// Each object is "consistent" with probability `viewConsistency`; its faults are then drawn once per video from a
/// stream of its own (scene seed, object id) instead of per frame. Rates stay those of the options, so the share of
/// faulty detections is unchanged on average, only their correlation across frames.
struct ObjectFaults: Sendable {
    /// Whether this object's faults are fixed for the video.
    let consistent: Bool
    /// The object is missed in a frame whose miss probability exceeds this draw.
    let missDraw: Double
    /// The object is named `confusedName` in every frame when this draw is below `labelNoiseRate`.
    let labelDraw: Double
    let confusedName: String
    /// The object is split in every frame where two of its groups are visible when this draw is below `splitRate`.
    let splitDraw: Double
    /// Group of each part index (fixed seams), `FrameGroundTruth.maxParts` entries.
    let groupOfPart: [Int]

    /// The faults of every instance id `0...maxID` (index 0 unused) of a video seeded `seed`.
    static func table(seed: UInt64, instances: [SynthInstance], consistency: Double) -> [ObjectFaults?] {
        let maxID = Int(instances.map(\.id).max() ?? 0)
        var table = [ObjectFaults?](repeating: nil, count: maxID + 1)
        for instance in instances {
            var rng = SynthRNG(seed: seed, stream: SynthStream.objectFaults.rawValue, index: UInt64(instance.id))
            let consistent = rng.chance(consistency)
            let missDraw = rng.unit(), labelDraw = rng.unit(), splitDraw = rng.unit()
            let confused = LabelConfusion.confuse(instance.category.name, &rng)
            let parts = max(1, min(instance.partCount, FrameGroundTruth.maxParts))
            let k = parts >= 2 ? rng.int(2...parts) : 1
            var order = Array(0..<parts)
            rng.shuffle(&order)
            var groupOfPart = [Int](repeating: 0, count: FrameGroundTruth.maxParts)
            for (i, p) in order.enumerated() { groupOfPart[p] = i < k ? i : rng.int(0...(k - 1)) }
            table[Int(instance.id)] = ObjectFaults(consistent: consistent, missDraw: missDraw, labelDraw: labelDraw,
                                                   confusedName: confused, splitDraw: splitDraw, groupOfPart: groupOfPart)
        }
        return table
    }

    /// The consistent faults of `id`, or nil when its faults are drawn per frame.
    static func lookup(_ table: [ObjectFaults?]?, _ id: Int) -> ObjectFaults? {
        guard let table, table.indices.contains(id), let f = table[id], f.consistent else { return nil }
        return f
    }

    /// A fixed draw in [0, 1) for an (unordered) pair of objects of the video: merged whenever both are detected and
    /// adjacent, when below `mergeRate`.
    static func pairDraw(seed: UInt64, _ a: UInt16, _ b: UInt16) -> Double {
        let (lo, hi) = (UInt64(min(a, b)), UInt64(max(a, b)))
        var rng = SynthRNG(seed: seed, stream: SynthStream.objectFaults.rawValue, index: 0x1_0000_0000 | (lo << 16) | hi)
        return rng.unit()
    }
}
