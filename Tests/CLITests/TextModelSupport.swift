import Foundation
import SceneIO
import Testing

/// The text model `tools/setup.sh` installs (both modes), found as `ovseg3r` finds it.
enum TextModelSupport {
    static var folder: String {
        let env = ProcessInfo.processInfo.environment
        if let explicit = env["OVSEG3R_TEXT_MODEL"], !explicit.isEmpty { return explicit }
        let cache = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
        return cache + "/ovseg3r/all-minilm-l6-v2"
    }

    static var installed: Bool { FileManager.default.fileExists(atPath: folder + "/model.safetensors") }

    static let skipReason: Comment = "text model not installed (run tools/setup.sh --model); embed/query CLI tests skipped"

    /// A floor and three boxes with GT; with `viewLabels` (four labels), also two lifted views whose 2D
    /// instances carry them (view 0: boxes 0 and 1; view 1: boxes 1 and 2). Returns the scene folder.
    static func writeTinyScene(in parent: URL, viewLabels: [String]? = nil) throws -> URL {
        let folder = parent.appendingPathComponent("scene_0000")
        var scene = try SceneFolder.create(at: folder)
        var coord: [Float] = [], color: [UInt8] = [], normal: [Float] = [], sp: [Int32] = [], inst: [Int32] = [], sem: [Int32] = []
        let catalog = ClassCatalog.scanNet200()
        for i in 0..<12 { for j in 0..<12 {
            coord += [Float(i) * 0.25, Float(j) * 0.25, 0]; color += [120, 110, 100]; normal += [0, 0, 1]
            sp.append(Int32((i / 6) * 2 + j / 6)); inst.append(0); sem.append(Int32(catalog.entry(named: "floor")?.id ?? 2))
        } }
        let names = ["chair", "table", "lamp"]
        let origins: [[Float]] = [[0.3, 0.3, 0.05], [1.6, 0.4, 0.05], [0.8, 2.0, 0.05]]
        for (k, o) in origins.enumerated() {
            for a in 0..<6 { for b in 0..<5 { for c in 0..<4 {
                coord += [o[0] + Float(a) * 0.08, o[1] + Float(b) * 0.08, o[2] + Float(c) * 0.1]
                color += [UInt8(60 * k + 60), 40, 40]; normal += [0, 0, 1]
                sp.append(Int32(4 + 2 * k + (a < 3 ? 0 : 1))); inst.append(Int32(k + 1))
                sem.append(Int32(catalog.entry(named: names[k])?.id ?? 0))
            } } }
        }
        let n = sp.count
        try scene.write(coord, shape: [n, 3], named: SceneArray.coord)
        try scene.write(color, shape: [n, 3], named: SceneArray.color)
        try scene.write(normal, shape: [n, 3], named: SceneArray.normal)
        try scene.write(sp, shape: [n], named: SceneArray.superpoints)
        try scene.write(inst, shape: [n], named: SceneArray.instance)
        try scene.write(sem, shape: [n], named: SceneArray.semantic)
        if let l = viewLabels {
            try scene.write([Int64(0), 6, 12], shape: [3], named: "sp_view_offsets")
            try scene.write([Int32(0), 1, 4, 5, 6, 7, 1, 3, 6, 7, 8, 9], shape: [12], named: "sp_view")
            try scene.write([Int64(0), 2, 4, 6, 8], shape: [5], named: "vl_offsets")
            try scene.write([Int32(4), 5, 6, 7, 6, 7, 8, 9], shape: [8], named: "vl_superpoints")
            let json = """
            {"format_version": 1, "views": [
              {"view": 0, "frame": 0, "instances": [{"label": "\(l[0])", "score": 0.9, "object": -1, "mask": 0}, {"label": "\(l[1])", "score": 0.8, "object": -1, "mask": 1}]},
              {"view": 1, "frame": 5, "instances": [{"label": "\(l[2])", "score": 0.9, "object": -1, "mask": 2}, {"label": "\(l[3])", "score": 0.7, "object": -1, "mask": 3}]}
            ]}
            """
            try json.write(to: folder.appendingPathComponent("view_labels.json"), atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// A tiny model config (≈ 3 s in a debug build), text width 384 as the encoder's; 40 steps are enough for
    /// masks above the threshold.
    static let tinyConfig = """
    {"model": {"width": 32, "heads": 2, "decoderLayers": 1, "encoderLayers": 1, "pointHidden": 32, "ffnHidden": 64},
     "steps": 40, "textCount": 4, "checkpointEvery": 1000, "learningRate": 0.003}
    """
}
