import Foundation
import Support

/// How camera poses are obtained.
public enum PoseMode: String, Codable, Sendable, CaseIterable, ClosedSetValue {
    /// Track from nothing: frame-to-keyframe RGB-D odometry with a constant-velocity guess, loop closure, pose graph.
    case track
    /// Start from the input's device poses (odometry with drift) and correct them: keyframe odometry initialised
    /// from the device motion, loop closure, pose graph.
    case refine
    /// Trust the input's poses as they are (tests, ground-truth-pose ablations).
    case given
}

/// Every setting of `ovseg3r recon`, in groups. Defaults suit 320×240 to 640×480 Kinect-like video of rooms.
/// Presets (`recon/presets/*.json`) override any subset of keys; `validate()` checks ranges.
public struct ReconOptions: Codable, Sendable, Equatable {
    /// nil: `refine` when the input has poses, else `track`.
    public var poseMode: PoseMode?
    /// Which input frames to use.
    public var frames = FrameSelection()
    public var input = InputOptions()
    public var tracking = TrackingOptions()
    public var loopClosure = LoopClosureOptions()
    public var refineGuard = RefineGuardOptions()
    public var globalRefinement = GlobalRefinementOptions()
    public var fusion = FusionOptions()
    public var correspondences = CorrespondenceOptions()
    /// Worker threads for fusion, correspondences and Ceres (≥ 1).
    public var threads = 2

    public init() {}

    public struct FrameSelection: Codable, Sendable, Equatable {
        public var start = 0
        /// Exclusive end; nil = to the last frame.
        public var end: Int?
        public var step = 1
        public init(start: Int = 0, end: Int? = nil, step: Int = 1) {
            self.start = start; self.end = end; self.step = step
        }

        /// Parses `A:B:STEP` (`A:`, `:B`, `A:B`, `::STEP` allowed).
        public static func parse(_ text: String) throws(ReconError) -> FrameSelection {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard (1...3).contains(parts.count) else {
                throw .invalidOption(name: "frames", value: text, expected: "A:B:STEP")
            }
            func number(_ s: String, _ fallback: Int?) throws(ReconError) -> Int? {
                if s.isEmpty { return fallback }
                guard let value = Int(s), value >= 0 else {
                    throw .invalidOption(name: "frames", value: text, expected: "non-negative integers A:B:STEP")
                }
                return value
            }
            let start = try number(parts[0], 0) ?? 0
            let end = parts.count > 1 ? try number(parts[1], nil) : nil
            let step = parts.count > 2 ? try number(parts[2], 1) ?? 1 : 1
            return FrameSelection(start: start, end: end, step: step)
        }

        func indices(frameCount: Int) -> [Int] {
            let upper = min(end ?? frameCount, frameCount)
            guard start < upper else { return [] }
            return Array(stride(from: start, to: upper, by: step))
        }
    }

    public struct InputOptions: Codable, Sendable, Equatable {
        /// Overrides the input's intrinsics: [fx, fy, cx, cy] in pixels.
        public var intrinsics: [Double]?
        /// Overrides the input's depth scale (raw depth units per metre).
        public var depthScale: Double?
        /// Depths outside [minDepth, maxDepth] metres are ignored.
        public var minDepth = 0.1
        public var maxDepth = 4.0
        /// Frames with fewer valid depth pixels than this fraction are skipped (counted in the summary).
        public var minValidDepthFraction = 0.05
        public init() {}
    }

    public struct TrackingOptions: Codable, Sendable, Equatable {
        public var pyramidLevels = 3
        /// Association rounds per level, finest first.
        public var iterations = [4, 4, 6]
        /// Levenberg–Marquardt iterations per round.
        public var solverIterations = 6
        /// Source samples per pyramid level.
        public var maxPoints = 3000
        /// Projective association gate at the finest level (metres; doubles per coarser level).
        public var maxCorrespondenceDistance = 0.07
        public var huberGeometric = 0.01
        /// Metres per unit grey-level difference; 0 disables the photometric term.
        public var photometricWeight = 0.1
        public var huberPhotometric = 0.01
        /// A frame becomes a keyframe once it moved this far from the current keyframe...
        public var keyframeTranslation = 0.15
        /// ...or turned this much (degrees)...
        public var keyframeRotationDegrees = 10.0
        /// ...or its overlap (inlier ratio) with the keyframe fell below this.
        public var keyframeMinInlierRatio = 0.6
        /// Tracking fails (fallback to the device / constant-velocity pose) below this inlier ratio...
        public var minInlierRatio = 0.3
        /// ...or above this point-to-plane RMSE (metres)...
        public var maxRMSE = 0.03
        /// ...or when the estimate departs from the initial guess by more than this (metres).
        public var maxCorrection = 0.3
        /// Keyframes that are no longer the tracking target are kept at 1/this resolution (1 or 2) for loop
        /// verification and the refine guard; 2 keeps a quarter of the pixels.
        public var keyframeDownsample = 2
        /// When tracking fails, the recovery also starts from the prediction turned about the camera's vertical
        /// axis by ± each of these angles (degrees); empty = no turned starts.
        public var recoveryTurnsDegrees = [6.0, 12.0]
        /// `refine` only: each alignment is pulled towards the device's relative motion with this weight (per metre
        /// of departure, in the units of the point-to-plane residuals; rotation per radian × 2 m), so that directions
        /// the surfaces leave free (a wall and a ceiling) keep the device motion instead of sliding; 0 = off.
        public var devicePriorWeight = 3.0
        /// `track` only: the relative acceptance test compares each frame with the last this many accepted frames
        /// (their medians); 0 disables it (absolute tests only, the previous behaviour).
        public var relativeWindow = 15
        /// ...once at least this many frames were accepted.
        public var relativeMinHistory = 5
        /// Suspicious: inlier ratio below this × the median...
        public var relativeInlierFactor = 0.65
        /// ...or point-to-plane RMSE above this × the median + 1 mm...
        public var relativeRMSEFactor = 1.8
        /// ...or photometric RMSE above this × the median + 0.005...
        public var relativePhotometricFactor = 2.0
        /// ...or a correction from the prediction above this × the median, and above `relativeCorrectionFloor` metres...
        public var relativeCorrectionFactor = 2.0
        public var relativeCorrectionFloor = 0.02
        /// ...or a camera motion above this × the median motion per frame + 2 cm...
        public var relativeSpeedFactor = 2.0
        /// ...or a consistency score with the previous frame this far below the median (0…1).
        public var relativeConsistencyDrop = 0.15
        /// Recovery of a suspicious frame: a coarse search at quarter resolution from the prediction turned about the
        /// camera's vertical axis by ± each of these angles (degrees)...
        public var recoverySearchYawDegrees = [8.0, 16.0, 24.0]
        /// ...and about its horizontal and optical axes by ± each of these.
        public var recoverySearchTiltDegrees = [4.0, 8.0, 16.0]
        /// Recovery candidates score their consistency with the previous frame (0…1) less this × their departure
        /// from the prediction (metres, + 0.3 m per radian): a smooth-motion prior for views that leave motion unobservable.
        public var recoveryPriorWeight = 0.5
        /// Where the view's geometry leaves a translation unobserved (`TranslationObservability`: a wall lets the camera
        /// slide along it, a corridor along its axis), the candidates within this of the best penalised score count as
        /// tied, and the one that departs least from the prediction along those directions is kept; 0 = off.
        public var degenerateScoreMargin = 0.0
        /// A translation direction counts as unobserved when its eigenvalue of the view's mean `n nᵀ` (0…1, summing
        /// to 1 over the three directions) is below this.
        public var degeneracyThreshold = 0.05
        /// `track` only: align each frame to the fused model rendered at the last frame's pose (frame-to-model
        /// tracking, as KinectFusion does) rather than to the keyframe. The model is a tracking volume of this voxel
        /// size (metres) fused with every accepted frame, separate from the output's fusion; 0 = frame-to-keyframe.
        public var modelVoxelSize = 0.0
        /// The rendering's resolution: 1/this of the frame's (1 or 2).
        public var modelRenderDownsample = 1
        /// With a tracking model the keyframe alignment runs as well; when the two differ by more than this (metres +
        /// 0.3 m per radian) the frame goes to the recovery with both as candidates; 0 = the model alignment alone.
        public var modelAgreement = 0.01
        /// Which of the two alignments is kept when they agree: the model's (`lead`) or the keyframe's (`check`: the
        /// model only cross-checks).
        public var modelRole = ModelRole.lead
        /// Frames whose pose came from the recovery are not fused into the tracking model.
        public var modelFusesOnlyConfident = true
        public enum ModelRole: String, Codable, Sendable, CaseIterable, ClosedSetValue { case lead, check }
        /// `track` only: a lost frame (alignment and recovery failed) is compared with the earlier keyframes by a
        /// thumbnail of its depth and grey levels, and aligned to up to this many of the most similar ones, from each
        /// keyframe's pose, until one passes; 0 = off (the lost frame keeps a guessed pose).
        public var relocalisationCandidates = 3
        /// ...passing means: overlap (inlier ratio) of at least `keyframeMinInlierRatio`, at most this far from the
        /// keyframe (metres)...
        public var relocalisationMaxDistance = 0.5
        /// ...and a consistency score with the keyframe (0…1, `AlignmentScore`) of at least this.
        public var relocalisationMinConsistency = 0.5
        public init() {}
    }

    /// The `refine` guard: keep the device poses when refinement does not make overlapping keyframes agree better.
    public struct RefineGuardOptions: Codable, Sendable, Equatable {
        public var enabled = true
        /// The refined mean median residual must be below the device's by this fraction (0.02 = 2 %)...
        public var margin = 0.02
        /// ...and its mean inlier ratio may fall at most this much below the device's.
        public var inlierTolerance = 0.01
        /// Keyframe pairs compared at most (spread evenly over all overlapping pairs).
        public var maxPairs = 300
        /// A pair counts only with at least this many matched samples under both trajectories.
        public var minMatches = 50
        /// The device poses are also kept when the refined frame-to-frame motion departs from the device's by more
        /// than this (metres, 95th percentile over frames) AND by more than `motionOutlierRatio` × its median: a
        /// few frames whose alignment slid, which overlapping-pair residuals cannot see (locally consistent,
        /// globally bent).
        public var maxMotionDisagreement = 0.012
        public var motionOutlierRatio = 3.0
        public init() {}
    }

    /// After the pose graph (`track` and `refine`): all keyframe poses refined jointly by point-to-plane residuals
    /// between overlapping keyframes (`GlobalRefinement`).
    public struct GlobalRefinementOptions: Codable, Sendable, Equatable {
        public var enabled = true
        /// Pairs: camera centres within this distance (metres), viewing directions within this angle (degrees)...
        public var maxPairDistance = 1.5
        public var maxPairAngleDegrees = 45.0
        /// ...overlap (fraction of samples landing on the other's surface) at least this...
        public var minOverlap = 0.2
        /// ...and at most this many earlier partners per keyframe, most overlapping first.
        public var maxPairsPerKeyframe = 10
        /// Depth samples per keyframe and pair direction.
        public var samplesPerPair = 600
        /// Association rounds, and Levenberg–Marquardt iterations per round.
        public var outerIterations = 4
        public var solverIterations = 8
        /// Association gate (metres) and Huber threshold (metres) of the point-to-plane residual.
        public var maxDistance = 0.05
        public var huber = 0.01
        /// Source and target normals must agree within this angle (degrees).
        public var maxNormalAngleDegrees = 30.0
        /// Normals are averaged over a (2r+1)² pixel window first (0…8; noisy depth gives noisy normals).
        public var normalRadius = 2
        /// A pair direction with fewer matches is left out of a round.
        public var minMatches = 50
        /// The pose graph's edges (odometry and kept loops) join as a prior with their information times this
        /// (0: no prior).
        public var priorWeight = 1.0
        /// `refine` only: consecutive keyframes are also tied to the device's relative motion with this weight (as
        /// `tracking.devicePriorWeight`); 0 = off.
        public var devicePriorWeight = 10.0
        public init() {}
    }

    public struct LoopClosureOptions: Codable, Sendable, Equatable {
        public var enabled = true
        /// Candidate keyframe pairs: camera centres within this distance (metres)...
        public var maxDistance = 1.0
        /// ...viewing directions within this angle (degrees)...
        public var maxAngleDegrees = 35.0
        /// ...at least this many keyframes apart...
        public var minKeyframeGap = 3
        /// ...and this view overlap (fraction of one keyframe's points that project into the other with consistent depth).
        public var minOverlap = 0.3
        /// At most this many verified loop edges per keyframe.
        public var maxEdgesPerKeyframe = 2
        /// ICP verification: minimum inlier ratio and maximum point-to-plane RMSE (metres).
        public var minInlierRatio = 0.5
        public var maxRMSE = 0.015
        /// Edge noise scale (metres): information = (Σ JᵀJ / n) / sigma².
        public var sigma = 0.01
        /// Cauchy scale on loop edges (whitened units).
        public var cauchyScale = 1.0
        /// After the solve, loop edges whose whitened squared error exceeds this are dropped and the graph re-solved.
        public var rejectSquaredError = 25.0
        public var maxIterations = 100
        public init() {}
    }

    public struct FusionOptions: Codable, Sendable, Equatable {
        /// TSDF voxel edge (metres).
        public var voxelSize = 0.01
        /// Truncation in voxels (truncation distance = truncationVoxels · voxelSize).
        public var truncationVoxels = 4.0
        /// Running-weight cap.
        public var maxWeight = 64.0
        /// Mesh extraction ignores voxels with a smaller weight.
        public var minWeight = 1.0
        /// Point set for training: mesh vertices voxel-downsampled at this spacing (metres); nil = all mesh vertices.
        public var pointSpacing: Double? = 0.02
        public init() {}
    }

    public struct CorrespondenceOptions: Codable, Sendable, Equatable {
        /// Depth test |D(u,v) − z| < toleranceVoxels · voxel + toleranceFraction · z.
        public var toleranceVoxels = 2.0
        public var toleranceFraction = 0.01
        public init() {}
    }

    /// Checks every range; throws the first offending option.
    public func validate() throws(ReconError) {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ expected: String) throws(ReconError) {
            if !ok { throw .invalidOption(name: name, value: "\(value)", expected: expected) }
        }
        try check(frames.start >= 0, "frames.start", frames.start, ">= 0")
        try check(frames.step >= 1, "frames.step", frames.step, ">= 1")
        if let end = frames.end { try check(end > frames.start, "frames.end", end, "> frames.start") }
        if let k = input.intrinsics {
            try check(k.count == 4 && k.allSatisfy(\.isFinite) && k[0] > 0 && k[1] > 0, "input.intrinsics", k,
                      "fx,fy,cx,cy (finite, fx, fy > 0)")
        }
        if let s = input.depthScale { try check(s.isFinite && s > 0, "input.depthScale", s, "> 0") }
        try check(input.minDepth >= 0 && input.maxDepth > input.minDepth, "input.maxDepth", input.maxDepth, "> minDepth >= 0")
        try check((0...1).contains(input.minValidDepthFraction), "input.minValidDepthFraction", input.minValidDepthFraction, "0…1")
        try check((1...4).contains(tracking.pyramidLevels), "tracking.pyramidLevels", tracking.pyramidLevels, "1…4")
        try check(tracking.iterations.count >= tracking.pyramidLevels && tracking.iterations.allSatisfy { $0 >= 1 },
                  "tracking.iterations", tracking.iterations, "one count >= 1 per pyramid level")
        try check(tracking.solverIterations >= 1, "tracking.solverIterations", tracking.solverIterations, ">= 1")
        try check(tracking.maxPoints >= 16, "tracking.maxPoints", tracking.maxPoints, ">= 16")
        try check(tracking.maxCorrespondenceDistance > 0, "tracking.maxCorrespondenceDistance", tracking.maxCorrespondenceDistance, "> 0")
        try check(tracking.huberGeometric > 0 && tracking.huberPhotometric > 0, "tracking.huber*", tracking.huberGeometric, "> 0")
        try check(tracking.photometricWeight >= 0, "tracking.photometricWeight", tracking.photometricWeight, ">= 0")
        try check(tracking.keyframeTranslation > 0 && tracking.keyframeRotationDegrees > 0, "tracking.keyframe*",
                  tracking.keyframeTranslation, "> 0")
        try check((0...1).contains(tracking.minInlierRatio), "tracking.minInlierRatio", tracking.minInlierRatio, "0…1")
        try check(tracking.maxRMSE > 0 && tracking.maxCorrection > 0, "tracking.maxRMSE/maxCorrection", tracking.maxRMSE, "> 0")
        try check(tracking.devicePriorWeight >= 0 && globalRefinement.devicePriorWeight >= 0, "devicePriorWeight",
                  tracking.devicePriorWeight, ">= 0")
        try check([1, 2].contains(tracking.keyframeDownsample), "tracking.keyframeDownsample", tracking.keyframeDownsample, "1 or 2")
        try check(tracking.recoveryTurnsDegrees.allSatisfy { $0.isFinite && abs($0) < 90 }, "tracking.recoveryTurnsDegrees",
                  tracking.recoveryTurnsDegrees, "finite angles below 90°")
        try check(tracking.relativeWindow >= 0 && tracking.relativeMinHistory >= 1, "tracking.relativeWindow",
                  tracking.relativeWindow, ">= 0 (and relativeMinHistory >= 1)")
        try check([tracking.relativeInlierFactor, tracking.relativeRMSEFactor, tracking.relativePhotometricFactor,
                   tracking.relativeCorrectionFactor, tracking.relativeSpeedFactor].allSatisfy { $0.isFinite && $0 > 0 }
                  && tracking.relativeCorrectionFloor >= 0 && tracking.relativeConsistencyDrop >= 0,
                  "tracking.relative*", tracking.relativeInlierFactor, "positive finite factors, non-negative floor and drop")
        try check((tracking.recoverySearchYawDegrees + tracking.recoverySearchTiltDegrees).allSatisfy { $0.isFinite && abs($0) < 90 },
                  "tracking.recoverySearch*", tracking.recoverySearchYawDegrees, "finite angles below 90°")
        try check(tracking.modelVoxelSize == 0 || (0.004...0.2).contains(tracking.modelVoxelSize), "tracking.modelVoxelSize",
                  tracking.modelVoxelSize, "0 (off) or 0.004…0.2 m")
        try check(tracking.modelAgreement >= 0, "tracking.modelAgreement", tracking.modelAgreement, ">= 0 (0 = off)")
        try check([1, 2].contains(tracking.modelRenderDownsample), "tracking.modelRenderDownsample",
                  tracking.modelRenderDownsample, "1 or 2")
        try check(tracking.recoveryPriorWeight >= 0, "tracking.recoveryPriorWeight", tracking.recoveryPriorWeight, ">= 0")
        try check(tracking.degenerateScoreMargin >= 0 && tracking.degenerateScoreMargin <= 1, "tracking.degenerateScoreMargin",
                  tracking.degenerateScoreMargin, "in [0, 1] (0 = off)")
        try check(tracking.degeneracyThreshold >= 0 && tracking.degeneracyThreshold <= 1 / 3, "tracking.degeneracyThreshold",
                  tracking.degeneracyThreshold, "in [0, 1/3]")
        try check((0...16).contains(tracking.relocalisationCandidates), "tracking.relocalisationCandidates",
                  tracking.relocalisationCandidates, "0 (off)…16")
        try check(tracking.relocalisationMaxDistance > 0 && tracking.relocalisationMaxDistance.isFinite,
                  "tracking.relocalisationMaxDistance", tracking.relocalisationMaxDistance, "> 0 m")
        try check((0...1).contains(tracking.relocalisationMinConsistency), "tracking.relocalisationMinConsistency",
                  tracking.relocalisationMinConsistency, "0…1")
        try check(refineGuard.margin >= 0 && refineGuard.margin < 1, "refineGuard.margin", refineGuard.margin, "0…1")
        try check(refineGuard.inlierTolerance >= 0, "refineGuard.inlierTolerance", refineGuard.inlierTolerance, ">= 0")
        try check(refineGuard.maxMotionDisagreement > 0 && refineGuard.motionOutlierRatio >= 1,
                  "refineGuard.maxMotionDisagreement/motionOutlierRatio",
                  refineGuard.maxMotionDisagreement, "> 0 metres, ratio >= 1")
        try check(refineGuard.maxPairs >= 1 && refineGuard.minMatches >= 1, "refineGuard.maxPairs/minMatches",
                  refineGuard.maxPairs, ">= 1")
        let g = globalRefinement
        try check(g.maxPairDistance > 0 && g.maxPairAngleDegrees > 0 && (0...1).contains(g.minOverlap),
                  "globalRefinement.maxPairDistance/maxPairAngleDegrees/minOverlap", g.maxPairDistance, "> 0, > 0, 0…1")
        try check(g.maxPairsPerKeyframe >= 1 && g.samplesPerPair >= 16 && g.minMatches >= 1,
                  "globalRefinement.maxPairsPerKeyframe/samplesPerPair/minMatches", g.samplesPerPair, ">= 1, >= 16, >= 1")
        try check((0...8).contains(g.normalRadius), "globalRefinement.normalRadius", g.normalRadius, "0…8")
        try check(g.outerIterations >= 1 && g.solverIterations >= 1, "globalRefinement.outerIterations/solverIterations",
                  g.outerIterations, ">= 1")
        try check(g.maxDistance > 0 && g.huber > 0 && g.maxNormalAngleDegrees > 0 && g.priorWeight >= 0,
                  "globalRefinement.maxDistance/huber/maxNormalAngleDegrees/priorWeight", g.maxDistance, "> 0 (prior >= 0)")
        try check(loopClosure.maxDistance > 0 && loopClosure.maxAngleDegrees > 0, "loopClosure.maxDistance/maxAngleDegrees",
                  loopClosure.maxDistance, "> 0")
        try check(loopClosure.minKeyframeGap >= 1, "loopClosure.minKeyframeGap", loopClosure.minKeyframeGap, ">= 1")
        try check(loopClosure.sigma > 0 && loopClosure.cauchyScale > 0, "loopClosure.sigma/cauchyScale", loopClosure.sigma, "> 0")
        try check(loopClosure.maxIterations >= 1 && loopClosure.maxEdgesPerKeyframe >= 1, "loopClosure.maxIterations", loopClosure.maxIterations, ">= 1")
        try check(fusion.voxelSize > 0.001 && fusion.voxelSize < 1, "fusion.voxelSize", fusion.voxelSize, "0.001…1 m")
        try check(fusion.truncationVoxels > 1, "fusion.truncationVoxels", fusion.truncationVoxels, "> 1")
        try check(fusion.maxWeight > 0 && fusion.minWeight >= 0, "fusion.maxWeight/minWeight", fusion.maxWeight, "> 0")
        if let spacing = fusion.pointSpacing { try check(spacing > 0, "fusion.pointSpacing", spacing, "> 0 or null") }
        try check(correspondences.toleranceVoxels >= 0 && correspondences.toleranceFraction >= 0, "correspondences.tolerance*",
                  correspondences.toleranceVoxels, ">= 0")
        try check(threads >= 1 && threads <= 64, "threads", threads, "1…64")
    }
}

extension ReconOptions {
    /// The defaults overridden by the keys of a preset JSON file (any subset, nested by group).
    public static func load(preset url: URL, over base: ReconOptions = ReconOptions()) throws(ReconError) -> ReconOptions {
        do {
            let baseObject = try JSONSerialization.jsonObject(with: JSONEncoder().encode(base))
            let presetObject = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
            guard let baseDictionary = baseObject as? [String: Any], let presetDictionary = presetObject as? [String: Any] else {
                throw ReconError.malformedFile(url: url, line: nil, reason: "a preset must be a JSON object")
            }
            // `_comment` and other "_" keys are notes; any other key must be an option (nearest one suggested).
            if let unknown = JSONKeys.unknown(in: presetDictionary, reference: keyReference, ignored: { $0.hasPrefix("_") }).first {
                let hint = unknown.suggestion.map { "did you mean \"\($0)\"?" } ?? "`ovseg3r recon --print-options` lists the keys"
                throw ReconError.malformedFile(url: url, line: nil, reason: "unknown key \"\(unknown.path)\" in a recon preset; \(hint)")
            }
            let merged = JSONKeys.overlay(presetDictionary.filter { !$0.key.hasPrefix("_") }, on: baseDictionary)
            let data = try JSONSerialization.data(withJSONObject: merged)
            return try JSONDecoder().decode(ReconOptions.self, from: data)
        } catch let error as ReconError {
            throw error
        } catch {
            throw .malformedFile(url: url, line: nil, reason: ErrorText.decoding(error))
        }
    }

    /// Every key a preset may name: the defaults' JSON with the optional fields (nil by default) filled in.
    static var keyReference: Any {
        var o = ReconOptions()
        o.poseMode = .track
        o.frames.end = 0
        o.input.intrinsics = []
        o.input.depthScale = 1
        o.fusion.pointSpacing = 1
        return (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(o))) ?? [String: Any]()
    }

    /// Pretty, key-sorted JSON (the format presets use).
    public func jsonString() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
