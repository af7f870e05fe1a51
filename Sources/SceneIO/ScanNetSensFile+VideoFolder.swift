import Foundation
import Geometry

extension ScanNetSensFile {
    /// The depth camera's pinhole as `intrinsics.json` (the video folder's single camera).
    public var depthCameraIntrinsics: CameraIntrinsicsFile {
        let k = header.depthIntrinsics
        return CameraIntrinsicsFile(width: header.depthWidth, height: header.depthHeight, fx: Double(k[0]),
                                    fy: Double(k[5]), cx: Double(k[2]), cy: Double(k[6]), depthScale: Double(header.depthShift))
    }

    /// Writes every `stride`-th frame with a valid pose as a toolkit video folder.
    ///
    /// A video folder has one camera for color and depth, so color is resampled onto the depth
    /// pixel grid: depth pixel (u, v) takes the color at `fx_c (u - cx_d) / fx_d + cx_c` (likewise
    /// for v), bilinearly. This assumes the two cameras share a centre and orientation, which is
    /// what ScanNet's identity extrinsics state. Poses come from `camera_to_world`; frames whose
    /// pose is invalid (-inf, lost tracking) are skipped. Returns the opened folder.
    public func writeVideoFolder(to destination: URL, stride: Int = 1, jpegQuality: Int = 95) throws(SceneIOError) -> VideoFolder {
        let intrinsics = depthCameraIntrinsics
        let writer = try VideoFolderWriter(url: destination, intrinsics: intrinsics)
        var poses: [TUMPose] = []
        var written = 0
        for index in Swift.stride(from: 0, to: frames.count, by: max(1, stride)) where frames[index].hasPose {
            let frame = frames[index]
            let color = resampledToDepthGrid(try color(index))
            try writer.writeFrame(written, color: color, depth: try depth(index), format: .jpeg, jpegQuality: jpegQuality)
            let m = frame.cameraToWorld.map(Double.init)
            let rotation = Quaternion(rotationMatrix: Matrix3(row0: SIMD3(m[0], m[1], m[2]), row1: SIMD3(m[4], m[5], m[6]),
                                                              row2: SIMD3(m[8], m[9], m[10])))
            let timestamp = frame.colorTimestamp > 0 ? String(format: "%.6f", Double(frame.colorTimestamp) / 1e6) : "\(index)"
            poses.append(TUMPose(timestamp: timestamp, translation: SIMD3(m[3], m[7], m[11]), rotationXYZW: rotation.xyzw))
            written += 1
        }
        try writer.writePoses(TUMTrajectory(poses: poses))
        return try VideoFolder(destination)
    }

    /// Bilinear resampling of a color image onto the depth camera's pixel grid.
    func resampledToDepthGrid(_ color: RGBImage) -> RGBImage {
        let c = header.colorIntrinsics.map(Double.init), d = header.depthIntrinsics.map(Double.init)
        let width = header.depthWidth, height = header.depthHeight
        var out = RGBImage(width: width, height: height)
        let maxX = Double(color.width - 1), maxY = Double(color.height - 1)
        for v in 0..<height {
            let y = min(max(c[5] * (Double(v) - d[6]) / d[5] + c[6], 0), maxY)
            let y0 = Int(y), y1 = min(y0 + 1, color.height - 1), fy = y - Double(y0)
            for u in 0..<width {
                let x = min(max(c[0] * (Double(u) - d[2]) / d[0] + c[2], 0), maxX)
                let x0 = Int(x), x1 = min(x0 + 1, color.width - 1), fx = x - Double(x0)
                let top = SIMD3<Double>(color[x0, y0]) * (1 - fx) + SIMD3<Double>(color[x1, y0]) * fx
                let bottom = SIMD3<Double>(color[x0, y1]) * (1 - fx) + SIMD3<Double>(color[x1, y1]) * fx
                let value = (top * (1 - fy) + bottom * fy).rounded(.toNearestOrEven)
                out[u, v] = SIMD3<UInt8>(value.clamped(lowerBound: .zero, upperBound: SIMD3(repeating: 255)))
            }
        }
        return out
    }
}
