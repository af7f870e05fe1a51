import Foundation

extension ViewTargets {
    /// The view with each instance renamed after the first of `targets` that holds more than half of its
    /// superpoints; an instance that no target holds keeps its own name. Masks and visibility are unchanged.
    public func relabeled(by targets: [InstanceTarget]) -> ViewTargets {
        let members = targets.map { Set($0.superpoints) }
        var out = self
        for k in out.instances.indices {
            let own = out.instances[k].superpoints
            guard !own.isEmpty else { continue }
            if let t = members.indices.first(where: { i in 2 * own.count(where: members[i].contains) > own.count }) {
                out.instances[k].name = targets[t].name
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
        let targets = sceneTargets + fusedInstances
        out.views = views.map { $0.relabeled(by: targets) }
        return out
    }
}
