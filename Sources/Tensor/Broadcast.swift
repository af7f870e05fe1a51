/// NumPy broadcasting: shapes are right-aligned and each axis pair must be equal or contain a 1.
/// Returns nil if the shapes do not broadcast.
func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
        let da = i < r - a.count ? 1 : a[i - (r - a.count)]
        let db = i < r - b.count ? 1 : b[i - (r - b.count)]
        if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
    }
    return out
}

/// Strides (in elements) that read a contiguous tensor of `shape` as if broadcast to `out`: 0 on broadcast axes.
func broadcastStrides(_ shape: [Int], to out: [Int]) -> [Int] {
    let own = Tensor.contiguousStrides(shape)
    let pad = out.count - shape.count
    return (0..<out.count).map { i in
        i < pad || shape[i - pad] == 1 ? 0 : own[i - pad]
    }
}

/// Iterates a multi-index over `sizes` for up to three strided operands, handing each innermost run to a body.
///
/// Axes of extent 1 are dropped and adjacent axes that are contiguous in every operand are merged, so equal
/// shapes become one flat run and a bias broadcast becomes rows of the bias length.
struct StridedLoop {
    private(set) var sizes: [Int] = []
    private(set) var strides: [[Int]] = [[], [], []]

    init(sizes: [Int], strides input: [[Int]]) {
        let ops = input + Array(repeating: [Int](repeating: 0, count: sizes.count), count: 3 - input.count)
        for d in 0..<sizes.count where sizes[d] != 1 {
            if let last = self.sizes.indices.last,
               (0..<3).allSatisfy({ strides[$0][last] == ops[$0][d] * sizes[d] }) {
                self.sizes[last] *= sizes[d]
                for o in 0..<3 { strides[o][last] = ops[o][d] }
            } else {
                self.sizes.append(sizes[d])
                for o in 0..<3 { strides[o].append(ops[o][d]) }
            }
        }
    }

    /// Calls `body(offset0, offset1, offset2, n, stride0, stride1, stride2)` once per innermost run.
    @inline(__always)
    func run(_ body: (Int, Int, Int, Int, Int, Int, Int) -> Void) {
        let r = sizes.count
        guard r > 0 else { body(0, 0, 0, 1, 0, 0, 0); return }
        if sizes.contains(0) { return }
        let n = sizes[r - 1]
        let s0 = strides[0][r - 1], s1 = strides[1][r - 1], s2 = strides[2][r - 1]
        var index = [Int](repeating: 0, count: r)
        var o0 = 0, o1 = 0, o2 = 0
        while true {
            body(o0, o1, o2, n, s0, s1, s2)
            var d = r - 2
            while d >= 0 {
                index[d] += 1
                o0 += strides[0][d]; o1 += strides[1][d]; o2 += strides[2][d]
                if index[d] < sizes[d] { break }
                o0 -= strides[0][d] * sizes[d]; o1 -= strides[1][d] * sizes[d]; o2 -= strides[2][d] * sizes[d]
                index[d] = 0
                d -= 1
            }
            if d < 0 { return }
        }
    }
}
