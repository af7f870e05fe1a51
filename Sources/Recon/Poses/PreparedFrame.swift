import CBridge
import Geometry

/// A frame prepared for the bridge: depth in metres and grey levels in [0, 1].
struct PreparedFrame: Sendable {
    let intrinsics: PinholeIntrinsics
    /// `[h·w]` metres, 0 = none.
    let depth: [Float]
    /// `[h·w]` 8-bit RGB.
    let rgb: [UInt8]
    /// `[h·w]` grey levels (Rec. 601 luma / 255).
    let intensity: [Float]
    /// Fraction of pixels with a valid depth.
    let validDepthFraction: Double
    /// The odometry pyramid of these pixels, when built (`withPyramid`); a derived frame (`halved()`) has none.
    private(set) var pyramid: OdometryPyramid?

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
        intensity = Self.greyLevels(of: frame.color.pixels)
    }

    /// This frame with its odometry pyramid built (`levels` levels for `depthRange`), for a frame that tracking
    /// will align; unchanged when the image is too small for that many levels (the alignment then reports it).
    func withPyramid(levels: Int, depthRange: ClosedRange<Double>) throws(ReconError) -> PreparedFrame {
        let k = intrinsics
        guard levels >= 1, k.width >= 8, k.height >= 8, k.width >> (levels - 1) >= 4, k.height >> (levels - 1) >= 4
        else { return self }
        var frame = self
        frame.pyramid = try OdometryPyramid(self, levels: levels, depthRange: depthRange)
        return frame
    }

    /// Grey levels in [0, 1] of interleaved 8-bit RGB (Rec. 601 luma / 255).
    static func greyLevels(of rgb: [UInt8]) -> [Float] {
        (0..<(rgb.count / 3)).map { i in
            let r = Float(rgb[3 * i]), g = Float(rgb[3 * i + 1]), b = Float(rgb[3 * i + 2])
            return (0.299 * r + 0.587 * g + 0.114 * b) / 255
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
