/// A pinhole camera without distortion: image size in pixels, focal lengths and principal point in pixels.
///
/// Conventions (OpenCV, ScanNet, TUM, Open3D `PinholeCameraIntrinsic`): the camera looks down +z, x right,
/// y down; pixel `(u, v)` = (column, row) and the centre of the top-left pixel is `(0, 0)`, so
/// `u = fx · x/z + cx`, `v = fy · y/z + cy`. Depth `z` is the distance along the optical axis in metres.
/// Same fields and JSON keys as `intrinsics.json` (SceneIO's `CameraIntrinsicsFile` adds `depth_scale`).
public struct PinholeIntrinsics: Sendable, Hashable, Codable {
    public var width: Int
    public var height: Int
    public var fx: Double
    public var fy: Double
    public var cx: Double
    public var cy: Double

    public init(width: Int, height: Int, fx: Double, fy: Double, cx: Double, cy: Double) {
        self.width = width
        self.height = height
        self.fx = fx
        self.fy = fy
        self.cx = cx
        self.cy = cy
    }

    /// Throws unless the size is positive and the focal lengths and principal point are finite,
    /// with positive focal lengths. The fields are named as in `intrinsics.json`.
    public func validate() throws(GeometryError) {
        let positive = "a finite number > 0"
        guard width > 0 else { throw .invalidArgument(name: "width", value: "\(width)", expected: positive) }
        guard height > 0 else { throw .invalidArgument(name: "height", value: "\(height)", expected: positive) }
        for (name, value) in [("fx", fx), ("fy", fy)] where !(value.isFinite && value > 0) {
            throw .invalidArgument(name: name, value: "\(value)", expected: positive)
        }
        for (name, value) in [("cx", cx), ("cy", cy)] where !value.isFinite {
            throw .invalidArgument(name: name, value: "\(value)", expected: "a finite number")
        }
    }

    /// The number of pixels, `width · height`.
    public var pixelCount: Int { width * height }

    /// The pixel `(u, v)` where `pointInCamera` projects, or `nil` if the point is not in front of the camera
    /// (`z ≤ 0`). The pixel may lie outside the image; see `contains(_:)`.
    public func project(_ pointInCamera: SIMD3<Double>) -> SIMD2<Double>? {
        guard pointInCamera.z > 0 else { return nil }
        let inverseZ = 1 / pointInCamera.z
        return SIMD2(fx * pointInCamera.x * inverseZ + cx, fy * pointInCamera.y * inverseZ + cy)
    }

    /// The point in camera coordinates (metres) that projects to `pixel` at depth `depth` (z, metres).
    public func unproject(pixel: SIMD2<Double>, depth: Double) -> SIMD3<Double> {
        SIMD3((pixel.x - cx) / fx * depth, (pixel.y - cy) / fy * depth, depth)
    }

    /// Whether `pixel` falls on the image: `−0.5 ≤ u < width − 0.5` and likewise for `v`
    /// (pixel centres are integers, each pixel spans ±0.5).
    public func contains(_ pixel: SIMD2<Double>) -> Bool {
        pixel.x >= -0.5 && pixel.x < Double(width) - 0.5 && pixel.y >= -0.5 && pixel.y < Double(height) - 0.5
    }

    /// The intrinsics of the image resized by `factor` (0.5 for one level of an image pyramid).
    ///
    /// Focal lengths scale by `factor`. Because pixel centres sit at integer coordinates, the principal point
    /// maps as `c' = (c + 0.5) · factor − 0.5` (old pixels `2i, 2i+1` average into new pixel `i` at factor 0.5).
    /// The size is rounded down: 641 px at 0.5 gives 320 px.
    public func scaled(by factor: Double) -> PinholeIntrinsics {
        PinholeIntrinsics(width: Int((Double(width) * factor).rounded(.down)),
                          height: Int((Double(height) * factor).rounded(.down)),
                          fx: fx * factor, fy: fy * factor,
                          cx: (cx + 0.5) * factor - 0.5, cy: (cy + 0.5) * factor - 0.5)
    }
}
