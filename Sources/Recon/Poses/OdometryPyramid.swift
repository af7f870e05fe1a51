import CBridge

/// A frame's odometry pyramid built once (`cb_rgbd_pyramid_create`): the bridge otherwise rebuilds both frames'
/// pyramids, with the target's vertex and normal maps, on every alignment, and a keyframe is the target of several.
/// Built on the frame-reading thread, so the tracking thread only aligns.
///
/// `@unchecked Sendable`: the handle is written once, by `init`, and only read (by `cb_rgbd_odometry_pyramids`)
/// afterwards; `deinit` frees it when the last frame holding it goes.
final class OdometryPyramid: @unchecked Sendable {
    let handle: OpaquePointer
    let levels: Int
    let depthRange: ClosedRange<Double>

    init(_ frame: PreparedFrame, levels: Int, depthRange: ClosedRange<Double>) throws(ReconError) {
        var built: OpaquePointer?
        try frame.withBridged { (bridged) throws(ReconError) in
            try checkBridge(cb_rgbd_pyramid_create(&bridged, Int32(levels), depthRange.lowerBound, depthRange.upperBound,
                                                   &built), "cb_rgbd_pyramid_create")
        }
        guard let built else {
            throw .bridgeFailure(function: "cb_rgbd_pyramid_create", status: -1, message: "NULL pyramid")
        }
        handle = built
        self.levels = levels
        self.depthRange = depthRange
    }

    deinit { cb_rgbd_pyramid_destroy(handle) }

    /// Whether an alignment with `options` can use this pyramid (enough levels, the same depth range).
    func serves(_ options: cb_odometry_options) -> Bool {
        levels >= Int(options.levels) && depthRange.lowerBound == options.min_depth
            && depthRange.upperBound == options.max_depth
    }
}
