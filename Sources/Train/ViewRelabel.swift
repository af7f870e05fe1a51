import Foundation

extension ViewTargets {
    /// The view with each instance renamed after the first of `targets` that holds more than half of its
    /// superpoints; an instance that no target holds keeps its own name. Masks and visibility are unchanged.
    public func relabeled(by targets: [InstanceTarget]) -> ViewTargets {
        relabeled(byMembers: targets.map { ($0.name, Set($0.superpoints)) })
    }

    /// The same, with each target's superpoints as a set, so that a scene builds them once for all its views.
    func relabeled(byMembers targets: [(name: String, members: Set<Int32>)]) -> ViewTargets {
        var out = self
        for k in out.instances.indices {
            let own = out.instances[k].superpoints
            guard !own.isEmpty else { continue }
            if let t = targets.first(where: { t in 2 * own.count(where: t.members.contains) > own.count }) {
                out.instances[k].name = t.name
            }
        }
        return out
    }
}

extension TrainScene {
    /// The scene with its views renamed (`supervision.relabelViews`) after its scene-level targets: the 3D ground
    /// truth first, then the fused instances.
    public func withRelabeledViews() -> TrainScene {
        var out = self
        let targets = (sceneTargets + fusedInstances).map { (name: $0.name, members: Set($0.superpoints)) }
        out.views = views.map { $0.relabeled(byMembers: targets) }
        return out
    }
}
