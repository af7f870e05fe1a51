import Foundation
import _TestSupport
@testable import SceneSynth

func loadJSON(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: Repository.data.appendingPathComponent(name))
    return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
}

/// The tiny preset at a given size and frame count.
func tinyOptions(width: Int = 64, height: Int = 48, frames: Int = 4) -> SynthOptions {
    var o = SynthPreset.tiny.options
    o.width = width; o.height = height; o.frames = frames
    return o
}
