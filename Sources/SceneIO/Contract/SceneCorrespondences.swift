import Foundation

/// The correspondence table C of a scene (written by `recon`, read by `superpoints`, `lift` and `fuse`): a CSR by
/// view of (point, pixel) pairs plus each point's source view.
///
/// - `corr_offsets.npy` i64 [V + 1]: starts at 0, never decreases, ends at M.
/// - `corr_point.npy` i32 [M]: point indices in 0..<N.
/// - `corr_uv.npy` f32 [M, 2]: finite pixel (x, y), pixel centres at integers.
/// - `source_view.npy` i32 [N]: −1 (none) or a view in 0..<V; `source_uv.npy` f32 [N, 2] finite (optional).
public struct SceneCorrespondences: Sendable, Equatable {
    public var offsets: [Int64]
    public var points: [Int32]
    /// `[M·2]`.
    public var uv: [Float]
    /// `[N]`, or empty when the scene has none.
    public var sourceView: [Int32]
    /// `[N·2]`, or empty.
    public var sourceUV: [Float]

    public var viewCount: Int { offsets.count - 1 }
    public var count: Int { points.count }

    public init(offsets: [Int64], points: [Int32], uv: [Float], sourceView: [Int32] = [], sourceUV: [Float] = []) {
        self.offsets = offsets
        self.points = points
        self.uv = uv
        self.sourceView = sourceView
        self.sourceUV = sourceUV
    }

    /// The correspondences of view `v` as a range into `points` (rows of `uv` are the same range).
    public func range(view v: Int) -> Range<Int> { Int(offsets[v])..<Int(offsets[v + 1]) }

    /// Reads and validates the table of `folder` against its `pointCount` points.
    public static func read(from folder: SceneFolder, pointCount n: Int) throws(SceneContractError) -> SceneCorrespondences {
        let offsetsArray = try folder.contractArray(.corrOffsets, of: .correspondences)
        try ContractCheck.shape(offsetsArray, [nil], dtypes: [.int64], file: folder.url(of: .corrOffsets))
        let pointArray = try folder.contractArray(.corrPoint, of: .correspondences)
        let m = try ContractCheck.shape(pointArray, [nil], dtypes: [.int32], file: folder.url(of: .corrPoint))[0]
        let uvArray = try folder.contractArray(.corrUV, of: .correspondences)
        try ContractCheck.shape(uvArray, [m, 2], dtypes: [.float32], file: folder.url(of: .corrUV))
        var table = SceneCorrespondences(
            offsets: try ContractCheck.values { () throws(SceneIOError) in try offsetsArray.int64s() },
            points: try ContractCheck.values { () throws(SceneIOError) in try pointArray.int32s() },
            uv: try ContractCheck.values { () throws(SceneIOError) in try uvArray.floats() })
        if folder.has(.sourceView) {
            let array = try folder.contractArray(.sourceView, of: .correspondences)
            try ContractCheck.shape(array, [n], dtypes: [.int32], file: folder.url(of: .sourceView))
            table.sourceView = try ContractCheck.values { () throws(SceneIOError) in try array.int32s() }
        }
        if folder.has(.sourceUV) {
            let array = try folder.contractArray(.sourceUV, of: .correspondences)
            try ContractCheck.shape(array, [n, 2], dtypes: [.float32], file: folder.url(of: .sourceUV))
            table.sourceUV = try ContractCheck.values { () throws(SceneIOError) in try array.floats() }
        }
        try table.validate(pointCount: n, folder: folder)
        return table
    }

    /// Checks offsets, point indices, pixels and source views (lengths, ranges, finiteness).
    public func validate(pointCount n: Int, folder: SceneFolder) throws(SceneContractError) {
        try ContractCheck.offsets(offsets, total: points.count, file: folder.url(of: .corrOffsets))
        try ContractCheck.range(points, 0, Int64(n), file: folder.url(of: .corrPoint))
        try ContractCheck.length(uv.count, 2 * points.count, file: folder.url(of: .corrUV), against: "2 × entries of corr_point")
        try ContractCheck.bounded(uv, limit: ContractCheck.pixelLimit, file: folder.url(of: .corrUV))
        try Self.validateSources(sourceView, sourceUV, pointCount: n, viewCount: viewCount, folder: folder)
    }

    /// Checks `source_view` (`[N]`, −1 or a view index) and `source_uv` (`[N · 2]`, finite pixels) when present.
    static func validateSources(_ sourceView: [Int32], _ sourceUV: [Float], pointCount n: Int, viewCount: Int,
                                folder: SceneFolder) throws(SceneContractError) {
        if !sourceView.isEmpty {
            try ContractCheck.length(sourceView.count, n, file: folder.url(of: .sourceView), against: "points in coord")
            try ContractCheck.range(sourceView, -1, Int64(viewCount), file: folder.url(of: .sourceView))
        }
        if !sourceUV.isEmpty {
            try ContractCheck.length(sourceUV.count, 2 * n, file: folder.url(of: .sourceUV), against: "2 × points in coord")
            try ContractCheck.bounded(sourceUV, limit: ContractCheck.pixelLimit, file: folder.url(of: .sourceUV))
        }
    }

    /// Writes the table (each array through a temporary file and a rename) and removes the artefacts built on
    /// older correspondences.
    public func write(to folder: inout SceneFolder, pointCount n: Int) throws(SceneContractError) {
        try validate(pointCount: n, folder: folder)
        try folder.invalidate(dependentsOf: .correspondences)
        try folder.contractWrite(offsets, shape: [offsets.count], as: .corrOffsets)
        try folder.contractWrite(points, shape: [points.count], as: .corrPoint)
        try folder.contractWrite(uv, shape: [points.count, 2], as: .corrUV)
        if !sourceView.isEmpty { try folder.contractWrite(sourceView, shape: [n], as: .sourceView) }
        if !sourceUV.isEmpty { try folder.contractWrite(sourceUV, shape: [n, 2], as: .sourceUV) }
    }
}
