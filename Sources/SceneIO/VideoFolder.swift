import Foundation

/// One frame of a video folder. Paths are fixed by the index; only `colorURL`'s extension varies.
public struct VideoFrame: Sendable, Equatable {
    /// 0-based frame number (the file stem `000042` is frame 42).
    public var index: Int
    public var colorURL: URL
    public var depthURL: URL

    /// The six-digit file stem of `index`.
    public static func stem(_ index: Int) -> String {
        let digits = String(index)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}

/// An input video folder (design §3): `intrinsics.json`, `color/NNNNNN.jpg|png`,
/// `depth/NNNNNN.png` (uint16), optional `poses.txt` (TUM, world_from_camera) and `pred2d/`.
///
/// Opening validates the layout: frames numbered from 000000 without gaps, a depth image for every
/// color image, every image the size `intrinsics.json` states (read from the file headers), and one
/// pose per frame when `poses.txt` exists.
public struct VideoFolder: Sendable {
    public let url: URL
    public let intrinsics: CameraIntrinsicsFile
    public let frames: [VideoFrame]
    /// The device poses, when `poses.txt` exists.
    public let poses: TUMTrajectory?
    /// The 2D model output folder (`masks/`, `instances/`, optional `features/`, `objects.npy`):
    /// `VIDEO/pred2d` unless another folder was given.
    public let pred2dURL: URL
    /// Whether the 2D model output folder exists.
    public let hasPred2D: Bool

    public static let colorExtensions: Set<String> = ["jpg", "jpeg", "png"]

    /// Opens and validates the folder at `url`. `checkImageSizes: false` skips reading every
    /// image header (for very long videos whose frames are checked when decoded anyway). `pred2d` points at
    /// the 2D model output when it lives outside the video folder (default `VIDEO/pred2d`).
    public init(_ url: URL, checkImageSizes: Bool = true, pred2d: URL? = nil) throws(SceneIOError) {
        self.url = url
        pred2dURL = pred2d ?? Self.pred2dURL(of: url)
        let manager = FileManager.default
        let intrinsicsURL = VideoFile.intrinsics.url(in: url)
        guard manager.fileExists(atPath: intrinsicsURL.path) else {
            throw .missingFile(url: intrinsicsURL, purpose: "camera intrinsics of the video folder")
        }
        intrinsics = try CameraIntrinsicsFile.read(intrinsicsURL)
        let colorDir = VideoFile.color.url(in: url), depthDir = VideoFile.depth.url(in: url)
        let colorFiles = try Self.numberedFiles(in: colorDir, extensions: Self.colorExtensions, purpose: "color frames")
        let depthFiles = try Self.numberedFiles(in: depthDir, extensions: ["png"], purpose: "16-bit depth frames")
        var frames: [VideoFrame] = []
        for (index, colorURL) in colorFiles.enumerated() {
            let depthURL = depthDir.appendingPathComponent(VideoFrame.stem(index) + ".png")
            guard index < depthFiles.count else { throw .missingFrameFile(url: depthURL, frame: index) }
            frames.append(VideoFrame(index: index, colorURL: colorURL, depthURL: depthURL))
        }
        if depthFiles.count > colorFiles.count {
            let missing = colorDir.appendingPathComponent(VideoFrame.stem(colorFiles.count) + ".jpg")
            throw .missingFrameFile(url: missing, frame: colorFiles.count)
        }
        self.frames = frames
        if checkImageSizes {
            for frame in frames {
                for file in [frame.colorURL, frame.depthURL] {
                    let size = try ImageHeader.size(of: file)
                    try Self.checkSize(size.width, size.height, of: file, frame: frame.index, intrinsics: intrinsics)
                }
            }
        }
        let posesURL = VideoFile.poses.url(in: url)
        if manager.fileExists(atPath: posesURL.path) {
            let trajectory = try TUMTrajectory.read(posesURL)
            guard trajectory.poses.count == frames.count else {
                throw .poseCountMismatch(url: posesURL, poses: trajectory.poses.count, frames: frames.count)
            }
            poses = trajectory
        } else {
            poses = nil
        }
        var isDirectory: ObjCBool = false
        hasPred2D = manager.fileExists(atPath: pred2dURL.path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// Lists `NNNNNN.ext` files, checking numbering from 0 without gaps or duplicates.
    static func numberedFiles(in dir: URL, extensions: Set<String>, purpose: String) throws(SceneIOError) -> [URL] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir.path) } catch {
            throw .missingFile(url: dir, purpose: purpose)
        }
        var byIndex: [Int: URL] = [:]
        for name in names where !name.hasPrefix(".") {
            let url = dir.appendingPathComponent(name)
            guard extensions.contains(url.pathExtension.lowercased()) else { continue }
            let stem = url.deletingPathExtension().lastPathComponent
            guard stem.count == 6, stem.allSatisfy(\.isASCII), let index = Int(stem), index >= 0 else {
                throw .frameNumbering(url: dir, expected: "six-digit names like 000000.\(url.pathExtension)", found: name)
            }
            guard byIndex[index] == nil else { throw .duplicateFrame(url: url, frame: index) }
            byIndex[index] = url
        }
        var files: [URL] = []
        for index in 0..<byIndex.count {
            guard let url = byIndex[index] else {
                let found = byIndex.keys.filter { $0 > index }.min().map { VideoFrame.stem($0) } ?? "nothing"
                throw .frameNumbering(url: dir, expected: VideoFrame.stem(index), found: found)
            }
            files.append(url)
        }
        return files
    }

    static func checkSize(
        _ width: Int, _ height: Int, of url: URL, frame: Int, intrinsics: CameraIntrinsicsFile
    ) throws(SceneIOError) {
        guard width == intrinsics.width, height == intrinsics.height else {
            throw .frameSizeMismatch(url: url, frame: frame, expectedWidth: intrinsics.width,
                                     expectedHeight: intrinsics.height, actualWidth: width, actualHeight: height)
        }
    }

    // MARK: - Frame access

    /// The color image of frame `index` (8-bit RGB), checked against the intrinsics' size.
    public func color(_ index: Int) throws(SceneIOError) -> RGBImage {
        let frame = try self.frame(index)
        let image = try ColorImageFile.readRGB(frame.colorURL)
        try Self.checkSize(image.width, image.height, of: frame.colorURL, frame: index, intrinsics: intrinsics)
        return image
    }

    /// The raw depth image of frame `index` (divide by `intrinsics.depthScale` for metres; 0 = none).
    public func depth(_ index: Int) throws(SceneIOError) -> GrayImage16 {
        let frame = try self.frame(index)
        let image = try PNG.readGray16(frame.depthURL)
        try Self.checkSize(image.width, image.height, of: frame.depthURL, frame: index, intrinsics: intrinsics)
        return image
    }

    private func frame(_ index: Int) throws(SceneIOError) -> VideoFrame {
        guard frames.indices.contains(index) else {
            throw .missingFrameFile(url: url.appendingPathComponent("color/\(VideoFrame.stem(index)).*"), frame: index)
        }
        return frames[index]
    }
}
