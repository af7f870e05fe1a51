import Foundation
import Geometry

/// A summary of any toolkit file or folder (and of the ScanNet / TUM RGB-D inputs it imports), as `ovseg3r info` prints it. Reading it touches only
/// headers (array data, PLY bodies and image pixels are not decoded).
public enum FileInfo: Sendable, Equatable {
    case npy(path: String, dtype: NpyDType, shape: [Int], formatVersion: Int)
    case ply(path: String, header: PlyHeader)
    case image(path: String, format: String, width: Int, height: Int)
    case video(path: String, frames: Int, intrinsics: CameraIntrinsicsFile, poses: Bool, pred2d: Bool)
    case scene(path: String, manifest: SceneManifest)
    case scanNetSens(path: String, header: ScanNetSensFile.Header, frames: Int, framesWithPose: Int)
    case tumRGBD(path: String, pairs: Int, groundTruth: Bool)
    /// A ScanNet frame export or an Open3D RGB-D folder: both cameras (sizes from the first frame's images), the
    /// number of poses and how many of them are non-finite.
    case frameFolder(path: String, layout: RGBDFrameFolder.Layout, frames: Int, depth: CameraIntrinsicsFile,
                     color: PinholeIntrinsics, poses: Int?, nonFinitePoses: Int)

    /// Describes the file or folder at `url`, choosing the reader from its contents.
    public static func describe(_ url: URL) throws(SceneIOError) -> FileInfo {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .missingFile(url: url, purpose: "no such file or folder")
        }
        let path = url.path
        if isDirectory.boolValue {
            if SceneFolder.isSceneFolder(url) {
                let scene = try SceneFolder(url)
                try scene.verify()
                try scene.checkConventions()
                return .scene(path: path, manifest: scene.manifest)
            }
            if FileManager.default.fileExists(atPath: VideoFile.intrinsics.url(in: url).path) {
                let video = try VideoFolder(url)
                return .video(path: path, frames: video.frames.count, intrinsics: video.intrinsics,
                              poses: video.poses != nil, pred2d: video.hasPred2D)
            }
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("rgb.txt").path) {
                let sequence = try TUMRGBDSequence(url)
                return .tumRGBD(path: path, pairs: sequence.frames.count, groundTruth: sequence.hasGroundTruth)
            }
            if RGBDFrameFolder.detect(url) != nil {
                let folder = try RGBDFrameFolder(url)
                return .frameFolder(path: path, layout: folder.layout, frames: folder.frames.count, depth: folder.depthCamera,
                                    color: folder.colorCamera, poses: folder.poses?.count, nonFinitePoses: folder.framesWithoutPose.count)
            }
            throw .missingFile(url: url.appendingPathComponent("scene.json"),
                               purpose: "neither a scene folder (scene.json), a video folder (intrinsics.json), a TUM RGB-D folder, "
                               + "a ScanNet frame export nor an Open3D RGB-D folder")
        }
        let magic = try PosixFile(reading: url).readBytes(count: 8, at: 0)
        if magic.starts(with: NpyHeader.magic) || url.pathExtension.lowercased() == "npy" {
            let header = try Npy.readHeader(url)
            return .npy(path: path, dtype: header.dtype, shape: header.shape, formatVersion: Int(header.majorVersion))
        }
        if magic.starts(with: Array("ply".utf8)) || url.pathExtension.lowercased() == "ply" {
            return .ply(path: path, header: try Ply.readHeader(url))
        }
        if url.pathExtension.lowercased() == "sens" {
            let sens = try ScanNetSensFile(url)
            return .scanNetSens(path: path, header: sens.header, frames: sens.frames.count,
                                framesWithPose: sens.frames.filter(\.hasPose).count)
        }
        if magic.starts(with: [0x89, 0x50, 0x4E, 0x47]) || magic.starts(with: [0xFF, 0xD8]) {
            let size = try ImageHeader.size(of: url)
            return .image(path: path, format: magic[0] == 0xFF ? "JPEG" : "PNG", width: size.width, height: size.height)
        }
        throw .unreadable(url: url, reason: "unknown file type (expected .npy, .ply, .sens, PNG/JPEG, or a scene, video or TUM RGB-D folder)")
    }

    /// Human-readable summary, a few lines.
    public var text: String {
        switch self {
        case let .npy(path, dtype, shape, version):
            return "\(path): npy v\(version).0, dtype \(dtype.rawValue), shape \(shapeText(shape))"
        case let .ply(path, header):
            var lines = ["\(path): PLY \(header.format.rawValue)"]
            for element in header.elements {
                let properties = element.properties.map { p in
                    p.listCountType.map { "\(p.name) (list \($0.rawValue) \(p.type.rawValue))" } ?? "\(p.name) (\(p.type.rawValue))"
                }
                lines.append("  \(element.name): \(element.count) — \(properties.joined(separator: ", "))")
            }
            return lines.joined(separator: "\n")
        case let .image(path, format, width, height):
            return "\(path): \(format) \(width)x\(height)"
        case let .video(path, frames, k, poses, pred2d):
            return """
            \(path): video folder, \(frames) frames of \(k.width)x\(k.height)
              intrinsics: fx \(k.fx) fy \(k.fy) cx \(k.cx) cy \(k.cy) depth_scale \(k.depthScale)
              poses.txt: \(poses ? "present" : "absent"), pred2d/: \(pred2d ? "present" : "absent")
            """
        case let .scene(path, manifest):
            var lines = ["\(path): scene folder, format \(manifest.formatVersion), units \(manifest.units), up \(manifest.upAxis)"]
            for (name, entry) in manifest.arrays.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(name): \(entry.dtype.rawValue) \(shapeText(entry.shape))")
            }
            if !manifest.counts.isEmpty {
                lines.append("  counts: " + manifest.counts.sorted(by: { $0.key < $1.key }).map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            return lines.joined(separator: "\n")
        case let .scanNetSens(path, h, frames, withPose):
            return """
            \(path): ScanNet .sens v\(h.version) (\(h.sensorName)), \(frames) frames (\(withPose) with a valid pose)
              color \(h.colorWidth)x\(h.colorHeight) (compression \(h.colorCompression)), depth \(h.depthWidth)x\(h.depthHeight) \
            (compression \(h.depthCompression)), depth_shift \(h.depthShift)
            """
        case let .tumRGBD(path, pairs, groundTruth):
            return "\(path): TUM RGB-D sequence, \(pairs) color/depth pairs, groundtruth.txt \(groundTruth ? "present" : "absent")"
        case let .frameFolder(path, layout, frames, d, c, poses, nonFinite):
            let name = layout == .scanNetFrames ? "ScanNet frame export" : "Open3D RGB-D folder"
            return """
            \(path): \(name), \(frames) frames
              depth \(d.width)x\(d.height): fx \(d.fx) fy \(d.fy) cx \(d.cx) cy \(d.cy) depth_scale \(d.depthScale)
              color \(c.width)x\(c.height): fx \(c.fx) fy \(c.fy) cx \(c.cx) cy \(c.cy)\(c == d.camera ? "" : " (registered into the depth camera)")
              poses: \(poses.map { "\($0) (\(nonFinite) non-finite, skipped where a pose is needed)" } ?? "absent")
            """
        }
    }

    /// A JSON object with a `kind` field ("npy", "ply", "image", "video", "scene").
    public var json: String {
        let object: [String: Any]
        switch self {
        case let .npy(path, dtype, shape, version):
            object = ["kind": "npy", "path": path, "dtype": dtype.rawValue, "shape": shape, "format_version": version]
        case let .ply(path, header):
            object = [
                "kind": "ply", "path": path, "format": header.format.rawValue, "comments": header.comments,
                "vertices": header.element(named: "vertex")?.count ?? 0, "faces": header.element(named: "face")?.count ?? 0,
                "elements": header.elements.map { element -> [String: Any] in
                    ["name": element.name, "count": element.count, "properties": element.properties.map { p -> [String: Any] in
                        var d: [String: Any] = ["name": p.name, "type": p.type.rawValue]
                        if let c = p.listCountType { d["list_count_type"] = c.rawValue }
                        return d
                    }]
                },
            ]
        case let .image(path, format, width, height):
            object = ["kind": "image", "path": path, "format": format, "width": width, "height": height]
        case let .video(path, frames, k, poses, pred2d):
            object = [
                "kind": "video", "path": path, "frames": frames, "width": k.width, "height": k.height,
                "intrinsics": ["width": k.width, "height": k.height, "fx": k.fx, "fy": k.fy, "cx": k.cx, "cy": k.cy,
                               "depth_scale": k.depthScale],
                "poses": poses, "pred2d": pred2d,
            ]
        case let .scene(path, manifest):
            object = [
                "kind": "scene", "path": path, "format_version": manifest.formatVersion, "units": manifest.units,
                "up_axis": manifest.upAxis, "provenance": manifest.provenance, "counts": manifest.counts,
                "arrays": manifest.arrays.mapValues { ["dtype": $0.dtype.rawValue, "shape": $0.shape] as [String: Any] },
            ]
        case let .scanNetSens(path, h, frames, withPose):
            object = [
                "kind": "scannet_sens", "path": path, "version": Int(h.version), "sensor": h.sensorName, "frames": frames,
                "frames_with_pose": withPose, "color_width": h.colorWidth, "color_height": h.colorHeight,
                "depth_width": h.depthWidth, "depth_height": h.depthHeight, "depth_shift": Double(h.depthShift),
            ]
        case let .tumRGBD(path, pairs, groundTruth):
            object = ["kind": "tum_rgbd", "path": path, "pairs": pairs, "groundtruth": groundTruth]
        case let .frameFolder(path, layout, frames, d, c, poses, nonFinite):
            object = [
                "kind": layout.rawValue, "path": path, "frames": frames, "poses": poses ?? 0, "non_finite_poses": nonFinite,
                "depth": ["width": d.width, "height": d.height, "fx": d.fx, "fy": d.fy, "cx": d.cx, "cy": d.cy, "depth_scale": d.depthScale],
                "color": ["width": c.width, "height": c.height, "fx": c.fx, "fy": c.fy, "cx": c.cx, "cy": c.cy],
            ]
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

private func shapeText(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
}
