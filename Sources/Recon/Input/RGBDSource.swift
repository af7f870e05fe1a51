import Foundation
import Geometry
import SceneIO

/// The input formats `recon` reads.
public enum InputKind: String, Codable, Sendable {
    /// The toolkit's video folder (design §3; what `ovseg3r synth` writes).
    case videoFolder = "video_folder"
    /// A TUM RGB-D benchmark folder (`rgb.txt`, `depth.txt`, optional `groundtruth.txt`).
    case tum
    /// A ScanNet `.sens` file (SensorData version 4).
    case scanNetSens = "scannet_sens"
    /// ScanNet's exported frame folders (SensReader: `color/`, `depth/`, `pose/`, `intrinsic/`).
    case scanNetFrames = "scannet_frames"
    /// An Open3D / Redwood RGB-D folder (`color/` or `image/`, `depth/`, camera intrinsic JSON, `trajectory.log`).
    case open3D = "open3d"
}

/// One RGB-D frame, colour registered to the depth image (same size).
public struct RGBDFrame: Sendable {
    /// The input's frame index.
    public var index: Int
    /// 8-bit RGB at depth resolution.
    public var color: RGBImage
    /// `[height · width]` raw depth; metres = raw / depthScale; 0 = no depth.
    public var depth: [UInt16]

    public init(index: Int, color: RGBImage, depth: [UInt16]) {
        self.index = index
        self.color = color
        self.depth = depth
    }
}

/// Per-pixel ground-truth labels of a frame (synthetic inputs).
public struct FrameLabels: Sendable {
    /// `[height · width]` instance ids (0 = none).
    public var instance: [UInt16]
    /// `[height · width]` ScanNet200 raw ids (0 = unannotated).
    public var semantic: [UInt16]
}

/// An RGB-D video: intrinsics, frames, and optionally device and ground-truth poses (world_from_camera).
public protocol RGBDSource: Sendable {
    var kind: InputKind { get }
    var url: URL { get }
    var intrinsics: PinholeIntrinsics { get }
    /// Raw depth units per metre.
    var depthScale: Double { get }
    var frameCount: Int { get }
    /// The input's timestamp of frame `index` (TUM seconds, .sens microseconds, or the frame index).
    func timestamp(of index: Int) -> String
    /// The colour image of frame `index` relative to the input (a path, or `FILE.sens#color/N`).
    func colorPath(of index: Int) -> String
    func frame(_ index: Int) throws(ReconError) -> RGBDFrame
    /// The raw depth of frame `index` alone (what the correspondence pass re-reads); by default from `frame(_:)`.
    func depth(_ index: Int) throws(ReconError) -> [UInt16]
    /// Device/odometry poses per frame (nil entries: unknown or non-finite), or nil when the input has none.
    var devicePoses: [RigidTransform?]? { get }
    /// Ground-truth poses per frame, or nil.
    var groundTruthPoses: [RigidTransform?]? { get }
    /// Ground-truth label maps of frame `index`, or nil when the input has none.
    func labels(_ index: Int) throws(ReconError) -> FrameLabels?
    /// `gt/instances.json` when the input has one.
    var instancesFile: URL? { get }
    /// The file frame `index`'s device pose comes from (relative to the input), for messages; nil when unknown.
    func poseFile(of index: Int) -> String?
}

extension RGBDSource {
    public func poseFile(of index: Int) -> String? { nil }
    public func depth(_ index: Int) throws(ReconError) -> [UInt16] { try frame(index).depth }
    public func labels(_ index: Int) throws(ReconError) -> FrameLabels? { nil }
    public var instancesFile: URL? { nil }
}

/// Opens `url` as whichever input format it is.
public enum RGBDInput {
    public static func open(_ url: URL) throws(ReconError) -> any RGBDSource {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .unrecognizedInput(url: url, reason: "it does not exist")
        }
        if !isDirectory.boolValue {
            guard url.pathExtension.lowercased() == "sens" else {
                throw .unrecognizedInput(url: url, reason: "a file, but not a .sens file")
            }
            return try SensSource(url)
        }
        if manager.fileExists(atPath: VideoFile.intrinsics.url(in: url).path) {
            return try VideoFolderSource(url)
        }
        if manager.fileExists(atPath: url.appendingPathComponent("rgb.txt").path),
           manager.fileExists(atPath: url.appendingPathComponent("depth.txt").path) {
            return try TUMSource(url)
        }
        if let layout = RGBDFrameFolder.detect(url) {
            return try FrameFolderSource(url, layout: layout)
        }
        throw .unrecognizedInput(url: url, reason: "a folder without intrinsics.json, rgb.txt + depth.txt, "
                                 + "intrinsic/intrinsic_depth.txt (ScanNet frames) or a camera intrinsic JSON (Open3D)")
    }
}

/// A pose from a TUM line, or nil when not finite.
func rigidTransform(_ pose: TUMPose) -> RigidTransform? {
    let q = pose.rotationXYZW, t = pose.translation
    guard [q.x, q.y, q.z, q.w, t.x, t.y, t.z].allSatisfy(\.isFinite), (q * q).sum() > 1e-12 else { return nil }
    return RigidTransform(rotation: Quaternion(xyzw: q), translation: t)
}

/// Maps a SceneIO error about a frame to a ReconError naming the file and frame.
func frameError(_ error: SceneIOError, url: URL, index: Int) -> ReconError {
    switch error {
    case let .frameSizeMismatch(fileURL, frame, ew, eh, aw, ah):
        return .sizeMismatch(url: fileURL, frame: frame, expected: "\(ew)×\(eh)", actual: "\(aw)×\(ah)")
    default:
        return .unreadableFrame(url: url, index: index, reason: error.description)
    }
}

/// The toolkit's video folder, with `gt/` ground truth when present.
public struct VideoFolderSource: RGBDSource {
    public let folder: VideoFolder
    public var kind: InputKind { .videoFolder }
    public var url: URL { folder.url }
    public let intrinsics: PinholeIntrinsics
    public var depthScale: Double { folder.intrinsics.depthScale }
    public var frameCount: Int { folder.frames.count }
    public let devicePoses: [RigidTransform?]?
    public let groundTruthPoses: [RigidTransform?]?
    private let timestamps: [String]
    private let hasLabels: Bool

    public init(_ url: URL) throws(ReconError) {
        do {
            folder = try VideoFolder(url, checkImageSizes: false)
        } catch {
            throw Self.openError(error, url: url)
        }
        let k = folder.intrinsics
        intrinsics = PinholeIntrinsics(width: k.width, height: k.height, fx: k.fx, fy: k.fy, cx: k.cx, cy: k.cy)
        devicePoses = folder.poses.map { $0.poses.map(rigidTransform) }
        timestamps = folder.poses.map { $0.poses.map(\.timestamp) } ?? folder.frames.map { String($0.index) }
        let gtURL = url.appendingPathComponent("gt/poses.txt")
        if FileManager.default.fileExists(atPath: gtURL.path) {
            do {
                let trajectory = try TUMTrajectory.read(gtURL)
                guard trajectory.poses.count == folder.frames.count else {
                    throw ReconError.malformedFile(url: gtURL, line: nil,
                                                   reason: "\(trajectory.poses.count) poses for \(folder.frames.count) frames")
                }
                groundTruthPoses = trajectory.poses.map(rigidTransform)
            } catch let error as ReconError {
                throw error
            } catch {
                throw .malformedFile(url: gtURL, line: nil, reason: "\(error)")
            }
        } else {
            groundTruthPoses = nil
        }
        hasLabels = FileManager.default.fileExists(atPath: url.appendingPathComponent("gt/instance").path)
    }

    static func openError(_ error: SceneIOError, url: URL) -> ReconError {
        switch error {
        case let .missingFrameFile(fileURL, frame):
            return .unreadableFrame(url: fileURL, index: frame, reason: "the file is missing")
        case let .tumBadLine(fileURL, line, reason):
            return .malformedFile(url: fileURL, line: line, reason: reason)
        default:
            return .unrecognizedInput(url: url, reason: error.description)
        }
    }

    public func timestamp(of index: Int) -> String { timestamps[index] }

    public func colorPath(of index: Int) -> String {
        "color/" + folder.frames[index].colorURL.lastPathComponent
    }

    public func frame(_ index: Int) throws(ReconError) -> RGBDFrame {
        guard folder.frames.indices.contains(index) else {
            throw .unreadableFrame(url: url, index: index, reason: "no such frame (the video has \(frameCount))")
        }
        let frame = folder.frames[index]
        let color: RGBImage, depth: GrayImage16
        do { color = try folder.color(index) } catch { throw frameError(error, url: frame.colorURL, index: index) }
        do { depth = try folder.depth(index) } catch { throw frameError(error, url: frame.depthURL, index: index) }
        return RGBDFrame(index: index, color: color, depth: depth.pixels)
    }

    public func depth(_ index: Int) throws(ReconError) -> [UInt16] {
        guard folder.frames.indices.contains(index) else {
            throw .unreadableFrame(url: url, index: index, reason: "no such frame (the video has \(frameCount))")
        }
        do { return try folder.depth(index).pixels } catch { throw frameError(error, url: folder.frames[index].depthURL, index: index) }
    }

    public func labels(_ index: Int) throws(ReconError) -> FrameLabels? {
        guard hasLabels else { return nil }
        let stem = VideoFrame.stem(index)
        let instanceURL = url.appendingPathComponent("gt/instance/\(stem).png")
        let semanticURL = url.appendingPathComponent("gt/semantic/\(stem).png")
        do {
            let instance = try PNG.readGray16(instanceURL)
            let semantic = FileManager.default.fileExists(atPath: semanticURL.path)
                ? try PNG.readGray16(semanticURL).pixels : [UInt16](repeating: 0, count: instance.pixels.count)
            guard instance.width == intrinsics.width, instance.height == intrinsics.height,
                  semantic.count == instance.pixels.count else {
                throw ReconError.sizeMismatch(url: instanceURL, frame: index, expected: "\(intrinsics.width)×\(intrinsics.height)",
                                              actual: "\(instance.width)×\(instance.height)")
            }
            return FrameLabels(instance: instance.pixels, semantic: semantic)
        } catch let error as ReconError {
            throw error
        } catch {
            throw .unreadableFrame(url: instanceURL, index: index, reason: "\(error)")
        }
    }

    public var instancesFile: URL? {
        let file = url.appendingPathComponent("gt/instances.json")
        return FileManager.default.fileExists(atPath: file.path) ? file : nil
    }
}
