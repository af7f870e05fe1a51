import Dispatch
import Support

/// Which edges of a superpoint graph IBSp cuts because their endpoints lie in different 2D instances.
///
/// Ids come from the 2D model's masks at the points' correspondence pixels (`PointViewLabels`). In fused
/// reconstructions a point is seen in many views, and ids are only comparable within one view, so an edge
/// is judged over the views that see both of its ends:
///
/// - `.multiView(tau:)` (default, τ = 0.5): among the co-visible views in which at least one end carries an
///   instance, count those where the two ids differ; cut when that is at least τ of them. An instance next to
///   unlabelled background (id 0) is therefore cut off, while two unlabelled points stay connected. Boundary
///   jitter that flips a minority of views does not cut.
/// - `.multiViewBothLabelled(tau:)`: as above, but only views where both ends carry an instance count, so an
///   instance is separated only from other instances (the weaker reading; measured for comparison).
/// - `.sourceView`: the paper's single-view rule: read both ids in the first endpoint's source view (else in the
///   second's), cut iff they differ.
///
/// Edges between points that no view sees together are kept (no evidence). Cut edges are removed from the
/// graph before clustering, so neither the main pass nor the small-segment merge can join across them.
public enum IBSpCutRule: Sendable, Equatable {
    case multiView(tau: Double)
    case multiViewBothLabelled(tau: Double)
    case sourceView

    public func validate() throws(IBSpError) {
        switch self {
        case let .multiView(tau), let .multiViewBothLabelled(tau):
            guard tau > 0, tau <= 1 else { throw .invalidOption(name: "tau", value: "\(tau)", expected: "0 < τ ≤ 1") }
        case .sourceView: break
        }
    }
}

public enum InstanceBoundaryCut {
    /// `[E]` keep flags for the edges of `graph` (true = keep).
    ///
    /// - Parameter sourceView: `[N]` each point's source view (−1 if none); used by `.sourceView` only.
    public static func keepMask(graph: SegmentGraph, labels: PointViewLabels, rule: IBSpCutRule,
                                sourceView: [Int32] = []) throws(IBSpError) -> [Bool] {
        try rule.validate()
        guard labels.pointCount == graph.vertexCount else {
            throw .sizeMismatch(field: "point view labels", expected: graph.vertexCount, actual: labels.pointCount)
        }
        if case .sourceView = rule, sourceView.count != graph.vertexCount {
            throw .sizeMismatch(field: "source_view", expected: graph.vertexCount, actual: sourceView.count)
        }
        var keep = [Bool](repeating: true, count: graph.edgeCount)
        let count = graph.edgeCount
        keep.withUnsafeMutableBufferPointer { flags in
            let out = DisjointWrites(flags)
            // Edges are independent: chunks run on all cores, each writing its own range of flags.
            let chunk = 1 << 15
            DispatchQueue.concurrentPerform(iterations: (count + chunk - 1) / chunk) { c in
                for e in (c * chunk)..<min(count, (c + 1) * chunk) {
                    let i = Int(graph.a[e]), j = Int(graph.b[e])
                    guard labels.labelled[i] || labels.labelled[j] else { continue }
                    switch rule {
                    case let .multiView(tau): out[e] = !multiViewCut(i, j, labels, tau: tau, bothLabelled: false)
                    case let .multiViewBothLabelled(tau): out[e] = !multiViewCut(i, j, labels, tau: tau, bothLabelled: true)
                    case .sourceView: out[e] = !sourceViewCut(i, j, labels, sourceView)
                    }
                }
            }
        }
        return keep
    }

    /// Merges the two points' ascending view lists and applies the τ rule.
    static func multiViewCut(_ i: Int, _ j: Int, _ l: PointViewLabels, tau: Double, bothLabelled: Bool) -> Bool {
        var p = l.offsets[i], q = l.offsets[j]
        let pEnd = l.offsets[i + 1], qEnd = l.offsets[j + 1]
        var counted = 0, differing = 0
        while p < pEnd, q < qEnd {
            let vp = l.views[p], vq = l.views[q]
            if vp < vq { p += 1; continue }
            if vq < vp { q += 1; continue }
            let a = l.ids[p], b = l.ids[q]
            let counts = bothLabelled ? (a != 0 && b != 0) : (a != 0 || b != 0)
            if counts {
                counted += 1
                if a != b { differing += 1 }
            }
            p += 1; q += 1
        }
        return counted > 0 && Double(differing) >= tau * Double(counted)
    }

    static func sourceViewCut(_ i: Int, _ j: Int, _ l: PointViewLabels, _ sourceView: [Int32]) -> Bool {
        for (x, y) in [(i, j), (j, i)] {
            let view = sourceView[x]
            guard view >= 0, let a = l.id(of: x, in: view), let b = l.id(of: y, in: view) else { continue }
            return a != b
        }
        return false
    }
}
