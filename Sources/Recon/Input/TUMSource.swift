import Foundation
import Geometry
import SceneIO

/// A TUM RGB-D benchmark folder as an RGB-D source, read through SceneIO's `TUMRGBDSequence` (colour/depth
/// paired like the benchmark's associate tool, within 0.02 s; ground truth nearest in time). Depth scale 5000.
/// The camera's published calibration is chosen from the folder name (`…freiburg2…` → fr2; else the ROS
/// defaults); `recon/presets/tum_fr{1,2,3}.json` or `--intrinsics` override it.
public struct TUMSource: RGBDSource {
    public let sequence: TUMRGBDSequence
    public var kind: InputKind { .tum }
    public var url: URL { sequence.url }
    public let intrinsics: PinholeIntrinsics
    /// "freiburg1", "freiburg2", "freiburg3" or "ros".
    public let calibration: String
    public var depthScale: Double { TUMRGBDSequence.depthScale }
    public var frameCount: Int { sequence.frames.count }
    public var devicePoses: [RigidTransform?]? { nil }
    public let groundTruthPoses: [RigidTransform?]?

    /// The calibration a sequence folder's name implies.
    public static func calibration(folderName: String) -> String {
        let name = folderName.lowercased()
        for n in 1...3 where name.contains("freiburg\(n)") || name.contains("fr\(n)") { return "freiburg\(n)" }
        return "ros"
    }

    public init(_ url: URL) throws(ReconError) {
        do { sequence = try TUMRGBDSequence(url) } catch {
            switch error {
            case let .tumBadLine(fileURL, line, reason): throw .malformedFile(url: fileURL, line: line, reason: reason)
            default: throw .malformedFile(url: url, line: nil, reason: error.description)
            }
        }
        guard let first = sequence.frames.first else {
            throw .noUsableFrames(url: url, reason: "no colour/depth pair within 0.02 s")
        }
        let size: (width: Int, height: Int)
        do { size = try ImageHeader.size(of: first.depthURL) } catch {
            throw .unreadableFrame(url: first.depthURL, index: 0, reason: error.description)
        }
        calibration = Self.calibration(folderName: url.lastPathComponent)
        let k = TUMRGBDSequence.intrinsics(camera: calibration)
            ?? CameraIntrinsicsFile(width: 640, height: 480, fx: 525, fy: 525, cx: 319.5, cy: 239.5, depthScale: 5000)
        intrinsics = PinholeIntrinsics(width: size.width, height: size.height, fx: k.fx, fy: k.fy, cx: k.cx, cy: k.cy)
        groundTruthPoses = sequence.hasGroundTruth ? sequence.frames.map { $0.groundTruth.flatMap(rigidTransform) } : nil
    }

    public func timestamp(of index: Int) -> String { sequence.frames[index].colorTimestamp }

    public func colorPath(of index: Int) -> String {
        let path = sequence.frames[index].colorURL.path, base = url.path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    public func frame(_ index: Int) throws(ReconError) -> RGBDFrame {
        guard sequence.frames.indices.contains(index) else {
            throw .unreadableFrame(url: url, index: index, reason: "no such frame (the sequence has \(frameCount))")
        }
        let entry = sequence.frames[index]
        let color: RGBImage, depth: GrayImage16
        do { color = try ColorImageFile.readRGB(entry.colorURL) } catch { throw frameError(error, url: entry.colorURL, index: index) }
        do { depth = try PNG.readGray16(entry.depthURL) } catch { throw frameError(error, url: entry.depthURL, index: index) }
        guard depth.width == intrinsics.width, depth.height == intrinsics.height else {
            throw .sizeMismatch(url: entry.depthURL, frame: index, expected: "\(intrinsics.width)×\(intrinsics.height)",
                                actual: "\(depth.width)×\(depth.height)")
        }
        guard color.width == depth.width, color.height == depth.height else {
            throw .sizeMismatch(url: entry.colorURL, frame: index, expected: "\(depth.width)×\(depth.height) (the depth image)",
                                actual: "\(color.width)×\(color.height)")
        }
        return RGBDFrame(index: index, color: color, depth: depth.pixels)
    }
}
