extension SegmentGraph {
    /// The ScanNet segmentator's mesh graph (reconstruction-notes §4.1), reproduced operation for operation.
    ///
    /// - Vertex normals: each face's unit normal `normalize((p2−p1)×(p3−p1))` is blended into its three
    ///   vertices as a running mean, `n ← lerp(n, n_face, 1/(count+1))`, and never renormalised.
    /// - Edges: three per face, (i1,i2), (i1,i3), (i3,i2), in face order; shared edges are not de-duplicated.
    /// - Weights: `scanNetEdgeWeight` (w = 1 − n_a·n_b, squared on convex creases).
    ///
    /// All arithmetic is Float in the C++ order, so weights are bit-identical to the tool's; a degenerate face
    /// gives NaN normals exactly as it does there.
    ///
    /// - Parameters:
    ///   - positions: `[N]` vertex positions (float32, as the segmentator reads them).
    ///   - faces: `[F·3]` triangle vertex indices.
    /// - Returns: the graph and the `[N]` vertex normals.
    public static func scanNetMesh(positions: [SIMD3<Float>], faces: [Int32]) throws(IBSpError)
        -> (graph: SegmentGraph, normals: [SIMD3<Float>]) {
        guard faces.count % 3 == 0 else {
            throw .invalidOption(name: "faces", value: "\(faces.count) indices", expected: "a multiple of 3")
        }
        let n = positions.count
        for v in faces where v < 0 || Int(v) >= n { throw .indexOutOfRange(field: "faces", index: Int(v), count: n) }
        let faceCount = faces.count / 3
        var normals = [SIMD3<Float>](repeating: .zero, count: n)
        var counts = [Int32](repeating: 0, count: n)
        var a = [Int32](repeating: 0, count: 3 * faceCount)
        var b = [Int32](repeating: 0, count: 3 * faceCount)
        for f in 0..<faceCount {
            let i1 = faces[3 * f], i2 = faces[3 * f + 1], i3 = faces[3 * f + 2]
            a[3 * f] = i1; b[3 * f] = i2
            a[3 * f + 1] = i1; b[3 * f + 1] = i3
            a[3 * f + 2] = i3; b[3 * f + 2] = i2
            let p1 = positions[Int(i1)], p2 = positions[Int(i2)], p3 = positions[Int(i3)]
            let faceNormal = unitCross(p2 - p1, p3 - p1)
            for i in [Int(i1), Int(i2), Int(i3)] {
                normals[i] = blend(normals[i], faceNormal, 1 / (Float(counts[i]) + 1))
                counts[i] += 1
            }
        }
        var w = [Float](repeating: 0, count: 3 * faceCount)
        for e in 0..<w.count {
            let i = Int(a[e]), j = Int(b[e])
            w[e] = scanNetEdgeWeight(pa: positions[i], pb: positions[j], na: normals[i], nb: normals[j])
        }
        return (SegmentGraph(vertexCount: n, a: a, b: b, w: w), normals)
    }

    /// `normalize(u × v)` in the segmentator's order (division by the norm, NaN for a zero vector).
    @inline(__always)
    static func unitCross(_ u: SIMD3<Float>, _ v: SIMD3<Float>) -> SIMD3<Float> {
        let cx = u.y * v.z - u.z * v.y, cy = u.z * v.x - u.x * v.z, cz = u.x * v.y - u.y * v.x
        let length = (cx * cx + cy * cy + cz * cz).squareRoot()
        return SIMD3(cx / length, cy / length, cz / length)
    }

    /// `v·b + (1−v)·a` per component, the segmentator's lerp.
    @inline(__always)
    static func blend(_ a: SIMD3<Float>, _ b: SIMD3<Float>, _ v: Float) -> SIMD3<Float> {
        let u: Float = 1 - v
        return SIMD3(v * b.x + u * a.x, v * b.y + u * a.y, v * b.z + u * a.z)
    }
}
