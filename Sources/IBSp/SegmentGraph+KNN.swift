import Dispatch
import Geometry

/// How a kNN point graph is built and weighted.
public struct KNNGraphOptions: Sendable, Equatable, Codable {
    /// Neighbours per point (the graph is the symmetric union of the kNN rows, each pair once).
    public var k: Int = 16
    /// Weight of the colour term added to the normal term: `w += colourWeight · ‖c_a − c_b‖ / (255·√3)`.
    /// 0 (default) gives the ScanNet segmentator's purely geometric weight.
    public var colourWeight: Float = 0

    public init(k: Int = 16, colourWeight: Float = 0) {
        self.k = k
        self.colourWeight = colourWeight
    }

    public func validate() throws(IBSpError) {
        guard (1...128).contains(k) else { throw .invalidOption(name: "k", value: "\(k)", expected: "1…128") }
        guard colourWeight.isFinite, colourWeight >= 0 else {
            throw .invalidOption(name: "colourWeight", value: "\(colourWeight)", expected: "a finite number ≥ 0")
        }
    }
}

extension SegmentGraph {
    /// A kNN graph over points with the ScanNet segmentator's normal weight (plus an optional colour term).
    ///
    /// Each unordered pair {i, j} that appears in either point's k nearest neighbours (exact, equal distances
    /// broken by the smaller index; `PointGrid`) is one edge, written from the smaller index (a < b) in order
    /// of (a, rank of b in a's row), so the edge list does not depend on thread scheduling.
    ///
    /// - Parameters:
    ///   - positions: `[N]` points in metres.
    ///   - normals: `[N]` unit normals (oriented consistently, e.g. towards the cameras, for the convexity test).
    ///   - colours: `[N]` 8-bit RGB, or empty (required when `options.colourWeight > 0`).
    public static func knn(positions: [SIMD3<Float>], normals: [SIMD3<Float>], colours: [SIMD3<UInt8>] = [],
                           options: KNNGraphOptions = KNNGraphOptions()) throws(IBSpError) -> SegmentGraph {
        try options.validate()
        let n = positions.count
        guard normals.count == n else { throw .sizeMismatch(field: "normals", expected: n, actual: normals.count) }
        if options.colourWeight > 0, colours.count != n {
            throw .sizeMismatch(field: "colours", expected: n, actual: colours.count)
        }
        guard n >= 2 else { return SegmentGraph(vertexCount: n) }
        if let bad = positions.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite) }) {
            throw .invalidOption(name: "positions[\(bad)]", value: "\(positions[bad])", expected: "finite coordinates")
        }
        guard n < Int(Int32.max) else { throw .invalidOption(name: "positions", value: "\(n) points", expected: "< 2³¹ − 1") }
        let rows = PointGrid(points: positions).knnGraph(k: options.k)
        let k = rows.k
        var graph = SegmentGraph(vertexCount: n)
        graph.a.reserveCapacity(n * k * 3 / 4)
        graph.b.reserveCapacity(n * k * 3 / 4)
        rows.neighbors.withUnsafeBufferPointer { nb in
            for i in 0..<n {
                for r in 0..<k {
                    let j = Int(nb[i * k + r])
                    guard j >= 0, j != i else { continue }
                    if j > i {
                        graph.a.append(Int32(i)); graph.b.append(Int32(j))
                    } else {
                        // j < i: emitted from j's row already when i is among j's neighbours.
                        var listed = false
                        for s in 0..<k where nb[j * k + s] == Int32(i) { listed = true; break }
                        if !listed { graph.a.append(Int32(j)); graph.b.append(Int32(i)) }
                    }
                }
            }
        }
        let scale = options.colourWeight / (255 * Float(3).squareRoot())
        let count = graph.a.count
        let ends = (a: graph.a, b: graph.b)
        var weights = [Float](repeating: 0, count: count)
        let hasColour = scale > 0
        weights.withUnsafeMutableBufferPointer { w in
            let out = SendableWeights(w: w)
            let chunk = 1 << 16
            DispatchQueue.concurrentPerform(iterations: (count + chunk - 1) / chunk) { c in
                for e in (c * chunk)..<min(count, (c + 1) * chunk) {
                    let i = Int(ends.a[e]), j = Int(ends.b[e])
                    var weight = scanNetEdgeWeight(pa: positions[i], pb: positions[j], na: normals[i], nb: normals[j])
                    if hasColour {
                        let d = SIMD3<Float>(colours[i]) - SIMD3<Float>(colours[j])
                        weight += scale * (d * d).sum().squareRoot()
                    }
                    out.w[e] = weight
                }
            }
        }
        graph.w = weights
        return graph
    }
}

/// The weight array filled by worker threads, each writing a disjoint range.
private struct SendableWeights: @unchecked Sendable {
    let w: UnsafeMutableBufferPointer<Float>
}
