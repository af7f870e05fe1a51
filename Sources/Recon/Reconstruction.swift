import Foundation
import Geometry
import SceneIO

/// RGB-D video → scene folder: poses (track / refine / given), TSDF fusion, mesh, point set, correspondences,
/// ground-truth labels when the input has them, all written atomically (see `SceneWriter`).
public enum Reconstruction {
    /// Runs the whole stage. `progress` draws on stderr; nil keeps quiet.
    public static func run(input: URL, output: URL, options: ReconOptions,
                           progress: ProgressBar? = nil) throws(ReconError) -> ReconResult {
        try options.validate()
        let source = try RGBDInput.open(input)
        return try run(source: source, output: output, options: options, progress: progress)
    }

    public static func run(source: any RGBDSource, output: URL, options: ReconOptions,
                           progress: ProgressBar? = nil) throws(ReconError) -> ReconResult {
        try options.validate()
        var summary = ReconSummary()
        summary.input = source.url.path
        summary.inputKind = source.kind.rawValue
        summary.framesInput = source.frameCount
        let intrinsics = options.input.intrinsics.map { k in
            PinholeIntrinsics(width: source.intrinsics.width, height: source.intrinsics.height, fx: k[0], fy: k[1], cx: k[2], cy: k[3])
        } ?? source.intrinsics
        let depthScale = options.input.depthScale ?? source.depthScale
        let depthRange = options.input.minDepth...options.input.maxDepth
        let mode = options.poseMode ?? (source.devicePoses != nil ? .refine : .track)
        summary.poseMode = mode.rawValue
        if mode != .track, source.devicePoses == nil { throw .missingPoses(url: source.url, mode: mode.rawValue) }
        let selected = options.frames.indices(frameCount: source.frameCount)
        summary.framesSelected = selected.count
        guard !selected.isEmpty else {
            throw .noUsableFrames(url: source.url, reason: "--frames selects none of the \(source.frameCount) frames")
        }
        var clock = StageClock()

        // Pass 1: read, filter, poses. `given` also fuses here (its poses are final).
        let volume = try TSDFVolume(voxelSize: options.fusion.voxelSize,
                                    truncation: options.fusion.truncationVoxels * options.fusion.voxelSize,
                                    depthRange: depthRange, maxWeight: options.fusion.maxWeight, threads: options.threads)
        let estimator = mode == .given ? nil : PoseEstimator(options: options, mode: mode)
        var viewFrames: [Int] = [], givenPoses: [RigidTransform] = []
        var poseSeconds = 0.0, fusionSeconds = 0.0
        progress?.begin(mode == .given ? "fusion" : "tracking")
        // Frames are read, checked and prepared one step ahead on a background thread ("read" counts the waits).
        let firstPass = FramePrefetch(count: selected.count) { (n) throws(ReconError) -> (RGBDFrame, PreparedFrame) in
            let index = selected[n]
            let frame = try source.frame(index)
            guard frame.depth.count == intrinsics.pixelCount, frame.color.width == intrinsics.width,
                  frame.color.height == intrinsics.height else {
                throw .sizeMismatch(url: source.url, frame: index, expected: "\(intrinsics.width)×\(intrinsics.height)",
                                    actual: "\(frame.color.width)×\(frame.color.height) colour, \(frame.depth.count) depth pixels")
            }
            let prepared = PreparedFrame(frame, intrinsics: intrinsics, depthScale: depthScale, depthRange: depthRange)
            // Tracking aligns each frame at least once and each keyframe several times: its pyramid is built here,
            // beside the tracking thread, once.
            guard mode != .given, prepared.validDepthFraction >= options.input.minValidDepthFraction else {
                return (frame, prepared)
            }
            return (frame, try prepared.withPyramid(levels: options.tracking.pyramidLevels, depthRange: depthRange))
        }
        for (n, index) in selected.enumerated() {
            let (frame, prepared) = try clock.time("read") { () throws(ReconError) in try firstPass.take(n) }
            if n == 0 { try DepthUnitCheck.check(frame, source: source, index: index, depthScale: depthScale) }
            guard prepared.validDepthFraction >= options.input.minValidDepthFraction else {
                summary.skip(source: source, index: index, reason: .noDepth)
                continue
            }
            let device = source.devicePoses?[index]
            if mode == .given {
                guard let device else {
                    summary.skip(source: source, index: index, reason: .noPose)
                    continue
                }
                let start = Date()
                try volume.integrate(prepared, worldFromCamera: device)
                fusionSeconds += Date().timeIntervalSince(start)
                givenPoses.append(device)
            } else if let estimator {
                if mode == .refine, device == nil, estimator.keyframes.isEmpty {
                    summary.skip(source: source, index: index, reason: .noPose)
                    continue
                }
                let start = Date()
                try estimator.add(prepared, view: viewFrames.count, device: device, inputIndex: index)
                poseSeconds += Date().timeIntervalSince(start)
            }
            viewFrames.append(index)
            progress?.update(n + 1, of: selected.count)
        }
        summary.framesUsed = viewFrames.count
        guard !viewFrames.isEmpty else {
            throw .noUsableFrames(url: source.url, reason: "every selected frame was dropped \(summary.framesDropped)")
        }
        var poses = givenPoses
        if let estimator {
            let start = Date()
            poses = try estimator.finish(threads: options.threads)
            poseSeconds += Date().timeIntervalSince(start)
            summary.poses = estimator.report
            summary.trackingFPS = Double(viewFrames.count) / max(poseSeconds, 1e-9)
            // Pass 2: fuse with the final poses.
            progress?.begin("fusion")
            let used = viewFrames
            let secondPass = FramePrefetch(count: used.count) { (view) throws(ReconError) -> PreparedFrame in
                PreparedFrame(try source.frame(used[view]), intrinsics: intrinsics, depthScale: depthScale, depthRange: depthRange)
            }
            for view in viewFrames.indices {
                let prepared = try clock.time("read") { () throws(ReconError) in try secondPass.take(view) }
                let start = Date()
                try volume.integrate(prepared, worldFromCamera: poses[view])
                fusionSeconds += Date().timeIntervalSince(start)
                progress?.update(view + 1, of: viewFrames.count)
            }
        }
        clock.seconds["poses"] = poseSeconds
        clock.seconds["fusion"] = fusionSeconds
        summary.integrationFPS = Double(viewFrames.count) / max(fusionSeconds, 1e-9)
        (summary.tsdfBlocks, summary.tsdfBytes) = volume.statistics

        let mesh = try clock.time("mesh") { () throws(ReconError) in try volume.extractMesh(minWeight: options.fusion.minWeight) }
        summary.meshVertices = mesh.vertexCount
        summary.meshTriangles = mesh.triangleCount
        guard mesh.vertexCount > 0 else {
            throw .noUsableFrames(url: source.url, reason: "the fused surface is empty (check depth scale and intrinsics)")
        }
        let cloud = try clock.time("points") { () throws(ReconError) in try PointSet.make(from: mesh, spacing: options.fusion.pointSpacing) }
        summary.points = cloud.positions.count

        let tolerance = (options.correspondences.toleranceVoxels * options.fusion.voxelSize, options.correspondences.toleranceFraction)
        let n = cloud.positions.count, usedFrames = viewFrames, pixelCount = intrinsics.pixelCount, sourceURL = source.url
        // Each view's depth (and label maps) is re-read when a worker reaches it: no frame count's worth of frames.
        let depth: @Sendable (Int) throws(ReconError) -> [UInt16] = { (view) throws(ReconError) in
            try source.depth(usedFrames[view])
        }
        let labelMaps: @Sendable (Int) throws(ReconError) -> [[UInt16]]? = { (view) throws(ReconError) in
            guard let maps = try source.labels(usedFrames[view]) else { return nil }
            guard maps.instance.count == pixelCount, maps.semantic.count == pixelCount else {
                throw .sizeMismatch(url: sourceURL, frame: usedFrames[view], expected: "\(pixelCount) label pixels",
                                    actual: "\(maps.instance.count)")
            }
            return [maps.instance, maps.semantic]
        }
        if let truth = source.groundTruthPoses {
            let views = viewFrames.map { truth[$0] }
            summary.ateRMSE = TrajectoryError.ateRMSE(estimate: poses.map { $0 }, groundTruth: views)
            if let device = source.devicePoses {
                summary.ateRMSEInputPoses = TrajectoryError.ateRMSE(estimate: viewFrames.map { device[$0] }, groundTruth: views)
            }
            if let estimator, !estimator.stages.isEmpty {
                summary.ateRMSEStages = Dictionary(estimator.stages.compactMap { stage in
                    TrajectoryError.ateRMSE(estimate: stage.poses.map { $0 }, groundTruth: views).map { (stage.name, $0) }
                }, uniquingKeysWith: { _, last in last })
            }
            if let unguarded = estimator?.unguarded {
                summary.ateRMSERefinedBeforeGuard = TrajectoryError.ateRMSE(estimate: unguarded.map { $0 }, groundTruth: views)
            }
        }
        // The table goes to disk view by view, straight into the scene folder being staged: only its offsets, each
        // point's best view and the ground-truth label tallies stay in memory, so memory does not grow with it.
        var writeSeconds = 0.0
        try SceneWriter.write(to: output) { directory in
            let table: SceneCorrespondenceWriter
            do throws(SceneContractError) { table = try SceneCorrespondenceWriter(directory: directory, pointCount: n) } catch {
                throw ReconError.unwritableOutput(url: output, reason: "\(error)")
            }
            var best = BestViews(pointCount: n), votes = MajorityVote(pointCount: n, mapCount: 2)
            var voteSeconds = 0.0
            progress?.begin("correspondences")
            try clock.time("correspondences") { () throws(ReconError) in
                try CorrespondenceTable.stream(points: cloud.positions, normals: cloud.normals, worldFromCamera: poses, depth: depth,
                                               labels: labelMaps, intrinsics: intrinsics, depthScale: depthScale,
                                               tolerance: tolerance, threads: options.threads) { (view, e) throws(ReconError) in
                    do throws(SceneContractError) { try table.append(points: e.points, uv: e.uv) } catch {
                        throw .unwritableOutput(url: output, reason: "\(error)")
                    }
                    best.add(view: view, e)
                    let start = Date()
                    votes.add(e)
                    voteSeconds += Date().timeIntervalSince(start)
                    progress?.update(view + 1, of: poses.count)
                }
            }
            clock.seconds["correspondences", default: 0] -= voteSeconds
            clock.seconds["labels"] = voteSeconds
            summary.correspondences = table.count
            summary.pointsSeenFraction = Double(best.view.filter { $0 >= 0 }.count) / Double(max(n, 1))
            let voted = votes.result()
            summary.seconds = clock.seconds
            let scene = SceneContents(source: source, options: options, mode: mode, intrinsics: intrinsics, viewFrames: viewFrames,
                                      poses: poses, mesh: mesh, cloud: cloud, correspondences: table, sourceView: best.view,
                                      sourceUV: best.uv, labels: voted.map { (instance: $0[0], semantic: $0[1]) })
            let writeStart = Date()
            try SceneWriter.fill(directory, scene: scene, summary: summary)
            writeSeconds = Date().timeIntervalSince(writeStart)
        }
        summary.seconds["write"] = writeSeconds
        return ReconResult(output: output, summary: summary, poses: poses, viewFrames: viewFrames)
    }
}

/// Accumulated wall-clock seconds per stage.
struct StageClock {
    var seconds: [String: Double] = [:]

    mutating func time<T>(_ stage: String, _ body: () throws(ReconError) -> T) throws(ReconError) -> T {
        let start = Date()
        defer { seconds[stage, default: 0] += Date().timeIntervalSince(start) }
        return try body()
    }

    mutating func time<T>(_ stage: String, _ body: () -> T) -> T {
        let start = Date()
        defer { seconds[stage, default: 0] += Date().timeIntervalSince(start) }
        return body()
    }
}

/// The training point set: mesh vertices, voxel-downsampled (mean position, colour and renormalised normal).
struct PointSet {
    var positions: [SIMD3<Float>]
    var colors: [SIMD3<UInt8>]
    var normals: [SIMD3<Float>]

    static func make(from mesh: TriangleMesh, spacing: Double?) throws(ReconError) -> PointSet {
        guard let spacing else { return PointSet(positions: mesh.positions, colors: mesh.colors, normals: mesh.normals) }
        let grid: VoxelDownsampleResult
        do {
            grid = try VoxelGrid.downsample(points: mesh.positions, colors: mesh.colors, voxelSize: Float(spacing))
        } catch {
            throw .invalidOption(name: "fusion.pointSpacing", value: "\(spacing)", expected: "a spacing the voxel grid accepts: \(error)")
        }
        var normals = [SIMD3<Float>](repeating: .zero, count: grid.points.count)
        for (i, voxel) in grid.voxelOfPoint.enumerated() { normals[Int(voxel)] += mesh.normals[i] }
        normals = normals.map { n in
            let length = length3(n)
            return length > 0 ? n / length : SIMD3(0, 0, 1)
        }
        return PointSet(positions: grid.points, colors: grid.colors, normals: normals)
    }
}
