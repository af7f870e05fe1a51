import Foundation

/// Everything that controls one synthetic video: image size, length, room, camera, sensors and 2D model.
/// Every field has a default; presets (`SynthPreset`) change a few, and a JSON file can override any.
public struct SynthOptions: Codable, Sendable, Equatable {
    /// Image size in pixels.
    public var width: Int = 320
    public var height: Int = 240
    /// Frames per video.
    public var frames: Int = 60
    /// JPEG quality of `color/*.jpg` (1–100).
    public var jpegQuality: Int = 92
    /// zlib level (0–9) of the 16-bit PNGs; 1 is several times faster than 6 at ~10 % larger files.
    public var pngCompressionLevel: Int = 1
    public var room = RoomOptions()
    public var camera = CameraOptions()
    public var odometry = OdometryOptions()
    public var depth = DepthSensorOptions()
    public var colour = ColourOptions()
    public var model2D = Simulated2DOptions()

    public init() {}

    /// Checks ranges; throws the first offending option with its value and the expected range.
    public func validate() throws(SceneSynthError) {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ expected: String) throws(SceneSynthError) {
            if !ok { throw .invalidOption(name: name, value: "\(value)", expected: expected) }
        }
        try check(width >= 16 && width <= 4096, "width", width, "16…4096")
        try check(height >= 12 && height <= 4096, "height", height, "12…4096")
        try check(frames >= 1 && frames <= 100_000, "frames", frames, "1…100000")
        try check((1...100).contains(jpegQuality), "jpegQuality", jpegQuality, "1…100")
        try check((0...9).contains(pngCompressionLevel), "pngCompressionLevel", pngCompressionLevel, "0…9")
        try check(room.width.lowerBound >= 2.5 && room.depth.lowerBound >= 2.5, "room.width/depth", room.width, "≥ 2.5 m")
        try check(room.height.lowerBound >= 2.2, "room.height", room.height, "≥ 2.2 m")
        try check(camera.fps > 0, "camera.fps", camera.fps, "> 0")
        try check(depth.depthScale > 0 && depth.maxRange * depth.depthScale <= 65535, "depth.depthScale", depth.depthScale,
                  "> 0 and maxRange·depthScale ≤ 65535")
        try check(model2D.featureChannels >= 1 && model2D.featureChannels <= 512, "model2D.featureChannels",
                  model2D.featureChannels, "1…512")
        try check(model2D.featureStride >= 1, "model2D.featureStride", model2D.featureStride, "≥ 1")
        for (name, rate) in [("missRate", model2D.missRate), ("smallMissRate", model2D.smallMissRate),
                             ("occludedMissRate", model2D.occludedMissRate), ("mergeRate", model2D.mergeRate),
                             ("splitRate", model2D.splitRate), ("labelNoiseRate", model2D.labelNoiseRate)] {
            try check((0...1).contains(rate), "model2D.\(name)", rate, "0…1")
        }
        for name in model2D.heldOutCategories ?? [] {
            let category = SynthCategories.all.first { $0.name == name }
            try check(category?.split == .novel, "model2D.heldOutCategories", name,
                      "a novel category the synthesiser places (so that it has no 3D ground truth in training)")
        }
        if let rate = model2D.freeFormRate { try check((0...1).contains(rate), "model2D.freeFormRate", rate, "0…1") }
        if let share = model2D.viewConsistency { try check((0...1).contains(share), "model2D.viewConsistency", share, "0…1") }
        try check(model2D.falsePositivesPerFrame >= 0 && model2D.falsePositivesPerFrame <= 20,
                  "model2D.falsePositivesPerFrame", model2D.falsePositivesPerFrame, "0…20")
    }
}

/// Named option sets: `tiny` for tests (64×48, a few objects, seconds), `demo` (320×240) and `full`
/// (640×480, longer and noisier).
public enum SynthPreset: String, CaseIterable, Codable, Sendable {
    case tiny, demo, full

    public var options: SynthOptions {
        var o = SynthOptions()
        switch self {
        case .tiny:
            o.width = 64; o.height = 48; o.frames = 8
            o.room.width = 3.5...4.5; o.room.depth = 3.2...4.0
            o.room.furniture = 3...5; o.room.wallFlats = 3...5; o.room.mats = 1...1; o.room.smallPerSurface = 2
        case .demo:
            o.width = 320; o.height = 240; o.frames = 60
        case .full:
            o.width = 640; o.height = 480; o.frames = 150
            o.room.furniture = 9...13; o.room.wallFlats = 8...12
            o.depth.edgeDropout = 0.85; o.depth.randomDropout = 0.005; o.depth.maxRange = 4.0
            o.odometry.translationDriftPerMetre = 0.03; o.odometry.rotationDriftPerMetre = 1.0 * Double.pi / 180
            o.colour.noise = 3; o.colour.exposureStep = 0.04
            o.model2D.boundaryJitter = 2.0; o.model2D.missRate = 0.08; o.model2D.falsePositivesPerFrame = 0.5
            o.model2D.mergeRate = 0.12; o.model2D.splitRate = 0.18; o.model2D.labelNoiseRate = 0.18
            o.model2D.featureNoise = 0.35
        }
        return o
    }

    public static func named(_ name: String) throws(SceneSynthError) -> SynthPreset {
        guard let preset = SynthPreset(rawValue: name) else {
            throw .unknownPreset(name: name, known: SynthPreset.allCases.map(\.rawValue))
        }
        return preset
    }
}

extension SynthOptions {
    /// Options from a JSON file (the format of `ovseg3r synth --print-options`); missing keys are errors.
    public static func load(_ url: URL) throws(SceneSynthError) -> SynthOptions {
        do {
            let data = try Data(contentsOf: url)
            return try JSONDecoder().decode(SynthOptions.self, from: data)
        } catch {
            throw .unreadableOptions(path: url.path, reason: "\(error)")
        }
    }

    /// Pretty, key-sorted JSON of these options.
    public func jsonString() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
