import Foundation

/// One detection of the 2D model in `pred2d/instances/NNNNNN.json`.
public struct Pred2DInstance: Codable, Sendable, Equatable {
    /// The value of this instance's pixels in `pred2d/masks/NNNNNN.png` (never 0).
    public var id: Int
    /// Open-vocabulary label as the 2D model named it.
    public var label: String
    /// Confidence in 0...1.
    public var score: Double
    /// Row in `pred2d/objects.npy` holding this instance's object-level feature, if any.
    public var object: Int?

    public init(id: Int, label: String, score: Double, object: Int? = nil) {
        self.id = id
        self.label = label
        self.score = score
        self.object = object
    }
}

/// The files of a 2D model output folder (docs/SCENE_FORMAT.md, "The 2D model's output"), by their one spelling.
public enum Pred2DFile: Sendable, Equatable {
    /// `masks/NNNNNN.png`: uint16 instance ids of one frame (0 = none).
    case mask(frame: Int)
    /// `instances/NNNNNN.json`: the frame's detections (`[Pred2DInstance]`).
    case instances(frame: Int)
    /// `features/NNNNNN.npy`: the frame's `[h, w, C]` feature map.
    case features(frame: Int)
    /// `objects.npy`: `[O, C]` object-level features, the rows `Pred2DInstance.object` points at.
    case objects

    /// The path inside the 2D output folder.
    public var path: String {
        switch self {
        case let .mask(frame): return "masks/\(VideoFrame.stem(frame)).png"
        case let .instances(frame): return "instances/\(VideoFrame.stem(frame)).json"
        case let .features(frame): return "features/\(VideoFrame.stem(frame)).npy"
        case .objects: return "objects.npy"
        }
    }

    public func url(in pred2d: URL) -> URL { pred2d.appendingPathComponent(path) }
}

/// One frame's dense 2D feature map, `[height, width, channels]` row-major.
public struct Pred2DFeatureMap: Sendable, Equatable {
    public var values: [Float]
    public var height: Int
    public var width: Int
    public var channels: Int

    public init(values: [Float], height: Int, width: Int, channels: Int) {
        self.values = values
        self.height = height
        self.width = width
        self.channels = channels
    }
}

/// The object-level features of a video's detections, `[count, channels]` row-major.
public struct Pred2DObjects: Sendable, Equatable {
    public var values: [Float]
    public var channels: Int
    public var count: Int { channels > 0 ? values.count / channels : 0 }

    public init(values: [Float], channels: Int) {
        self.values = values
        self.channels = channels
    }
}

extension VideoFolder {
    /// A video's own 2D output folder, `VIDEO/pred2d` (the default when no other folder is given).
    public static func pred2dURL(of video: URL) -> URL { VideoFile.pred2d.url(in: video) }

    /// The 2D instance-id mask of frame `index`, nil when absent; its size must match `intrinsics.json`.
    public func pred2DMask(_ index: Int) throws(SceneIOError) -> GrayImage16? {
        let url = Pred2DFile.mask(frame: index).url(in: pred2dURL)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let image = try PNG.readGray16(url)
        try Self.checkSize(image.width, image.height, of: url, frame: index, intrinsics: intrinsics)
        return image
    }

    /// The 2D detections of frame `index`, nil when absent.
    public func pred2DInstances(_ index: Int) throws(SceneIOError) -> [Pred2DInstance]? {
        let url = Pred2DFile.instances(frame: index).url(in: pred2dURL)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try JSONFile.read([Pred2DInstance].self, from: url)
    }

    /// The feature map of frame `index`, nil when absent. Refused: a shape other than `[h, w, C]`, an empty extent
    /// (a bilinear sample would index past it) and non-finite values (they would spread into `feat2d.npy`).
    public func pred2DFeatureMap(_ index: Int) throws(SceneIOError) -> Pred2DFeatureMap? {
        let url = Pred2DFile.features(frame: index).url(in: pred2dURL)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let array = try Npy.read(url)
        let shape = try array.requireShape([nil, nil, nil])
        guard shape.allSatisfy({ $0 >= 1 }) else {
            throw .unreadable(url: url, reason: "feature map of shape \(shape); every extent must be at least 1")
        }
        let values = try array.floats()
        try Self.requireFinite(values, url)
        return Pred2DFeatureMap(values: values, height: shape[0], width: shape[1], channels: shape[2])
    }

    /// The object-level features (`objects.npy`, `[O, C]`), nil when absent. Non-finite values are refused.
    public func pred2DObjects() throws(SceneIOError) -> Pred2DObjects? {
        let url = Pred2DFile.objects.url(in: pred2dURL)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let array = try Npy.read(url)
        let shape = try array.requireShape([nil, nil])
        let values = try array.floats()
        try Self.requireFinite(values, url)
        return Pred2DObjects(values: values, channels: shape[1])
    }

    private static func requireFinite(_ values: [Float], _ url: URL) throws(SceneIOError) {
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .unreadable(url: url, reason: "value \(values[bad]) at flat index \(bad) is not finite")
        }
    }
}

extension VideoFolderWriter {
    /// Writes frame `index`'s feature map (`pred2d/features/NNNNNN.npy`, float16 unless `half` is false).
    public func writePred2DFeatureMap(_ index: Int, _ map: Pred2DFeatureMap, half: Bool = true) throws(SceneIOError) {
        try Self.writePred2DFeatureMap(map, to: Pred2DFile.features(frame: index).url(in: pred2dURL), half: half)
    }

    /// Writes the object-level features (`pred2d/objects.npy`, float16 unless `half` is false).
    public func writePred2DObjects(_ objects: Pred2DObjects, half: Bool = true) throws(SceneIOError) {
        try Self.writePred2DObjects(objects, to: Pred2DFile.objects.url(in: pred2dURL), half: half)
    }

    /// The writers above for a 2D output folder written without a `VideoFolderWriter` (e.g. frames in parallel). A
    /// shape that does not match the value count is refused (`npyShapeMismatch`).
    public static func writePred2DFeatureMap(_ map: Pred2DFeatureMap, to url: URL, half: Bool = true) throws(SceneIOError) {
        try makeDirectory(url.deletingLastPathComponent())
        let shape = [map.height, map.width, map.channels]
        if half { try Npy.writeFloat16(map.values, shape: shape, to: url) } else { try Npy.write(map.values, shape: shape, to: url) }
    }

    public static func writePred2DObjects(_ objects: Pred2DObjects, to url: URL, half: Bool = true) throws(SceneIOError) {
        try makeDirectory(url.deletingLastPathComponent())
        let shape = [objects.count, objects.channels]
        if half { try Npy.writeFloat16(objects.values, shape: shape, to: url) } else { try Npy.write(objects.values, shape: shape, to: url) }
    }

    /// The video's own 2D output folder, `VIDEO/pred2d`.
    public var pred2dURL: URL { VideoFolder.pred2dURL(of: url) }
}
