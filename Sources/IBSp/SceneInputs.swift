import Foundation
import SceneIO
import Support

/// One entry of a scene's `views.json` (written by `ovseg3r recon`); only the fields the later stages use.
public struct SceneView: Codable, Sendable, Equatable {
    /// View index (position in the correspondence CSR).
    public var index: Int
    /// Frame number in the source video folder.
    public var frame: Int
    /// Image size in pixels the correspondence pixels refer to.
    public var width: Int
    public var height: Int
}

/// The scene-folder arrays the superpoint and lifting stages read (contract: `coord`, `normal`, `color`,
/// `corr_offsets`, `corr_point`, `corr_uv`, `source_view`, `views.json`).
public struct SceneInputs: Sendable {
    public var folder: SceneFolder
    /// `[N]` points (world, metres).
    public var positions: [SIMD3<Float>]
    /// `[N]` unit normals.
    public var normals: [SIMD3<Float>]
    /// `[N]` RGB.
    public var colours: [SIMD3<UInt8>]
    /// `[V + 1]` correspondence CSR offsets by view.
    public var corrOffsets: [Int64]
    /// `[M]` point index of each correspondence.
    public var corrPoint: [Int32]
    /// `[M·2]` pixel (x, y) of each correspondence, pixel centres at integers.
    public var corrUV: [Float]
    /// `[N]` each point's source view, −1 if none.
    public var sourceView: [Int32]
    /// `[V]` views.
    public var views: [SceneView]

    public var pointCount: Int { positions.count }
    public var viewCount: Int { corrOffsets.count - 1 }

    /// Reads the arrays of the scene folder at `url` through the scene contract (`ScenePoints`,
    /// `SceneCorrespondences`), which checks lengths, index ranges, monotone offsets and finite values.
    public static func load(_ url: URL) throws(IBSpError) -> SceneInputs {
        do {
            let folder = try SceneFolder(url)
            let points = try ScenePoints.read(from: folder)
            guard let normals = points.normals else {
                throw SceneContractError.missing(folder: url, file: SceneFile.normal.fileName, producedBy: "recon")
            }
            let n = points.count
            let table = try SceneCorrespondences.read(from: folder, pointCount: n)
            guard table.sourceView.count == n else {
                throw IBSpError.sizeMismatch(field: SceneFile.sourceView.fileName, expected: n, actual: table.sourceView.count)
            }
            let views = try JSONFile.read([SceneView].self, from: folder.url(of: .views))
            guard views.count == table.viewCount else {
                throw IBSpError.sizeMismatch(field: SceneFile.views.fileName, expected: table.viewCount, actual: views.count)
            }
            for (v, view) in views.enumerated() where view.width < 1 || view.height < 1 || view.width > 1 << 16 || view.height > 1 << 16 {
                throw IBSpError.sizeMismatch(field: "\(SceneFile.views.fileName)[\(v)] width×height", expected: 1, actual: min(view.width, view.height))
            }
            return SceneInputs(folder: folder, positions: triples(points.coords, as: Float.self), normals: triples(normals, as: Float.self),
                               colours: points.colors.map { triples($0, as: UInt8.self) } ?? [],
                               corrOffsets: table.offsets, corrPoint: table.points, corrUV: table.uv,
                               sourceView: table.sourceView, views: views)
        } catch let error as IBSpError {
            throw error
        } catch {
            throw .unreadableInput(url: url, reason: "\(error)")
        }
    }

    /// The video folder the scene was reconstructed from: `override` if given, else `provenance.input`.
    public func videoURL(override: URL?) throws(IBSpError) -> URL {
        if let override { return override }
        guard let input = folder.manifest.provenance["input"] else {
            throw .unreadableInput(url: folder.url.appendingPathComponent(SceneFolder.manifestName),
                                   reason: "provenance has no 'input' (pass --video)")
        }
        return URL(fileURLWithPath: input)
    }

    /// `[M]` the 2D instance id at every correspondence pixel, reading each view's `pred2d/masks` once.
    /// Views whose frame has no mask read as 0 (no instance).
    public func correspondenceIDs(video: VideoFolder, progress: ProgressBar? = nil) throws(IBSpError) -> [UInt16] {
        guard video.hasPred2D else { throw .missing2DMasks(url: video.url) }
        var ids = [UInt16](repeating: 0, count: corrPoint.count)
        for (v, view) in views.enumerated() {
            let lo = Int(corrOffsets[v]), hi = Int(corrOffsets[v + 1])
            let mask: GrayImage16?
            do { mask = try video.pred2DMask(view.frame) } catch {
                throw .unreadableInput(url: video.url, reason: "\(error)")
            }
            if let mask, hi > lo {
                let read = PointViewLabels.read(mask: mask.pixels, width: mask.width, height: mask.height,
                                                uv: corrUV[(2 * lo)..<(2 * hi)], imageWidth: view.width, imageHeight: view.height)
                ids.replaceSubrange(lo..<hi, with: read)
            }
            progress?.update(v + 1, of: views.count)
        }
        return ids
    }

    /// Mesh faces when the scene's points are exactly the vertices of `mesh.ply`, else nil.
    public func meshFacesIfPointsAreVertices() -> [Int32]? {
        let url = folder.url(of: .mesh)
        guard FileManager.default.fileExists(atPath: url.path), let mesh = try? Ply.read(url),
              mesh.vertexCount == pointCount, mesh.positions == positions else { return nil }
        return mesh.faces
    }
}

func triples<T: SIMDScalar>(_ flat: [T], as _: T.Type) -> [SIMD3<T>] {
    (0..<(flat.count / 3)).map { SIMD3(flat[3 * $0], flat[3 * $0 + 1], flat[3 * $0 + 2]) }
}
