import Foundation

/// One predicted 3D instance as the ScanNet benchmark files hold it: a label id, a confidence and a point mask.
public struct BenchmarkMask: Sendable, Equatable {
    /// Label id of the class catalog (ScanNet's raw ids for ScanNet200).
    public var labelID: Int
    /// Confidence; higher is better.
    public var score: Double
    /// Point indices in the mask, each in `0..<N`.
    public var points: [Int32]

    public init(labelID: Int, score: Double, points: [Int32]) {
        self.labelID = labelID
        self.score = score
        self.points = points
    }
}

/// Writes one scene's predictions in the ScanNet benchmark format read by `ovseg3r eval`, shared by every
/// producer of 3D instances (`predict` of a trained model, `fuse` of lifted 2D masks):
/// - `OUT/<scene>.txt`: lines `pred_mask/<scene>_<k>.txt <label id> <score>` (score with 6 decimals);
/// - `OUT/pred_mask/<scene>_<k>.txt`: one `0`/`1` line per point;
/// - `OUT/npy/<scene>_{masks,scores,labels}.npy`: u8 `[P, N]`, f32 `[P]`, i32 `[P]`.
/// Every file goes through a temporary sibling renamed into place.
public enum BenchmarkPredictionWriter {
    /// Writes `masks` (in the given order, k = 0, 1, …) for a scene of `n` points, creating the folders.
    public static func write(_ masks: [BenchmarkMask], scene: String, pointCount n: Int, to out: URL) throws(SceneIOError) {
        for folder in ["pred_mask", "npy"] {
            try VideoFolderWriter.makeDirectory(out.appendingPathComponent(folder))
        }
        var lines: [String] = []
        var dense = [UInt8](repeating: 0, count: masks.count * n)
        for (k, mask) in masks.enumerated() {
            var bits = [UInt8](repeating: 0x30, count: 2 * n)
            for i in 0..<n { bits[2 * i + 1] = 0x0A }
            for p in mask.points {
                guard p >= 0, Int(p) < n else {
                    throw .unwritable(url: out.appendingPathComponent("pred_mask/\(scene)_\(k).txt"),
                                      reason: "point index \(p) outside 0..<\(n)")
                }
                bits[2 * Int(p)] = 0x31
                dense[k * n + Int(p)] = 1
            }
            let relative = "pred_mask/\(scene)_\(k).txt"
            try AtomicFile.write(Data(bits), to: out.appendingPathComponent(relative))
            lines.append("\(relative) \(mask.labelID) \(String(format: "%.6f", mask.score))")
        }
        try AtomicFile.write(Data(lines.map { $0 + "\n" }.joined().utf8), to: out.appendingPathComponent(scene + ".txt"))
        let npy = out.appendingPathComponent("npy")
        try Npy.write(dense, shape: [masks.count, n], to: npy.appendingPathComponent(scene + "_masks.npy"))
        try Npy.write(masks.map { Float($0.score) }, shape: [masks.count], to: npy.appendingPathComponent(scene + "_scores.npy"))
        try Npy.write(masks.map { Int32($0.labelID) }, shape: [masks.count], to: npy.appendingPathComponent(scene + "_labels.npy"))
    }
}
