import Foundation
import SceneIO

/// One ground-truth instance of a scene.
public struct GroundTruthInstance: Sendable, Equatable {
    /// The instance's id in the benchmark encoding (`label · 1000 + k`); always ≥ 1000 for valid classes.
    public var instanceID: Int
    /// Position of its class in `EvaluationOptions.classes`.
    public var classIndex: Int
    /// Number of points carrying this id.
    public var pointCount: Int
}

/// Per-point ground truth of one scene, reduced to what matching needs.
///
/// Invariants: `instanceOfPoint.count == pointCount`; each entry is an index into `instances` or −1 for
/// a void point (unannotated, or of a class that is not evaluated); `instances` are sorted by
/// `instanceID`, which is the order the benchmark script visits them in.
public struct SceneGroundTruth: Sendable {
    /// [N] instance index per point, −1 = void.
    public let instanceOfPoint: [Int32]
    /// The scene's instances of evaluated classes, ascending `instanceID`.
    public let instances: [GroundTruthInstance]

    public var pointCount: Int { instanceOfPoint.count }

    /// Memberwise, for derived views of the same scene (`classAgnostic()`); callers keep the invariants.
    init(instanceOfPoint: [Int32], instances: [GroundTruthInstance]) {
        self.instanceOfPoint = instanceOfPoint
        self.instances = instances
    }

    /// From the benchmark encoding: one id per point, `label · 1000 + instance`, 0 = unannotated.
    ///
    /// A point is void when its label (`id / 1000`) is not an evaluated class. Every other distinct id
    /// is one instance, as in the benchmark's `get_instances`.
    public init(benchmarkIDs: [Int], classes: ClassCatalog) {
        var counts: [Int: Int] = [:]
        for id in benchmarkIDs where id > 0 && classes.index(ofID: id / 1000) != nil {
            counts[id, default: 0] += 1
        }
        let ids = counts.keys.sorted()
        var indexOfID: [Int: Int32] = [:]
        var instances: [GroundTruthInstance] = []
        instances.reserveCapacity(ids.count)
        for (i, id) in ids.enumerated() {
            indexOfID[id] = Int32(i)
            instances.append(GroundTruthInstance(instanceID: id, classIndex: classes.index(ofID: id / 1000) ?? -1,
                                                 pointCount: counts[id] ?? 0))
        }
        var perPoint = [Int32](repeating: -1, count: benchmarkIDs.count)
        var lastID = Int.min
        var lastIndex: Int32 = -1
        for (p, id) in benchmarkIDs.enumerated() {
            if id != lastID {
                lastID = id
                lastIndex = id > 0 ? (indexOfID[id] ?? -1) : -1
            }
            perPoint[p] = lastIndex
        }
        self.instanceOfPoint = perPoint
        self.instances = instances
    }

    /// From per-point `semantic` (class label id) and `instance` arrays, as in a scene folder.
    ///
    /// A point is void when its instance is negative or its label is not an evaluated class. Each
    /// distinct (label, instance) pair is one instance; its benchmark id is `label · 1000 + r + 1` where
    /// r ranks the pair's instance value among the label's instances, so order follows (label, instance).
    public init(semantic: [Int], instance: [Int], classes: ClassCatalog, source: URL) throws(EvalError) {
        guard semantic.count == instance.count else {
            throw .pointCountMismatch(url: source, expected: instance.count, actual: semantic.count)
        }
        struct Key: Hashable { let label: Int; let instance: Int }
        var keys = Set<Key>()
        for p in 0..<semantic.count where instance[p] >= 0 && semantic[p] > 0 && classes.index(ofID: semantic[p]) != nil {
            keys.insert(Key(label: semantic[p], instance: instance[p]))
        }
        var encoded: [Key: Int] = [:]
        var rank: [Int: Int] = [:]
        for key in keys.sorted(by: { ($0.label, $0.instance) < ($1.label, $1.instance) }) {
            let r = rank[key.label, default: 0]
            rank[key.label] = r + 1
            if r + 1 >= 1000 {
                throw .unreadable(url: source, reason: "class \(key.label) has more than 999 instances; the benchmark encoding label·1000+instance cannot hold them")
            }
            encoded[key] = key.label * 1000 + r + 1
        }
        var ids = [Int](repeating: 0, count: semantic.count)
        for p in 0..<semantic.count where instance[p] >= 0 {
            ids[p] = encoded[Key(label: semantic[p], instance: instance[p])] ?? 0
        }
        self.init(benchmarkIDs: ids, classes: classes)
    }
}
