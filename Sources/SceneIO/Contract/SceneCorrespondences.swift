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
        let offsets = try folder.contractOffsets(.corrOffsets, of: .correspondences)
        let points = try folder.contractInt32s(.corrPoint, of: .correspondences, shape: [nil])
        let uv = try folder.contractFloats(.corrUV, of: .correspondences, shape: [points.count, 2], dtypes: [.float32]).values
        var table = SceneCorrespondences(offsets: offsets, points: points, uv: uv)
        if folder.has(.sourceView) { table.sourceView = try folder.contractInt32s(.sourceView, of: .correspondences, shape: [n]) }
        if folder.has(.sourceUV) {
            table.sourceUV = try folder.contractFloats(.sourceUV, of: .correspondences, shape: [n, 2], dtypes: [.float32]).values
        }
        try table.validate(pointCount: n, folder: folder)
        return table
    }

    /// Checks offsets, point indices, pixels and source views (lengths, ranges, finiteness).
    public func validate(pointCount n: Int, folder: SceneFolder) throws(SceneContractError) {
        try ContractCheck.csr(offsets, points, in: 0, Int64(n), files: folder.url(of: .corrOffsets), folder.url(of: .corrPoint))
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
