import Foundation
import SceneIO
import TextEncoder
import Train

/// What `query` writes: `query.json` (this), `scene.ply` and `instance_<rank>.npy`.
struct QueryResult: Codable {
    struct Match: Codable {
        var rank: Int
        /// Class probability of the phrase × mask score, after matrix NMS; higher is better.
        var score: Double
        var points: Int
        /// Mean of the instance's points, metres.
        var center: [Double]
        /// Axis-aligned bounding box of the points, metres.
        var boxMin: [Double]
        var boxMax: [Double]
        /// `instance_<rank>.npy`, int32 [points], point indices into the scene's arrays, ascending.
        var indices: String
        /// The colour of this instance in scene.ply (0–255).
        var color: [Int]
    }

    var text: String
    var tokenIds: [Int]
    var onlyUnknownTokens: Bool
    var contrastPhrases: Int
    var minScore: Double
    var checkpoint: String
    var scene: String
    var ply: String
    var instances: [Match]
}

enum QueryOutput {
    /// Distinct, saturated colours for ranks 1, 2, …; the rest of the scene is drawn in grey.
    static let palette: [SIMD3<UInt8>] = [
        [230, 25, 75], [60, 180, 75], [0, 130, 200], [245, 130, 48], [145, 30, 180],
        [70, 240, 240], [240, 50, 230], [210, 245, 60], [250, 190, 212], [0, 128, 128],
    ]

    static func write(matches: [PredictedInstance], scene: TrainScene, text: String, tokens: TokenizedText, contrastCount: Int,
                      minScore: Double, checkpoint: String, sceneFolder: String, to folder: URL) throws -> QueryResult {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let n = scene.pointCount
        var positions = [SIMD3<Float>](repeating: .zero, count: n)
        var colors = [SIMD3<UInt8>](repeating: .zero, count: n)
        for i in 0..<n {
            positions[i] = SIMD3(scene.coords[i * 3], scene.coords[i * 3 + 1], scene.coords[i * 3 + 2])
            // Grey with a trace of the original colour, so that the room stays readable behind the matches.
            let g = (scene.colors[i * 3] + scene.colors[i * 3 + 1] + scene.colors[i * 3 + 2]) / 3
            colors[i] = SIMD3<UInt8>(repeating: UInt8(max(0, min(255, (0.25 + 0.5 * g) * 255))))
        }
        var rankOf = [Double](repeating: 0, count: n)
        var out: [QueryResult.Match] = []
        for (k, m) in matches.enumerated() {
            let color = palette[k % palette.count]
            var lo = [Double](repeating: .infinity, count: 3), hi = [Double](repeating: -.infinity, count: 3)
            var sum = [0.0, 0.0, 0.0]
            for p in m.points {
                let i = Int(p)
                colors[i] = color
                rankOf[i] = Double(k + 1)
                for a in 0..<3 {
                    let v = Double(scene.coords[i * 3 + a])
                    sum[a] += v; lo[a] = min(lo[a], v); hi[a] = max(hi[a], v)
                }
            }
            let count = max(m.points.count, 1)
            let name = "instance_\(k + 1).npy"
            try Npy.write(m.points, shape: [m.points.count], to: folder.appendingPathComponent(name))
            out.append(QueryResult.Match(rank: k + 1, score: m.score, points: m.points.count, center: sum.map { $0 / Double(count) },
                                         boxMin: lo, boxMax: hi, indices: name, color: [Int(color.x), Int(color.y), Int(color.z)]))
        }
        let mesh = PlyMesh(positions: positions, colors: colors,
                           scalars: [PlyScalarProperty(name: "match", type: .int, values: rankOf)],
                           comments: ["ovseg3r query \"\(text.replacingOccurrences(of: "\n", with: " "))\"; match = rank, 0 = none"])
        try Ply.write(mesh, to: folder.appendingPathComponent("scene.ply"))
        let result = QueryResult(text: text, tokenIds: tokens.ids.map(Int.init), onlyUnknownTokens: tokens.onlyUnknown,
                                 contrastPhrases: contrastCount, minScore: minScore, checkpoint: checkpoint, scene: sceneFolder,
                                 ply: folder.appendingPathComponent("scene.ply").path, instances: out)
        try AtomicFile.write(try encoded(result) + Data("\n".utf8), to: folder.appendingPathComponent("query.json"))
        return result
    }

    static func encoded(_ result: QueryResult) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(result)
    }
}
