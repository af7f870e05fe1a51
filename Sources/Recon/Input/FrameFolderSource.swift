import Foundation
import Geometry
import SceneIO

/// A ScanNet frame export or an Open3D RGB-D folder (SceneIO's `RGBDFrameFolder`) as an RGB-D source.
///
/// The depth camera defines the geometry. When colour differs from depth in size or camera, every depth pixel
/// is back-projected with the depth intrinsics at its measured depth, moved into the colour camera by the
/// input's extrinsics (identity when it states none) and projected with the colour intrinsics; the colour
/// there (bilinear) becomes the pixel's colour. Pixels without depth take the colour along their ray.
/// Frames whose pose is non-finite (ScanNet writes `-inf` where tracking was lost) have nil device poses;
/// the reconstruction skips them where it needs a pose and reports each one (`ReconSummary.skippedFrames`).
public struct FrameFolderSource: RGBDSource {
    public let folder: RGBDFrameFolder
    public var kind: InputKind { folder.layout == .scanNetFrames ? .scanNetFrames : .open3D }
    public var url: URL { folder.url }
    public let intrinsics: PinholeIntrinsics
    public var colorIntrinsics: PinholeIntrinsics { folder.colorCamera }
    public var depthScale: Double { folder.depthCamera.depthScale }
    public var frameCount: Int { folder.frames.count }
    public let devicePoses: [RigidTransform?]?
    public var groundTruthPoses: [RigidTransform?]? { nil }
    private let colorFromDepth: RigidTransform?

    public init(_ url: URL, layout: RGBDFrameFolder.Layout? = nil) throws(ReconError) {
        do { folder = try RGBDFrameFolder(url, layout: layout) } catch {
            switch error {
            case let .missingFrameFile(fileURL, frame):
                throw .unreadableFrame(url: fileURL, index: frame, reason: "the file is missing (colour and depth frames must pair up)")
            case let .poseCountMismatch(fileURL, poses, frames):
                throw .malformedFile(url: fileURL, line: nil, reason: "\(poses) poses for \(frames) frames")
            case let .tumBadLine(fileURL, line, reason):
                throw .malformedFile(url: fileURL, line: line, reason: reason)
            case let .invalidIntrinsics(fileURL, field, value, expected):
                throw .malformedFile(url: fileURL, line: nil, reason: "\(field) = \(value) disagrees with the images: expected \(expected)")
            case let .frameSizeMismatch(fileURL, frame, ew, eh, aw, ah):
                throw .sizeMismatch(url: fileURL, frame: frame, expected: "\(ew)×\(eh) (the folder's one camera intrinsic)",
                                    actual: "\(aw)×\(ah)")
            default:
                throw .unrecognizedInput(url: url, reason: error.description)
            }
        }
        intrinsics = folder.depthCamera.camera
        if let m = folder.colorFromDepth {
            do { colorFromDepth = try RigidTransform(matrix: m, tolerance: 1e-3) } catch {
                throw .malformedFile(url: url.appendingPathComponent("intrinsic"), line: nil,
                                     reason: "the extrinsics do not compose to a rigid transform: \(error)")
            }
        } else {
            colorFromDepth = nil
        }
        if let poses = folder.poses, let files = folder.poseFiles {
            var list: [RigidTransform?] = []
            for (position, pose) in poses.enumerated() {
                guard let pose else { list.append(nil); continue }
                do { list.append(try RigidTransform(matrix: pose, tolerance: 1e-3)) } catch {
                    throw .malformedFile(url: files[position], line: nil,
                                         reason: "frame \(folder.frames[position].index): not a rigid camera-to-world pose: \(error)")
                }
            }
            devicePoses = list
        } else {
            devicePoses = nil
        }
    }

    public func timestamp(of index: Int) -> String { String(folder.frames[index].index) }

    public func colorPath(of index: Int) -> String {
        let path = folder.frames[index].colorURL.path, base = url.path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    public func poseFile(of index: Int) -> String? {
        guard let files = folder.poseFiles else { return nil }
        let path = files[index].path, base = url.path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    public func depth(_ index: Int) throws(ReconError) -> [UInt16] {
        guard folder.frames.indices.contains(index) else {
            throw .unreadableFrame(url: url, index: index, reason: "no such frame (the folder has \(frameCount))")
        }
        do { return try folder.depth(index).pixels } catch {
            throw frameError(error, url: folder.frames[index].depthURL, index: folder.frames[index].index)
        }
    }

    public func frame(_ index: Int) throws(ReconError) -> RGBDFrame {
        guard folder.frames.indices.contains(index) else {
            throw .unreadableFrame(url: url, index: index, reason: "no such frame (the folder has \(frameCount))")
        }
        let entry = folder.frames[index]
        let color: RGBImage, depth: GrayImage16
        do { color = try folder.color(index) } catch { throw frameError(error, url: entry.colorURL, index: entry.index) }
        do { depth = try folder.depth(index) } catch { throw frameError(error, url: entry.depthURL, index: entry.index) }
        guard depth.width == intrinsics.width, depth.height == intrinsics.height else {
            throw .sizeMismatch(url: entry.depthURL, frame: entry.index, expected: "\(intrinsics.width)×\(intrinsics.height) (frame 0's depth)",
                                actual: "\(depth.width)×\(depth.height)")
        }
        let c = colorIntrinsics
        guard color.width == c.width, color.height == c.height else {
            throw .sizeMismatch(url: entry.colorURL, frame: entry.index, expected: "\(c.width)×\(c.height) (frame 0's colour)",
                                actual: "\(color.width)×\(color.height)")
        }
        let registered = c == intrinsics && colorFromDepth == nil
            ? color
            : ColorRegistration.register(color, colorCamera: c, depth: depth.pixels, depthCamera: intrinsics,
                                         depthScale: depthScale, colorFromDepth: colorFromDepth ?? .identity)
        return RGBDFrame(index: index, color: registered, depth: depth.pixels)
    }
}

/// Colour resampled into the depth camera (see `FrameFolderSource`).
public enum ColorRegistration {
    public static func register(_ color: RGBImage, colorCamera c: PinholeIntrinsics, depth: [UInt16],
                                depthCamera d: PinholeIntrinsics, depthScale: Double,
                                colorFromDepth: RigidTransform) -> RGBImage {
        var out = RGBImage(width: d.width, height: d.height)
        let maxX = Double(color.width - 1), maxY = Double(color.height - 1)
        for v in 0..<d.height {
            for u in 0..<d.width {
                let ray = SIMD3((Double(u) - d.cx) / d.fx, (Double(v) - d.cy) / d.fy, 1.0)
                let raw = depth[v * d.width + u]
                let p = raw > 0 ? colorFromDepth.apply(to: ray * (Double(raw) / depthScale)) : colorFromDepth.rotate(ray)
                guard p.z > 1e-6 else { continue }
                let x = c.fx * p.x / p.z + c.cx, y = c.fy * p.y / p.z + c.cy
                guard x > -0.5, y > -0.5, x < Double(color.width) - 0.5, y < Double(color.height) - 0.5 else { continue }
                let cx = min(max(x, 0), maxX), cy = min(max(y, 0), maxY)
                let x0 = Int(cx), y0 = Int(cy), x1 = min(x0 + 1, color.width - 1), y1 = min(y0 + 1, color.height - 1)
                let fx = cx - Double(x0), fy = cy - Double(y0)
                let top = SIMD3<Double>(color[x0, y0]) * (1 - fx) + SIMD3<Double>(color[x1, y0]) * fx
                let bottom = SIMD3<Double>(color[x0, y1]) * (1 - fx) + SIMD3<Double>(color[x1, y1]) * fx
                let value = (top * (1 - fy) + bottom * fy).rounded(.toNearestOrEven)
                out[u, v] = SIMD3<UInt8>(value.clamped(lowerBound: .zero, upperBound: SIMD3(repeating: 255)))
            }
        }
        return out
    }
}
