import Foundation

/// Writes a scene's correspondence table (`SceneCorrespondences`) view by view, in view order, so that the
/// table is never held in memory: `corr_point.npy` and `corr_uv.npy` grow on disk (`NpyStreamWriter`), only the
/// offsets (`[V + 1]`) stay in memory. The files are byte for byte what `SceneCorrespondences.write` makes of the
/// whole table, and each view's rows are checked as `validate` checks the whole table (point range, finite
/// pixels). The rows go into `directory` (the scene folder, or the temporary folder it is being staged in) under
/// hidden temporary names; `finish` renames them into place and records them in the manifest.
public final class SceneCorrespondenceWriter {
    public let pointCount: Int
    /// `[0, …]`: one more entry per view appended.
    public private(set) var offsets: [Int64] = [0]
    private let pointWriter: NpyStreamWriter
    private let uvWriter: NpyStreamWriter
    private let pointURL: URL, uvURL: URL

    public var viewCount: Int { offsets.count - 1 }
    /// Rows (correspondences) appended so far.
    public var count: Int { Int(offsets[offsets.count - 1]) }

    /// Opens the two row files in `directory` for a point set of `pointCount` points.
    public init(directory: URL, pointCount: Int) throws(SceneContractError) {
        self.pointCount = pointCount
        pointURL = directory.appendingPathComponent(SceneFile.corrPoint.fileName)
        uvURL = directory.appendingPathComponent(SceneFile.corrUV.fileName)
        do throws(SceneIOError) {
            pointWriter = try NpyStreamWriter(url: pointURL, dtype: .int32)
            uvWriter = try NpyStreamWriter(url: uvURL, dtype: .float32, rowShape: [2])
        } catch { throw .io(error) }
    }

    /// Appends the next view's rows: `points` in 0..<pointCount, `uv` (`2 · points.count` values) finite pixels.
    public func append(points: [Int32], uv: [Float]) throws(SceneContractError) {
        let start = count
        // Indices in errors are the table's (flat indices into the whole file), not the view's.
        do throws(SceneContractError) {
            try ContractCheck.length(uv.count, 2 * points.count, file: uvURL, against: "2 × entries of corr_point")
            try ContractCheck.range(points, 0, Int64(pointCount), file: pointURL)
            try ContractCheck.bounded(uv, limit: ContractCheck.pixelLimit, file: uvURL)
        } catch .outOfRange(let file, let index, let value, let valid) {
            throw .outOfRange(file: file, index: start + index, value: value, valid: valid)
        } catch .tooLarge(let file, let index, let value, let limit) {
            throw .tooLarge(file: file, index: 2 * start + index, value: value, limit: limit)
        } catch .nonFinite(let file, let index, let value) {
            throw .nonFinite(file: file, index: 2 * start + index, value: value)
        } catch {
            throw error
        }
        do throws(SceneIOError) {
            try pointWriter.append(points)
            try uvWriter.append(uv)
        } catch { throw .io(error) }
        offsets.append(Int64(start + points.count))
    }

    /// Renames the row files into place, writes `corr_offsets` and (when not empty) `source_view` `[N]` and
    /// `source_uv` `[N · 2]` into `folder` (whose directory must be the writer's), removes the artefacts built on
    /// older correspondences, and records every array in the manifest.
    public func finish(into folder: inout SceneFolder, sourceView: [Int32], sourceUV: [Float]) throws(SceneContractError) {
        try SceneCorrespondences.validateSources(sourceView, sourceUV, pointCount: pointCount, viewCount: viewCount, folder: folder)
        try folder.invalidate(dependentsOf: .correspondences)
        try folder.contractWrite(offsets, shape: [offsets.count], as: .corrOffsets)
        do throws(SceneIOError) {
            try pointWriter.finish()
            try folder.recordWritten(SceneFile.corrPoint.stem)
            try uvWriter.finish()
            try folder.recordWritten(SceneFile.corrUV.stem)
        } catch { throw .io(error) }
        if !sourceView.isEmpty { try folder.contractWrite(sourceView, shape: [pointCount], as: .sourceView) }
        if !sourceUV.isEmpty { try folder.contractWrite(sourceUV, shape: [pointCount, 2], as: .sourceUV) }
    }

    /// Abandons the table: removes the temporary row files.
    public func cancel() {
        pointWriter.cancel()
        uvWriter.cancel()
    }
}
