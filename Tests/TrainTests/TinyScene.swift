import Foundation
import _TestSupport
import Geometry
import SceneIO
import Tensor
@testable import Train

/// A small hand-made scene folder: a floor and three boxes (two base classes, one novel), each box split into
/// two superpoints, the floor into four; two views (view 0 sees boxes 0 and 1, view 1 sees boxes 1 and 2).
enum TinyScene {
    static let classNames = ["chair", "table", "lamp"]   // chair, table: base; lamp: novel

    /// Writes the scene into `folder` and returns it.
    @discardableResult
    static func write(to folder: URL, seed: UInt64 = 1, shift: Float = 0, floorSide: Int = 12) throws -> URL {
        var scene = try SceneFolder.create(at: folder)
        var rng = SeededGenerator(seed: seed)
        var coord: [Float] = [], color: [UInt8] = [], normal: [Float] = [], sp: [Int32] = [], inst: [Int32] = [], sem: [Int32] = []
        let catalog = ClassCatalog.scanNet200()
        // Floor: a floorSide × floorSide grid (3 m across), 4 superpoints by quadrant.
        let side = max(2, floorSide), pitch = 3 / Float(side)
        for i in 0..<side { for j in 0..<side {
            coord += [Float(i) * pitch + shift, Float(j) * pitch, 0]
            color += [120, 110, 100]; normal += [0, 0, 1]
            sp.append(Int32((i * 2 / side) * 2 + j * 2 / side)); inst.append(0); sem.append(Int32(catalog.entry(named: "floor")?.id ?? 2))
        } }
        let origins: [[Float]] = [[0.3, 0.3, 0.05], [1.6, 0.4, 0.05], [0.8, 2.0, 0.05]]
        let colours: [[UInt8]] = [[200, 30, 30], [30, 200, 30], [30, 30, 200]]
        for (k, o) in origins.enumerated() {
            let id = Int32(catalog.entry(named: classNames[k])?.id ?? 0)
            for a in 0..<6 { for b in 0..<5 { for c in 0..<4 {
                let jitter = Float(rng.nextUniform(in: -0.005..<0.005))
                coord += [o[0] + Float(a) * 0.08 + jitter + shift, o[1] + Float(b) * 0.08, o[2] + Float(c) * 0.1]
                color += colours[k]; normal += [0, 0, 1]
                sp.append(Int32(4 + 2 * k + (a < 3 ? 0 : 1))); inst.append(Int32(k + 1)); sem.append(id)
            } } }
        }
        let n = sp.count
        try scene.write(coord, shape: [n, 3], named: SceneArray.coord)
        try scene.write(color, shape: [n, 3], named: SceneArray.color)
        try scene.write(normal, shape: [n, 3], named: SceneArray.normal)
        try scene.write(sp, shape: [n], named: SceneArray.superpoints)
        try scene.write(inst, shape: [n], named: SceneArray.instance)
        try scene.write(sem, shape: [n], named: SceneArray.semantic)
        // Views: visible superpoints (floor 0,1,2 + boxes) and lifted instances (view 0: chair, table; view 1: table, lamp).
        let visible: [[Int32]] = [[0, 1, 4, 5, 6, 7], [1, 3, 6, 7, 8, 9]]
        let lifted: [[Int32]] = [[4, 5], [6, 7], [6, 7], [8, 9]]
        try scene.write(visible.map { Int64($0.count) }.reduce(into: [Int64(0)]) { $0.append(($0.last ?? 0) + $1) }, shape: [3], named: "sp_view_offsets")
        try scene.write(visible.flatMap { $0 }, shape: [12], named: "sp_view")
        try scene.write([Int64(0), 2, 4, 6, 8], shape: [5], named: "vl_offsets")
        try scene.write(lifted.flatMap { $0 }, shape: [8], named: "vl_superpoints")
        let labels = """
        {"format_version": 1, "views": [
          {"view": 0, "frame": 0, "instances": [{"label": "chair", "score": 0.9, "object": -1, "mask": 0}, {"label": "table", "score": 0.8, "object": -1, "mask": 1}]},
          {"view": 1, "frame": 5, "instances": [{"label": "table", "score": 0.9, "object": -1, "mask": 2}, {"label": "lamp", "score": 0.7, "object": -1, "mask": 3}]}
        ]}
        """
        try labels.write(to: folder.appendingPathComponent("view_labels.json"), atomically: true, encoding: .utf8)
        return folder
    }

    /// Random unit embeddings (width 16) for the scene's names and a few negatives.
    static func embeddings(width: Int = 16) -> TextEmbeddings {
        let names = classNames + ["door", "sink", "bed", "desk", "shelf", "toilet", "couch", "window"]
        var rng = SeededGenerator(seed: 99)
        let v = (0..<(names.count * width)).map { _ in Float(rng.nextGaussian()) }
        return TextEmbeddings(names: names, vectors: v, dims: width)
    }

    /// A trainer on one TinyScene written under a fresh folder tagged `tag`: `configure` edits the tiny config
    /// (augmentation off), progress is off.
    static func trainer(_ tag: String, steps: Int, configure: (inout TrainConfig) -> Void) throws -> Trainer {
        let root = temporaryFolder(tag)
        let data = root.appendingPathComponent("data")
        try write(to: data.appendingPathComponent("scene0"))
        var c = config(steps: steps)
        c.augment.enabled = false
        configure(&c)
        var options = TrainOptions(data: data, run: root.appendingPathComponent("run"), config: c, embeddings: embeddings())
        options.showProgress = false
        return try Trainer(options)
    }

    /// Prediction of `run`'s latest checkpoint on the scenes under `data` into `run/pred`, against the scene's class
    /// names and their tiny embeddings.
    static func predictOptions(run: URL, data: URL) throws -> PredictOptions {
        var p = PredictOptions(checkpoint: run, scenes: [data], out: run.appendingPathComponent("pred"), embeddings: embeddings())
        p.classes = try ClassCatalog(entries: classNames.compactMap { ClassCatalog.scanNet200().entry(named: $0) })
        return p
    }

    /// A tiny configuration that runs quickly in debug builds.
    static func config(steps: Int = 30) -> TrainConfig {
        var c = TrainConfig()
        c.model.width = 32; c.model.heads = 2; c.model.decoderLayers = 2; c.model.encoderLayers = 1
        c.model.pointHidden = 32; c.model.ffnHidden = 64; c.model.textWidth = 16
        c.steps = steps
        c.textCount = 6
        c.learningRate = 3e-3
        c.checkpointEvery = 1000
        return c
    }
}
