import Geometry
@testable import IBSp

/// A naive Felzenszwalb written independently of the library: components as explicit member lists, relabelled
/// on every merge, edges sorted by (weight, index) with the standard library's sort. O(N·E) but obviously
/// faithful to the documented steps.
func referenceSegmentation(_ graph: SegmentGraph, kThresh: Float, minSize: Int) -> [Int] {
    let order = graph.w.indices.sorted { (graph.w[$0], $0) < (graph.w[$1], $1) }
    var component = Array(0..<graph.vertexCount)
    var members = (0..<graph.vertexCount).map { [$0] }
    var threshold = [Float](repeating: kThresh, count: graph.vertexCount)
    func merge(_ x: Int, into y: Int) {
        for v in members[x] { component[v] = y }
        members[y] += members[x]
        members[x] = []
    }
    for e in order {
        let ca = component[Int(graph.a[e])], cb = component[Int(graph.b[e])]
        guard ca != cb, graph.w[e] <= threshold[ca], graph.w[e] <= threshold[cb] else { continue }
        merge(cb, into: ca)
        threshold[ca] = graph.w[e] + kThresh / Float(members[ca].count)
    }
    for e in order {
        let ca = component[Int(graph.a[e])], cb = component[Int(graph.b[e])]
        if ca != cb, members[ca].count < minSize || members[cb].count < minSize { merge(cb, into: ca) }
    }
    return component
}

/// Whether two labellings induce the same partition (equal up to relabelling).
func samePartition<A: Hashable, B: Hashable>(_ x: [A], _ y: [B]) -> Bool {
    guard x.count == y.count else { return false }
    var forward: [A: B] = [:], backward: [B: A] = [:]
    for (a, b) in zip(x, y) {
        if let seen = forward[a], seen != b { return false }
        if let seen = backward[b], seen != a { return false }
        forward[a] = b
        backward[b] = a
    }
    return true
}

/// A triangulated grid of `(nx+1)·(ny+1)` vertices over [0, nx·step] × [0, ny·step], lifted by `height`.
/// Vertex (i, j) has index j·(nx+1) + i; each cell gives two triangles, counter-clockwise seen from +z.
func gridMesh(nx: Int, ny: Int, step: Float, height: (Float, Float) -> Float = { _, _ in 0 })
    -> (positions: [SIMD3<Float>], faces: [Int32]) {
    var positions: [SIMD3<Float>] = []
    for j in 0...ny {
        for i in 0...nx {
            let x = Float(i) * step, y = Float(j) * step
            positions.append(SIMD3(x, y, height(x, y)))
        }
    }
    var faces: [Int32] = []
    for j in 0..<ny {
        for i in 0..<nx {
            let v00 = Int32(j * (nx + 1) + i), v10 = v00 + 1, v01 = v00 + Int32(nx + 1), v11 = v01 + 1
            faces += [v00, v10, v11, v00, v11, v01]
        }
    }
    return (positions, faces)
}

/// Two perpendicular quads sharing the edge x = 0: a floor in z = 0 (x ∈ [0, n·step]) and a wall in x = 0
/// (z ∈ [0, n·step]), each an n × n triangulated grid; shared-edge vertices appear once.
/// - Returns: the mesh and, per vertex, 0 for floor-only, 1 for wall-only, 2 for the shared crease.
func perpendicularQuads(n: Int, step: Float) -> (positions: [SIMD3<Float>], faces: [Int32], side: [Int]) {
    var positions: [SIMD3<Float>] = [], side: [Int] = []
    var index: [SIMD3<Int>: Int32] = [:]
    func vertex(_ key: SIMD3<Int>) -> Int32 {
        if let i = index[key] { return i }
        let i = Int32(positions.count)
        index[key] = i
        positions.append(SIMD3<Float>(key) * step)
        side.append(key.x == 0 ? (key.z == 0 ? 2 : 1) : 0)
        return i
    }
    var faces: [Int32] = []
    for a in 0..<n {
        for b in 0..<n {
            // Floor: (x = a, y = b, z = 0); wall: (x = 0, y = b, z = a).
            let f00 = vertex(SIMD3(a, b, 0)), f10 = vertex(SIMD3(a + 1, b, 0))
            let f01 = vertex(SIMD3(a, b + 1, 0)), f11 = vertex(SIMD3(a + 1, b + 1, 0))
            faces += [f00, f10, f11, f00, f11, f01]
            let w00 = vertex(SIMD3(0, b, a)), w10 = vertex(SIMD3(0, b, a + 1))
            let w01 = vertex(SIMD3(0, b + 1, a)), w11 = vertex(SIMD3(0, b + 1, a + 1))
            faces += [w00, w01, w11, w00, w11, w10]
        }
    }
    return (positions, faces, side)
}

/// A random graph of `n` vertices, `e` edges with weights from a small set (to force ties) or continuous.
func randomGraph(n: Int, e: Int, ties: Bool, rng: inout SeededGenerator) -> SegmentGraph {
    var g = SegmentGraph(vertexCount: n)
    for _ in 0..<e {
        let a = rng.nextIndex(below: n)
        var b = rng.nextIndex(below: n)
        if b == a { b = (a + 1) % n }
        g.a.append(Int32(a))
        g.b.append(Int32(b))
        g.w.append(ties ? Float(rng.nextIndex(below: 4)) * 0.004 : Float(rng.nextUnitDouble() * 0.05))
    }
    return g
}
