import Foundation
@testable import SceneSynth

/// The repository's `data/` folder, located from this file.
let dataFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("data")

func loadJSON(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: dataFolder.appendingPathComponent(name))
    return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
}

/// A fresh temporary folder, removed by the caller.
func temporaryFolder(_ tag: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("synth-\(tag)-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The tiny preset at a given size and frame count.
func tinyOptions(width: Int = 64, height: Int = 48, frames: Int = 4) -> SynthOptions {
    var o = SynthPreset.tiny.options
    o.width = width; o.height = height; o.frames = frames
    return o
}
