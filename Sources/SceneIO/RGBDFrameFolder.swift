import Foundation
import Geometry

/// An RGB-D capture folder in a layout other tools write, read into the video folder's types
/// (`VideoFrame` paths, `CameraIntrinsicsFile` cameras, camera-to-world 4×4 poses):
///
/// - `.scanNetFrames`, what ScanNet's SensReader exports: `color/N.jpg`, `depth/N.png` (uint16 millimetres),
///   `pose/N.txt` (4×4 camera-to-world; `-inf` where the sensor lost tracking), `intrinsic/intrinsic_color.txt`
///   and `intrinsic/intrinsic_depth.txt` (4×4), optional `intrinsic/extrinsic_color.txt` / `extrinsic_depth.txt`
///   (each camera's pose in the device frame). N need not start at 0 nor be contiguous (exports are often every
///   10th frame); frames are ordered by N.
/// - `.open3D`, Open3D's reconstruction-system (Redwood) layout: `color/` or `image/`, `depth/` (uint16, 1000 per
///   metre), a camera intrinsic JSON (`width`, `height`, `intrinsic_matrix` column-major) and an optional
///   `trajectory.log` (per frame a metadata line, then the 4×4 camera-to-world). Frames pair by sorted file name.
///
/// Opening checks the layout: one depth image per colour image (a missing partner is reported with its frame),
/// intrinsics that fit the images (sizes read from the first frame's headers), one pose per frame.
/// Colour and depth may differ in size; each keeps its own camera (`colorCamera`, `depthCamera`).
public struct RGBDFrameFolder: Sendable {
    /// The layouts this reader recognises.
    public enum Layout: String, Sendable, CaseIterable {
        case scanNetFrames = "scannet_frames"
        case open3D = "open3d"
    }

    public let url: URL
    public let layout: Layout
    /// Frames in order; `index` is the frame's number in the input (ScanNet's N, or the position for Open3D).
    public let frames: [VideoFrame]
    /// The depth camera (its image size is the depth images') with the depth scale (units per metre).
    public let depthCamera: CameraIntrinsicsFile
    /// The colour camera, at the colour images' size.
    public let colorCamera: PinholeIntrinsics
    /// Colour camera from depth camera, 4×4 row-major, when the input states extrinsics; nil = same optical centre.
    public let colorFromDepth: [Double]?
    /// Camera-to-world 4×4 row-major per frame (nil: the file holds a non-finite pose), or nil without poses.
    public let poses: [[Double]?]?
    /// The file each pose came from (`pose/N.txt`, or `trajectory.log`), for messages.
    public let poseFiles: [URL]?

    /// The layout of the folder at `url`, or nil when it is none of them.
    public static func detect(_ url: URL) -> Layout? {
        let manager = FileManager.default
        func exists(_ path: String) -> Bool { manager.fileExists(atPath: url.appendingPathComponent(path).path) }
        if exists("intrinsic/intrinsic_depth.txt"), exists("color"), exists("depth") { return .scanNetFrames }
        if exists("depth"), exists("color") || exists("image"), open3DIntrinsicFile(in: url) != nil { return .open3D }
        return nil
    }

    /// Opens the folder as `layout` (detected when nil).
    public init(_ url: URL, layout: Layout? = nil) throws(SceneIOError) {
        guard let layout = layout ?? Self.detect(url) else {
            throw .missingFile(url: url, purpose: "a ScanNet frame export (intrinsic/, color/, depth/, pose/) or an "
                               + "Open3D RGB-D folder (color/ or image/, depth/, camera intrinsic JSON)")
        }
        self.url = url
        self.layout = layout
        switch layout {
        case .scanNetFrames:
            let parts = try Self.openScanNet(url)
            (frames, depthCamera, colorCamera, colorFromDepth, poses, poseFiles) =
                (parts.frames, parts.depth, parts.color, parts.colorFromDepth, parts.poses, parts.poseFiles)
        case .open3D:
            let parts = try Self.openOpen3D(url)
            (frames, depthCamera, colorCamera, colorFromDepth, poses, poseFiles) =
                (parts.frames, parts.depth, parts.color, nil, parts.poses, parts.poseFiles)
        }
    }

    /// Frames whose pose is non-finite (the input's frame numbers).
    public var framesWithoutPose: [Int] {
        guard let poses else { return [] }
        return zip(frames, poses).compactMap { $1 == nil ? $0.index : nil }
    }

    public func color(_ position: Int) throws(SceneIOError) -> RGBImage {
        try ColorImageFile.readRGB(frames[position].colorURL)
    }

    public func depth(_ position: Int) throws(SceneIOError) -> GrayImage16 {
        try PNG.readGray16(frames[position].depthURL)
    }

    // MARK: - Shared checks

    /// Files of `dir` with one of `extensions`, sorted by their integer stem (`numeric`) or by name.
    static func listFiles(in dir: URL, extensions: Set<String>, numeric: Bool,
                          purpose: String) throws(SceneIOError) -> [(key: String, url: URL)] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir.path) } catch {
            throw .missingFile(url: dir, purpose: purpose)
        }
        var files: [(key: String, url: URL)] = []
        for name in names where !name.hasPrefix(".") {
            let file = dir.appendingPathComponent(name)
            guard extensions.contains(file.pathExtension.lowercased()) else { continue }
            let stem = file.deletingPathExtension().lastPathComponent
            if numeric, Int(stem) == nil {
                throw .frameNumbering(url: dir, expected: "integer names like 0.\(file.pathExtension)", found: name)
            }
            files.append((stem, file))
        }
        files.sort { a, b in numeric ? (Int(a.key) ?? 0) < (Int(b.key) ?? 0) : a.url.lastPathComponent < b.url.lastPathComponent }
        guard !files.isEmpty else { throw .missingFile(url: dir, purpose: purpose) }
        return files
    }

    /// Checks that a camera stated for `url`'s images fits an image of `width`×`height` (frame `frame`): the
    /// stated size when there is one, else the principal point inside the middle of the image (a ScanNet colour
    /// intrinsic applied to depth images puts it far off-centre).
    static func checkCamera(_ camera: PinholeIntrinsics, statedSize: Bool, against image: URL, frame: Int,
                            source: URL) throws(SceneIOError) {
        let size = try ImageHeader.size(of: image)
        if statedSize {
            guard size.width == camera.width, size.height == camera.height else {
                throw .invalidIntrinsics(url: source, field: "width/height", value: "\(camera.width)×\(camera.height)",
                                         expected: "the size of \(image.lastPathComponent) (frame \(frame)): \(size.width)×\(size.height)")
            }
        }
        let w = Double(size.width), h = Double(size.height)
        guard camera.cx > 0.25 * w, camera.cx < 0.75 * w else {
            throw .invalidIntrinsics(url: source, field: "cx", value: "\(camera.cx)",
                                     expected: "near the centre of \(image.lastPathComponent) (frame \(frame), width \(size.width))")
        }
        guard camera.cy > 0.25 * h, camera.cy < 0.75 * h else {
            throw .invalidIntrinsics(url: source, field: "cy", value: "\(camera.cy)",
                                     expected: "near the centre of \(image.lastPathComponent) (frame \(frame), height \(size.height))")
        }
    }
}
