import CBridge
import Geometry

/// Throws `ReconError.bridgeFailure` with `cb_last_error()` unless `status == CB_OK`.
func checkBridge(_ status: Int32, _ function: String) throws(ReconError) {
    guard Int(status) != Int(CB_OK) else { return }
    throw .bridgeFailure(function: function, status: status, message: String(cString: cb_last_error()))
}

extension cb_pose {
    /// The bridge pose of a transform (quaternion x, y, z, w).
    init(_ transform: RigidTransform) {
        let q = transform.rotation, t = transform.translation
        self.init(q_xyzw: (q.x, q.y, q.z, q.w), t: (t.x, t.y, t.z))
    }

    var transform: RigidTransform {
        RigidTransform(rotation: Quaternion(x: q_xyzw.0, y: q_xyzw.1, z: q_xyzw.2, w: q_xyzw.3),
                       translation: SIMD3(t.0, t.1, t.2))
    }
}

/// A frame prepared for the bridge: depth in metres and grey levels in [0, 1].
struct PreparedFrame: Sendable {
    var intrinsics: PinholeIntrinsics
    /// `[h·w]` metres, 0 = none.
    var depth: [Float]
    /// `[h·w]` 8-bit RGB.
    var rgb: [UInt8]
    /// `[h·w]` grey levels (Rec. 601 luma / 255).
    var intensity: [Float]
    /// Fraction of pixels with a valid depth.
    var validDepthFraction: Double

    init(_ frame: RGBDFrame, intrinsics: PinholeIntrinsics, depthScale: Double, depthRange: ClosedRange<Double>) {
        self.intrinsics = intrinsics
        let scale = Float(1 / depthScale)
        let lower = Float(depthRange.lowerBound), upper = Float(depthRange.upperBound)
        var valid = 0
        depth = frame.depth.map { raw in
            let metres = Float(raw) * scale
            guard raw != 0, metres >= lower, metres <= upper else { return 0 }
            valid += 1
            return metres
        }
        validDepthFraction = Double(valid) / Double(max(frame.depth.count, 1))
        rgb = frame.color.pixels
        let pixels = frame.color.pixels
        intensity = (0..<(pixels.count / 3)).map { i in
            (0.299 * Float(pixels[3 * i]) + 0.587 * Float(pixels[3 * i + 1]) + 0.114 * Float(pixels[3 * i + 2])) / 255
        }
    }

    /// Calls `body` with a `cb_rgbd_frame` viewing this frame's buffers.
    func withBridged<R>(_ body: (inout cb_rgbd_frame) throws(ReconError) -> R) throws(ReconError) -> R {
        let k = intrinsics
        return try depth.withUnsafeBufferPointer { (d) throws(ReconError) -> R in
            try rgb.withUnsafeBufferPointer { (c) throws(ReconError) -> R in
                try intensity.withUnsafeBufferPointer { (g) throws(ReconError) -> R in
                    var frame = cb_rgbd_frame(width: Int32(k.width), height: Int32(k.height), fx: k.fx, fy: k.fy,
                                              cx: k.cx, cy: k.cy, depth: d.baseAddress, rgb: c.baseAddress,
                                              intensity: g.baseAddress)
                    return try body(&frame)
                }
            }
        }
    }
}
