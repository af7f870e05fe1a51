import Foundation
import Geometry
import SceneIO
import Support

/// Options of `MeshTransfer`: how far a mesh vertex may be from the reconstructed point it takes its prediction from.
public struct MeshTransferOptions: Sendable {
    /// A vertex takes the prediction of its nearest scene point when that point is at most this far (metres).
    public var radius: Float = 0.05
    /// Refuse the mesh (not aligned with the scene) when more than this share of its vertices has no point within
    /// `radius`.
    public var maxUnmatchedShare = 0.5
    /// Threads for the nearest-point queries.
    public var threads = ProcessInfo.processInfo.activeProcessorCount

    public init(radius: Float = 0.05, maxUnmatchedShare: Double = 0.5) {
        self.radius = radius
        self.maxUnmatchedShare = maxUnmatchedShare
    }
}

/// The correspondence of mesh vertices to scene points, and what it says about coverage.
public struct MeshTransferResult: Sendable {
    /// [V] the nearest scene point of each vertex within the radius, −1 = none.
    public var pointOfVertex: [Int32]
    /// Vertices with no scene point within the radius (they take no prediction).
    public var unmatchedCount: Int
    /// Median distance (metres) from a vertex to its nearest scene point, over all vertices.
    public var medianDistance: Float

    public var vertexCount: Int { pointOfVertex.count }
    /// Share of vertices that take no prediction; lower is better.
    public var unmatchedShare: Double { vertexCount == 0 ? 0 : Double(unmatchedCount) / Double(vertexCount) }

    /// The masks over scene points carried onto the vertices: a vertex is in a mask when its point is.
    public func transfer(_ masks: [BenchmarkMask], pointCount: Int) -> [BenchmarkMask] {
        var verticesOfPoint = [[Int32]](repeating: [], count: pointCount)
        for (v, p) in pointOfVertex.enumerated() where p >= 0 && Int(p) < pointCount {
            verticesOfPoint[Int(p)].append(Int32(v))
        }
        return masks.map { mask in
            var vertices: [Int32] = []
            for p in mask.points where p >= 0 && Int(p) < pointCount { vertices += verticesOfPoint[Int(p)] }
            vertices.sort()
            return BenchmarkMask(labelID: mask.labelID, score: mask.score, points: vertices)
        }
    }
}

/// Predictions on reconstructed points → predictions on the vertices of a mesh in the same frame (e.g. ScanNet's
/// `_vh_clean_2.ply`: `.sens` camera poses are in that mesh's frame, so a scene reconstructed from a `.sens` with its
/// poses is aligned with it).
public enum MeshTransfer {
    /// Finds each vertex's nearest scene point; throws when the mesh is not aligned (more than
    /// `maxUnmatchedShare` of its vertices farther than `radius`), naming `meshURL`.
    public static func match(vertices: [SIMD3<Float>], points: [SIMD3<Float>], options: MeshTransferOptions,
                             meshURL: URL, sceneURL: URL) throws(EvalError) -> MeshTransferResult {
        let tree: KDTree
        do { tree = try KDTree(points: points) } catch {
            throw .unreadable(url: sceneURL, reason: "cannot index the scene's points: \(error)")
        }
        let n = vertices.count
        let chunks = max(1, min(options.threads * 4, n / 2048 + 1))
        let store = IndexedResults<([Int32], [Float])>(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let range = (c * n / chunks)..<((c + 1) * n / chunks)
            var nearest = [Int32](), distances = [Float]()
            nearest.reserveCapacity(range.count)
            distances.reserveCapacity(range.count)
            let r2 = options.radius * options.radius
            for v in range {
                guard let hit = tree.knn(of: vertices[v], k: 1).first else {
                    nearest.append(-1); distances.append(.infinity); continue
                }
                nearest.append(hit.squaredDistance <= r2 ? Int32(hit.index) : -1)
                distances.append(hit.squaredDistance.squareRoot())
            }
            store.set(c, (nearest, distances))
        }
        // Joined in chunk order, so the output does not depend on scheduling.
        let parts = store.values.map { $0 ?? ([], []) }
        let (pointOfVertex, distances) = (parts.flatMap(\.0), parts.flatMap(\.1))
        let unmatched = pointOfVertex.lazy.filter { $0 < 0 }.count
        let sorted = distances.sorted()
        let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        let result = MeshTransferResult(pointOfVertex: pointOfVertex, unmatchedCount: unmatched, medianDistance: median)
        if n > 0, result.unmatchedShare > options.maxUnmatchedShare {
            throw .unreadable(url: meshURL, reason: String(
                format: "not aligned with the scene %@: %.1f %% of its %d vertices have no scene point within %.3f m "
                    + "(median distance %.3f m; the limit is %.1f %%). The mesh and the scene must share one frame "
                    + "(a scene reconstructed from the scan's .sens with its poses is in the mesh's frame).",
                sceneURL.path, 100 * result.unmatchedShare, n, Double(options.radius), Double(median),
                100 * options.maxUnmatchedShare))
        }
        return result
    }
}
