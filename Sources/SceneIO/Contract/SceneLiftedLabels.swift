import Foundation

/// The lifted labels of a scene (written by `lift`, read by `train` and `fuse`): the one reader and writer of
/// `view_labels.json`, the mask CSR `vl_*`, the visibility CSR `sp_view*`, the 2D objects `objects2d_*` and the
/// per-point features `feat2d*`. See docs/SCENE_FORMAT.md for each file's meaning.
public struct SceneLiftedLabels: Sendable, Equatable {
    public var labels: ViewLabelsFile
    /// `[L + 1]` and `[Σ]`: lifted instance m covers superpoints `maskSuperpoints[maskOffsets[m]..<maskOffsets[m+1]]`.
    public var maskOffsets: [Int64]
    public var maskSuperpoints: [Int32]
    /// `[V + 1]` and `[Σ]`: view v sees superpoints `visibleSuperpoints[visibleOffsets[v]..<visibleOffsets[v+1]]`.
    public var visibleOffsets: [Int64]
    public var visibleSuperpoints: [Int32]
    /// `[O·C]` object features, `[O·3]` centres (world metres), `[O]` source views; empty when absent.
    public var objectFeatures: [Float] = []
    public var objectChannels = 0
    public var objectCenters: [Float] = []
    public var objectViews: [Int32] = []
    /// `[N·C]` mean 2D feature per point and `[N]` views averaged; empty when the video had no features.
    public var pointFeatures: [Float] = []
    public var featureChannels = 0
    public var featureCounts: [UInt16] = []

    public init(labels: ViewLabelsFile, maskOffsets: [Int64], maskSuperpoints: [Int32],
                visibleOffsets: [Int64], visibleSuperpoints: [Int32]) {
        self.labels = labels
        self.maskOffsets = maskOffsets
        self.maskSuperpoints = maskSuperpoints
        self.visibleOffsets = visibleOffsets
        self.visibleSuperpoints = visibleSuperpoints
    }

    public var viewCount: Int { visibleOffsets.count - 1 }
    public var maskCount: Int { maskOffsets.count - 1 }
    public var objectCount: Int { objectViews.count }

    /// Superpoints of lifted instance `row` (valid after `read`/`validate`).
    public func mask(_ row: Int) -> ArraySlice<Int32> { maskSuperpoints[Int(maskOffsets[row])..<Int(maskOffsets[row + 1])] }
    /// Superpoints visible in view `v`.
    public func visible(view v: Int) -> ArraySlice<Int32> {
        visibleSuperpoints[Int(visibleOffsets[v])..<Int(visibleOffsets[v + 1])]
    }

    /// Reads and validates the lifted labels of `folder` for `pointCount` points and `superpointCount` superpoints.
    public static func read(from folder: SceneFolder, pointCount n: Int, superpointCount s: Int) throws(SceneContractError) -> SceneLiftedLabels {
        let labels = try folder.contractJSON(ViewLabelsFile.self, .viewLabels, of: .liftedLabels)
        func ints32(_ file: SceneFile, _ pattern: [Int?]) throws(SceneContractError) -> [Int32] {
            try folder.contractInt32s(file, of: .liftedLabels, shape: pattern)
        }
        func ints64(_ file: SceneFile) throws(SceneContractError) -> [Int64] { try folder.contractOffsets(file, of: .liftedLabels) }
        func floats(_ file: SceneFile, _ pattern: [Int?]) throws(SceneContractError) -> (values: [Float], shape: [Int]) {
            try folder.contractFloats(file, of: .liftedLabels, shape: pattern)
        }
        var lifted = SceneLiftedLabels(labels: labels, maskOffsets: try ints64(.vlOffsets), maskSuperpoints: try ints32(.vlSuperpoints, [nil]),
                                       visibleOffsets: try ints64(.spViewOffsets), visibleSuperpoints: try ints32(.spView, [nil]))
        if folder.has(.objects2dCenter) {
            let centers = try floats(.objects2dCenter, [nil, 3])
            lifted.objectCenters = centers.values
            let o = centers.shape[0]
            lifted.objectViews = try ints32(.objects2dView, [o])
            if folder.has(.objects2dFeat) {
                let features = try floats(.objects2dFeat, [o, nil])
                lifted.objectFeatures = features.values
                lifted.objectChannels = features.shape[1]
            }
        }
        if folder.has(.feat2d) {
            let features = try floats(.feat2d, [n, nil])
            guard features.shape[1] > 0 else {
                throw .shape(file: folder.url(of: .feat2d), expected: "[N, C] with C ≥ 1", actual: "\(features.shape)")
            }
            lifted.pointFeatures = features.values
            lifted.featureChannels = features.shape[1]
            if folder.has(.feat2dCount) {
                let array = try folder.contractArray(.feat2dCount, of: .liftedLabels)
                try ContractCheck.shape(array, [n], dtypes: [.uint16], file: folder.url(of: .feat2dCount))
                lifted.featureCounts = try ContractCheck.values { () throws(SceneIOError) in try array.uint16s() }
            }
        }
        try lifted.validate(folder: folder, pointCount: n, superpointCount: s)
        return lifted
    }

    /// Checks the CSRs, every superpoint id, view and object index, and that every float is finite.
    public func validate(folder: SceneFolder, pointCount n: Int, superpointCount s: Int) throws(SceneContractError) {
        try ContractCheck.csr(maskOffsets, maskSuperpoints, in: 0, Int64(s), files: folder.url(of: .vlOffsets), folder.url(of: .vlSuperpoints))
        try ContractCheck.csr(visibleOffsets, visibleSuperpoints, in: 0, Int64(s), files: folder.url(of: .spViewOffsets), folder.url(of: .spView))
        try labels.validate(file: folder.url(of: .viewLabels), viewCount: viewCount, maskCount: maskCount, objectCount: objectCount)
        try ContractCheck.length(objectCenters.count, 3 * objectCount, file: folder.url(of: .objects2dCenter), against: "3 × rows of objects2d_view")
        try ContractCheck.bounded(objectCenters, limit: ContractCheck.coordinateLimit, file: folder.url(of: .objects2dCenter))
        try ContractCheck.range(objectViews, 0, Int64(viewCount), file: folder.url(of: .objects2dView))
        try ContractCheck.length(objectFeatures.count, objectChannels * objectCount, file: folder.url(of: .objects2dFeat), against: "objects × channels")
        try ContractCheck.finite(objectFeatures, file: folder.url(of: .objects2dFeat))
        if !pointFeatures.isEmpty || featureChannels > 0 {
            guard featureChannels > 0 else {
                throw .shape(file: folder.url(of: .feat2d), expected: "[N, C] with C ≥ 1", actual: "C = 0")
            }
            try ContractCheck.length(pointFeatures.count, n * featureChannels, file: folder.url(of: .feat2d), against: "points × channels")
            try ContractCheck.finite(pointFeatures, file: folder.url(of: .feat2d))
        }
        if !featureCounts.isEmpty {
            try ContractCheck.length(featureCounts.count, n, file: folder.url(of: .feat2dCount), against: "points in coord")
        }
    }

    /// Writes every file (temporary name, then rename) after validating against the scene's counts, and removes
    /// the tracked labels built on older lifted masks.
    public func write(to folder: inout SceneFolder, pointCount n: Int, superpointCount s: Int) throws(SceneContractError) {
        try validate(folder: folder, pointCount: n, superpointCount: s)
        try folder.invalidate(dependentsOf: .liftedLabels)
        do {
            try JSONFile.write(labels, to: folder.url(of: .viewLabels))
            try folder.write(maskOffsets, shape: [maskOffsets.count], named: SceneFile.vlOffsets.stem)
            try folder.write(maskSuperpoints, shape: [maskSuperpoints.count], named: SceneFile.vlSuperpoints.stem)
            try folder.write(visibleOffsets, shape: [visibleOffsets.count], named: SceneFile.spViewOffsets.stem)
            try folder.write(visibleSuperpoints, shape: [visibleSuperpoints.count], named: SceneFile.spView.stem)
            let o = objectCount
            try folder.write(objectCenters, shape: [o, 3], named: SceneFile.objects2dCenter.stem)
            try folder.write(objectViews, shape: [o], named: SceneFile.objects2dView.stem)
            try folder.write(try NpyArray(float16: objectFeatures, shape: [o, objectChannels]), named: SceneFile.objects2dFeat.stem)
            if featureChannels > 0 {
                try folder.write(try NpyArray(float16: pointFeatures, shape: [n, featureChannels]), named: SceneFile.feat2d.stem)
                try folder.write(featureCounts, shape: [n], named: SceneFile.feat2dCount.stem)
            } else {
                for file in [SceneFile.feat2d, .feat2dCount] where folder.manifest.arrays[file.stem] != nil { try folder.remove(file.stem) }
            }
            try folder.setCount("view_instances", maskCount)
            try folder.setCount("objects2d", o)
        } catch { throw .io(error) }
    }
}
