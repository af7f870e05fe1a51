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

    /// Reads and checks the arrays of the scene folder at `url`.
    public static func load(_ url: URL) throws(IBSpError) -> SceneInputs {
        do {
            let folder = try SceneFolder(url)
            let coord = try folder.read("coord")
            let n = try coord.requireShape([nil, 3])[0]
            let positions = triples(try coord.floats(), as: Float.self)
            let normal = try folder.read("normal")
            try normal.requireShape([n, 3])
            let normals = triples(try normal.floats(), as: Float.self)
            var colours: [SIMD3<UInt8>] = []
            if folder.manifest.arrays["color"] != nil {
                let color = try folder.read("color")
                try color.requireShape([n, 3])
                colours = triples(try color.uint8s(), as: UInt8.self)
            }
            let offsets = try folder.read("corr_offsets").int64s()
            let points = try folder.read("corr_point").int32s()
            let uvArray = try folder.read("corr_uv")
            try uvArray.requireShape([points.count, 2])
            let sourceView = try folder.read("source_view").int32s()
            guard sourceView.count == n else { throw IBSpError.sizeMismatch(field: "source_view", expected: n, actual: sourceView.count) }
            guard offsets.first == 0, offsets.last.map(Int.init) == points.count else {
                throw IBSpError.sizeMismatch(field: "corr_offsets (last entry)", expected: points.count, actual: Int(offsets.last ?? -1))
            }
            let views = try JSONFile.read([SceneView].self, from: folder.fileURL("views.json"))
            guard views.count == offsets.count - 1 else {
                throw IBSpError.sizeMismatch(field: "views.json", expected: offsets.count - 1, actual: views.count)
            }
            return SceneInputs(folder: folder, positions: positions, normals: normals, colours: colours, corrOffsets: offsets,
                               corrPoint: points, corrUV: try uvArray.floats(), sourceView: sourceView, views: views)
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
        let url = folder.fileURL("mesh.ply")
        guard FileManager.default.fileExists(atPath: url.path), let mesh = try? Ply.read(url),
              mesh.vertexCount == pointCount, mesh.positions == positions else { return nil }
        return mesh.faces
    }
}

func triples<T: SIMDScalar>(_ flat: [T], as _: T.Type) -> [SIMD3<T>] {
    (0..<(flat.count / 3)).map { SIMD3(flat[3 * $0], flat[3 * $0 + 1], flat[3 * $0 + 2]) }
}
