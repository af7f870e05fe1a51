import Foundation
import Geometry

/// The contents of a video folder's `intrinsics.json`: a pinhole camera shared by the color and
/// depth images (which must be registered to each other and have the same size), plus the depth scale.
///
/// On disk: `{"width", "height", "fx", "fy", "cx", "cy", "depth_scale"}`. The six camera keys are
/// `PinholeIntrinsics`' own Codable mapping; this type adds only `depth_scale`. The projection math
/// and the camera's validity rules live in Geometry; the camera's fields read through (`file.fx`).
@dynamicMemberLookup
public struct CameraIntrinsicsFile: Codable, Sendable, Equatable {
    /// Image size, focal lengths and principal point, in pixels.
    public var camera: PinholeIntrinsics
    /// Depth units per metre: a depth pixel value d means d / depthScale metres (1000 for mm, 5000 for TUM).
    public var depthScale: Double

    public init(camera: PinholeIntrinsics, depthScale: Double) {
        self.camera = camera
        self.depthScale = depthScale
    }

    public init(width: Int, height: Int, fx: Double, fy: Double, cx: Double, cy: Double, depthScale: Double) {
        self.init(camera: PinholeIntrinsics(width: width, height: height, fx: fx, fy: fy, cx: cx, cy: cy),
                  depthScale: depthScale)
    }

    /// The camera's fields and properties, read and written through: `file.fx`, `file.width = 8`, `file.pixelCount`.
    public subscript<Value>(dynamicMember keyPath: KeyPath<PinholeIntrinsics, Value>) -> Value {
        camera[keyPath: keyPath]
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<PinholeIntrinsics, Value>) -> Value {
        get { camera[keyPath: keyPath] }
        set { camera[keyPath: keyPath] = newValue }
    }

    /// The one key this file adds to the camera's.
    private enum DepthKeys: String, CodingKey {
        case depthScale = "depth_scale"
    }

    // Camera and depth scale share one flat JSON object: both decode from (and encode into) the same container.
    public init(from decoder: any Decoder) throws {
        camera = try PinholeIntrinsics(from: decoder)
        depthScale = try decoder.container(keyedBy: DepthKeys.self).decode(Double.self, forKey: .depthScale)
    }

    public func encode(to encoder: any Encoder) throws {
        try camera.encode(to: encoder)
        var container = encoder.container(keyedBy: DepthKeys.self)
        try container.encode(depthScale, forKey: .depthScale)
    }

    /// Reads and validates `intrinsics.json`.
    public static func read(_ url: URL) throws(SceneIOError) -> CameraIntrinsicsFile {
        let intrinsics = try JSONFile.read(CameraIntrinsicsFile.self, from: url)
        try intrinsics.validate(url: url)
        return intrinsics
    }

    /// Writes the file atomically (sorted keys, pretty-printed).
    public func write(to url: URL) throws(SceneIOError) {
        try validate(url: url)
        try JSONFile.write(self, to: url)
    }

    /// The camera's rules (`PinholeIntrinsics.validate()`) and a finite, positive depth scale, reported
    /// against `url`.
    func validate(url: URL) throws(SceneIOError) {
        do throws(GeometryError) {
            try camera.validate()
        } catch {
            switch error {
            case let .invalidArgument(name, value, expected):
                throw .invalidIntrinsics(url: url, field: name, value: value, expected: expected)
            default:
                throw .invalidIntrinsics(url: url, field: "camera", value: "", expected: error.description)
            }
        }
        guard depthScale.isFinite, depthScale > 0 else {
            throw .invalidIntrinsics(url: url, field: "depth_scale", value: "\(depthScale)", expected: "a finite number > 0")
        }
    }
}
