/// The scene-level helper of method §2: `V^sp_v = (M^sp · V^p_v) > 0` from the correspondences and superpoints
/// (same as `SuperpointVisibility.build`).
public func superpointVisibility(corrOffsets: [Int64], corrPoint: [Int32], superpoints: [Int32],
                                 superpointCount: Int) throws(VIPError) -> SuperpointVisibility {
    try SuperpointVisibility.build(corrOffsets: corrOffsets, corrPoint: corrPoint, superpoints: superpoints,
                                   superpointCount: superpointCount)
}

extension ViewPartition {
    /// One view-level GT instance over a view's columns.
    public struct ViewTarget: Sendable, Equatable {
        public var label: String
        /// `[S_v]` 0/1 over `views[v].superpoints`.
        public var mask: [Float]
        /// Row in `ViewLabels.objects`, if the instance has a lifted object query.
        public var object: Int?
    }

    /// The lifted GT of view `v` restricted to the view's columns, in `view_labels.json` order.
    /// Instances whose mask covers none of the view's superpoints are left out.
    public func targets(view v: Int, labels: ViewLabels) throws(VIPError) -> [ViewTarget] {
        guard let lifted = labels.views.first(where: { $0.view == v }) else { return [] }
        var out: [ViewTarget] = []
        for instance in lifted.instances {
            let mask = try restrict(mask: instance.superpoints, view: v)
            if mask.contains(1) { out.append(ViewTarget(label: instance.label, mask: mask, object: instance.object)) }
        }
        return out
    }
}
