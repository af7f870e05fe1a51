import ArgumentParser
import Eval
import Foundation
import SceneIO

/// `ovseg3r transfer`: a prediction folder on reconstructed points → the same predictions on a mesh's vertices.
struct TransferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Carry predictions from a scene's points onto a mesh's vertices (e.g. ScanNet's _vh_clean_2.ply).",
        discussion: """
        Reads PRED/<scene>.txt (+ its masks), written by `ovseg3r predict` or `ovseg3r fuse` for the scene folder \
        --scene, and the scene's coord.npy. Each vertex of --mesh takes the prediction of its nearest scene point when \
        that point is within --mesh-radius metres; a vertex with no point that close is in no mask (its share is \
        reported: mesh parts the video never saw, or points removed by reconstruction). Writes OUT/<name>.txt, \
        OUT/pred_mask/ and OUT/npy/ in the ScanNet benchmark format over the mesh's vertices, so `ovseg3r eval \
        --pred OUT --gt GT` (GT from `ovseg3r import scannet-gt`) and ScanNet's evaluate_semantic_instance.py score it.

        Frames: the mesh and the scene must share one frame. A scene reconstructed from a ScanNet .sens keeps the \
        file's camera_to_world poses, which are in the frame of the scan's _vh_clean_2.ply mesh (not the \
        axis-aligned frame of <scene>.txt's axisAlignment), so they match. A mesh where more than --max-unmatched of \
        the vertices have no point within the radius is refused as not aligned, naming the file.
        """)

    @Option(help: "Prediction folder (ScanNet benchmark format over the scene's points).")
    var pred: String
    @Option(help: "The scene folder the predictions were made on (its coord.npy).")
    var scene: String
    @Option(help: "The mesh whose vertices receive the predictions (PLY).")
    var mesh: String
    @Option(help: "Output prediction folder.")
    var out: String
    @Option(help: "Scene name of the output files (default: the scene folder's name).")
    var name: String?
    @Option(help: "A vertex takes the prediction of its nearest scene point within this distance (metres).")
    var meshRadius: Float = 0.05
    @Option(help: "Refuse the mesh when more than this share of its vertices has no scene point within the radius.")
    var maxUnmatched = 0.5

    func validate() throws {
        guard meshRadius > 0, meshRadius.isFinite else { throw ValidationError("--mesh-radius must be > 0 (given \(meshRadius))") }
        guard (0...1).contains(maxUnmatched) else { throw ValidationError("--max-unmatched must be in 0...1 (given \(maxUnmatched))") }
    }

    func run() throws {
        let start = Date()
        do {
            let sceneURL = URL(fileURLWithPath: scene).standardizedFileURL
            let sceneName = sceneURL.lastPathComponent
            let predURL = URL(fileURLWithPath: pred)
            let meshURL = URL(fileURLWithPath: mesh)
            let coord = try SceneFolder(sceneURL).read(SceneArray.coord)
            let flat = try coord.floats()
            let points = (0..<(flat.count / 3)).map { SIMD3(flat[3 * $0], flat[3 * $0 + 1], flat[3 * $0 + 2]) }
            let entries = try PredictionFile.read(predURL.appendingPathComponent(sceneName + ".txt"), root: predURL)
            var masks: [BenchmarkMask] = []
            for entry in entries {
                let members = try FolderEvaluation.maskPoints(entry.mask, expectedCount: points.count)
                masks.append(BenchmarkMask(labelID: entry.labelID, score: entry.confidence, points: members))
            }
            let vertices = try Ply.read(meshURL).positions
            let readSeconds = Date().timeIntervalSince(start)
            let options = MeshTransferOptions(radius: meshRadius, maxUnmatchedShare: maxUnmatched)
            let result = try MeshTransfer.match(vertices: vertices, points: points, options: options,
                                                meshURL: meshURL, sceneURL: sceneURL)
            let moved = result.transfer(masks, pointCount: points.count)
            let matchSeconds = Date().timeIntervalSince(start) - readSeconds
            let outName = name ?? sceneName
            try BenchmarkPredictionWriter.write(moved, scene: outName, pointCount: vertices.count, to: URL(fileURLWithPath: out))
            print(String(format: "%@: %d masks from %d points onto %d vertices of %@; %d vertices (%.1f %%) took no prediction "
                         + "(no scene point within %.3f m; median vertex-point distance %.4f m) in %.2f s "
                         + "(read %.2f s, match + transfer %.2f s, write %.2f s)",
                         out, moved.count, points.count, vertices.count, mesh, result.unmatchedCount,
                         100 * result.unmatchedShare, Double(meshRadius), Double(result.medianDistance),
                         Date().timeIntervalSince(start), readSeconds, matchSeconds,
                         Date().timeIntervalSince(start) - readSeconds - matchSeconds))
        } catch {
            FileHandle.standardError.write(Data("ovseg3r transfer: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
