import Foundation
import SceneIO

/// Turns the contract's lifted labels (`SceneLiftedLabels`, already validated on read) into per-view targets.
public enum ViewLabelLoader {
    /// One `ViewTargets` per view of the visibility CSR (views without labels keep an empty instance list).
    public static func targets(_ lifted: SceneLiftedLabels) -> [ViewTargets] {
        var views = (0..<lifted.viewCount).map { ViewTargets(visible: Array(lifted.visible(view: $0)), instances: []) }
        for view in lifted.labels.views {
            for instance in view.instances {
                let superpoints = lifted.mask(instance.mask)
                if !superpoints.isEmpty {
                    views[view.view].instances.append(InstanceTarget(name: instance.label, superpoints: Array(superpoints)))
                }
            }
        }
        return views
    }
}
