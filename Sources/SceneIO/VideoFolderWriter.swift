import Foundation

/// Writes a video folder in the layout `VideoFolder` reads (what `synth` produces and what
/// adapters for real captures convert to). Every file is written atomically.
public struct VideoFolderWriter: Sendable {
    public let url: URL
    public let intrinsics: CameraIntrinsicsFile

    /// Color frame encoding.
    public enum ColorFormat: String, Sendable {
        case jpeg = "jpg"
        case png
    }

    /// Creates the folder (and `color/`, `depth/`) and writes `intrinsics.json`.
    public init(url: URL, intrinsics: CameraIntrinsicsFile) throws(SceneIOError) {
        self.url = url
        self.intrinsics = intrinsics
        try Self.makeDirectory(VideoFile.color.url(in: url))
        try Self.makeDirectory(VideoFile.depth.url(in: url))
        try intrinsics.write(to: VideoFile.intrinsics.url(in: url))
    }

    static func makeDirectory(_ url: URL) throws(SceneIOError) {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw .unwritable(url: url, reason: "cannot create folder: \(error.localizedDescription)")
        }
    }

    /// Writes `color/NNNNNN.jpg|png` and `depth/NNNNNN.png` for frame `index`.
    public func writeFrame(
        _ index: Int, color: RGBImage, depth: GrayImage16, format: ColorFormat = .jpeg, jpegQuality: Int = 95
    ) throws(SceneIOError) {
        let stem = VideoFrame.stem(index)
        let colorURL = url.appendingPathComponent("color/\(stem).\(format.rawValue)")
        let depthURL = url.appendingPathComponent("depth/\(stem).png")
        try VideoFolder.checkSize(color.width, color.height, of: colorURL, frame: index, intrinsics: intrinsics)
        try VideoFolder.checkSize(depth.width, depth.height, of: depthURL, frame: index, intrinsics: intrinsics)
        switch format {
        case .jpeg: try JPEG.write(color, to: colorURL, quality: jpegQuality)
        case .png: try PNG.write(color, to: colorURL)
        }
        try PNG.write(depth, to: depthURL)
    }

    /// Writes `poses.txt` (TUM, world_from_camera).
    public func writePoses(_ trajectory: TUMTrajectory) throws(SceneIOError) {
        try trajectory.write(to: VideoFile.poses.url(in: url))
    }

    /// Writes the 2D model output of frame `index`: `pred2d/masks/NNNNNN.png` and `pred2d/instances/NNNNNN.json`.
    public func writePred2D(_ index: Int, mask: GrayImage16, instances: [Pred2DInstance]) throws(SceneIOError) {
        let maskURL = Pred2DFile.mask(frame: index).url(in: pred2dURL), listURL = Pred2DFile.instances(frame: index).url(in: pred2dURL)
        try Self.makeDirectory(maskURL.deletingLastPathComponent())
        try Self.makeDirectory(listURL.deletingLastPathComponent())
        try VideoFolder.checkSize(mask.width, mask.height, of: maskURL, frame: index, intrinsics: intrinsics)
        try PNG.write(mask, to: maskURL)
        try JSONFile.write(instances, to: listURL)
    }
}
