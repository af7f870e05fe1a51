import Foundation
import SceneIO
import Support

/// `ovseg3r fuse`: the training-free lifting baseline. The view-level 2D instances that `lift` wrote are fused
/// across views into 3D instances by view consensus (`ViewConsensus`) and written in the ScanNet benchmark format,
/// so `ovseg3r eval` scores them exactly like `ovseg3r predict`'s output.
public enum Fuse {
    /// Fuses and writes every scene of `options.scenes`, in order.
    public static func run(_ options: FuseOptions) throws(VIPError) -> FuseResult {
        let start = Date()
        let results = try SceneBatch.run(options.scenes, label: "fuse", progress: options.progress,
                                         invalidField: options.thresholds.invalidField) { url throws(VIPError) in
            try fuseScene(url, options: options)
        }
        return FuseResult(scenes: results, seconds: Date().timeIntervalSince(start))
    }

    /// Fuses one scene folder and writes `OUT/<scene name>.txt` and its masks.
    public static func fuseScene(_ url: URL, options: FuseOptions) throws(VIPError) -> FuseSceneResult {
        let start = Date()
        let inputs = try FuseInputs.load(scene: url)
        let fused = ViewConsensus.fuse(inputs, thresholds: options.thresholds)
        let (masks, skipped) = benchmarkMasks(fused, inputs: inputs, classes: options.classes)
        let name = url.standardizedFileURL.lastPathComponent
        do {
            try BenchmarkPredictionWriter.write(masks, scene: name, pointCount: inputs.pointSuperpoints.count, to: options.out)
        } catch { throw .unwritableOutput(url: options.out, reason: "\(error)") }
        return FuseSceneResult(name: name, views: inputs.viewCount, masks: inputs.masks.count, instances: masks.count,
                               skippedLabels: skipped, seconds: Date().timeIntervalSince(start))
    }

    /// Point-level masks with catalog label ids (order kept); instances whose label is not in `classes` are left
    /// out and counted by label. `fused` must be disjoint, as `ViewConsensus.fuse` returns it.
    public static func benchmarkMasks(_ fused: [FusedInstance], inputs: FuseInputs,
                                      classes: ClassCatalog) -> (masks: [BenchmarkMask], skipped: [String: Int]) {
        var instanceOf = [Int32](repeating: -1, count: inputs.superpointCount)
        var ids: [Int] = []
        var skipped: [String: Int] = [:]
        for instance in fused {
            guard let entry = classes.entry(named: instance.label) else {
                skipped[instance.label, default: 0] += 1
                continue
            }
            for s in instance.superpoints { instanceOf[Int(s)] = Int32(ids.count) }
            ids.append(entry.id)
        }
        var points = [[Int32]](repeating: [], count: ids.count)
        for (p, s) in inputs.pointSuperpoints.enumerated() {
            let k = instanceOf[Int(s)]
            if k >= 0 { points[Int(k)].append(Int32(p)) }
        }
        var masks: [BenchmarkMask] = []
        var k = 0
        for instance in fused where classes.entry(named: instance.label) != nil {
            masks.append(BenchmarkMask(labelID: ids[k], score: instance.score, points: points[k]))
            k += 1
        }
        return (masks, skipped)
    }
}
