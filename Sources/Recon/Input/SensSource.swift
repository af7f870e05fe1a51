import Foundation
import Geometry
import SceneIO

/// A ScanNet `.sens` file (SensorData version 4) as an RGB-D source, read through SceneIO's `ScanNetSensFile`
/// (header and frame table on open, images decoded on demand). The depth camera defines the geometry; the colour
/// image is registered to the depth image by re-projecting each depth pixel's ray with the colour intrinsics (the
/// two cameras share a centre of projection up to the small extrinsic offset, which is ignored). Poses stored as
/// −inf (sensor lost tracking) become nil device poses.
public struct SensSource: RGBDSource {
    public let file: ScanNetSensFile
    public var kind: InputKind { .scanNetSens }
    public var url: URL { file.url }
    public let intrinsics: PinholeIntrinsics
    public let colorIntrinsics: PinholeIntrinsics
    public var depthScale: Double { Double(file.header.depthShift) }
    public var sensorName: String { file.header.sensorName }
    public var frameCount: Int { file.frames.count }
    public let devicePoses: [RigidTransform?]?
    public var groundTruthPoses: [RigidTransform?]? { nil }

    public init(_ url: URL) throws(ReconError) {
        do {
            file = try ScanNetSensFile(url)
        } catch {
            switch error {
            case let .sensFrame(fileURL, frame, reason):
                throw .truncatedFile(url: fileURL, frame: frame, reason: reason)
            case let .sensMalformed(fileURL, reason):
                throw .malformedFile(url: fileURL, line: nil, reason: reason)
            default:
                throw .truncatedFile(url: url, frame: nil, reason: error.description)
            }
        }
        let h = file.header
        func pinhole(_ m: [Float], _ width: Int, _ height: Int) -> PinholeIntrinsics {
            PinholeIntrinsics(width: width, height: height, fx: Double(m[0]), fy: Double(m[5]), cx: Double(m[2]), cy: Double(m[6]))
        }
        intrinsics = pinhole(h.depthIntrinsics, h.depthWidth, h.depthHeight)
        colorIntrinsics = pinhole(h.colorIntrinsics, h.colorWidth, h.colorHeight)
        do {
            try intrinsics.validate()
            try colorIntrinsics.validate()
        } catch {
            throw .malformedFile(url: url, line: nil, reason: "invalid intrinsics in the header: \(error)")
        }
        let poses = file.frames.map { frame -> RigidTransform? in
            guard frame.hasPose else { return nil }
            return try? RigidTransform(matrix: frame.cameraToWorld.map(Double.init), tolerance: 1e-3)
        }
        devicePoses = poses.contains { $0 != nil } ? poses : nil
    }

    public func timestamp(of index: Int) -> String { String(file.frames[index].colorTimestamp) }
    public func colorPath(of index: Int) -> String { url.lastPathComponent + "#color/\(index)" }

    public func frame(_ index: Int) throws(ReconError) -> RGBDFrame {
        guard file.frames.indices.contains(index) else {
            throw .unreadableFrame(url: url, index: index, reason: "no such frame (the file has \(frameCount))")
        }
        let color: RGBImage, depth: GrayImage16
        do {
            color = try file.color(index)
            depth = try file.depth(index)
        } catch {
            throw .unreadableFrame(url: url, index: index, reason: error.description)
        }
        guard depth.width == intrinsics.width, depth.height == intrinsics.height else {
            throw .sizeMismatch(url: url, frame: index, expected: "\(intrinsics.width)×\(intrinsics.height) depth",
                                actual: "\(depth.width)×\(depth.height)")
        }
        return RGBDFrame(index: index, color: register(color), depth: depth.pixels)
    }

    /// The colour seen along each depth pixel's ray (nearest colour pixel).
    func register(_ color: RGBImage) -> RGBImage {
        let d = intrinsics, c = colorIntrinsics
        if c == d { return color }
        var out = RGBImage(width: d.width, height: d.height)
        for v in 0..<d.height {
            let y = (Double(v) - d.cy) / d.fy
            let vc = min(max(Int((c.fy * y + c.cy).rounded()), 0), c.height - 1)
            for u in 0..<d.width {
                let x = (Double(u) - d.cx) / d.fx
                let uc = min(max(Int((c.fx * x + c.cx).rounded()), 0), c.width - 1)
                let src = 3 * (vc * c.width + uc), dst = 3 * (v * d.width + u)
                out.pixels[dst] = color.pixels[src]
                out.pixels[dst + 1] = color.pixels[src + 1]
                out.pixels[dst + 2] = color.pixels[src + 2]
            }
        }
        return out
    }
}
