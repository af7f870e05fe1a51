import Geometry

/// `track` mode's frame-to-model alignment: a tracking volume fused with the tracked frames at their poses (only the
/// confidently tracked ones by default, `tracking.modelFusesOnlyConfident`) is rendered at the last frame's pose
/// (`TSDFVolume.render`), and the new frame is aligned to that rendering, as KinectFusion tracks. The rendering averages every earlier view of the surface, so an alignment error of one frame
/// is not handed on to the next as it is between keyframes. The output's fusion is separate and runs after the pose
/// graph on the final poses.
extension PoseEstimator {
    /// The frame's alignment to the model rendered at `last`, as keyframe-relative odometry (so that the acceptance
    /// tests, the recovery and the pose graph treat it like the keyframe alignment); nil when the model is off or
    /// renders too little surface there (then the keyframe alignment runs).
    func alignToModel(_ frame: PreparedFrame, last: RigidTransform, predicted: RigidTransform,
                      keyframe: RigidTransform) throws(ReconError) -> OdometryResult? {
        guard let model else { return nil }
        var intrinsics = frame.intrinsics
        if options.tracking.modelRenderDownsample == 2, intrinsics.width >= 160 { intrinsics = intrinsics.scaled(by: 0.5) }
        let rendering = try model.render(intrinsics: intrinsics, worldFromCamera: last)
        guard rendering.validDepthFraction >= 0.2 else { return nil }
        var result = try RGBDOdometry.align(source: frame, target: rendering, initial: last.inverse * predicted,
                                            options: odometryOptions)
        result.targetFromSource = keyframe.inverse * last * result.targetFromSource
        return result
    }

    /// Fuses a tracked frame into the tracking volume (created with the first frame).
    func fuseIntoModel(_ frame: PreparedFrame, at world: RigidTransform) throws(ReconError) {
        let voxel = options.tracking.modelVoxelSize
        guard mode == .track, voxel > 0 else { return }
        if model == nil {
            model = try TSDFVolume(voxelSize: voxel, truncation: options.fusion.truncationVoxels * voxel,
                                   depthRange: options.input.minDepth...options.input.maxDepth,
                                   maxWeight: options.fusion.maxWeight, threads: 1)
        }
        try model?.integrate(frame, worldFromCamera: world)
    }
}
