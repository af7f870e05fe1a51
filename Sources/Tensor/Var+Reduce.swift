// Reductions over axes: sum, mean, max.

/// Resolves a possibly negative axis against `rank` (−1 is the last axis).
func normalizeAxis(_ axis: Int, rank: Int, op: String) -> Int {
    let a = axis < 0 ? axis + rank : axis
    precondition(a >= 0 && a < rank, "\(op): axis \(axis) out of range for rank \(rank)")
    return a
}

extension Var {
    /// Sum over `axes` (all axes if nil). With `keepDims` the reduced axes stay as extent 1.
    /// Shape: `[d0, …, dn]` → the same without (or with 1 at) the reduced axes.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Var {
        let x = value
        let reduced = Set((axes ?? Array(0..<x.rank)).map { normalizeAxis($0, rank: x.rank, op: "sum") })
        let keepShape = x.shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        let outShape = keepDims ? keepShape : x.shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
        let summed = x.summed(toShape: keepShape)
        let out = Tensor(shape: outShape, storage: summed.storage, offset: summed.offset)
        let ix = id
        // y = Σ_axes x  ⇒  ∂y/∂x = 1 at every summed position: dx = g broadcast back over the axes.
        return tape.record(out, inputs: [self]) { g, t in
            let gk = Tensor(shape: keepShape, storage: g.storage, offset: g.offset)
            t.accumulate(ix, gk.broadcast(to: x.shape))
        }
    }

    /// Mean over `axes` (all axes if nil); see `sum(axes:keepDims:)`.
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Var {
        let x = value
        let reduced = (axes ?? Array(0..<x.rank)).map { normalizeAxis($0, rank: x.rank, op: "mean") }
        let n = Set(reduced).reduce(1) { $0 * x.shape[$1] }
        return sum(axes: axes, keepDims: keepDims) * (1.0 / Double(Swift.max(n, 1)))
    }

    /// Maximum over one axis. Ties send the gradient to the first maximal element (like `torch.max(dim)`).
    public func max(axis: Int, keepDims: Bool = false) -> Var {
        let x = value
        let a = normalizeAxis(axis, rank: x.rank, op: "max")
        let outer = x.shape[..<a].reduce(1, *), n = x.shape[a], inner = x.shape[(a + 1)...].reduce(1, *)
        precondition(n > 0, "max: axis \(axis) of \(x.shape) is empty")
        var keepShape = x.shape
        keepShape[a] = 1
        var outShape = keepShape
        if !keepDims { outShape.remove(at: a) }
        let out = Tensor(uninitialized: outShape, dtype: x.dtype)
        var argmax = [Int32](repeating: 0, count: outer * inner)
        func run<T: TensorScalar>(_: T.Type) {
            let src = x.pointer(T.self), dst = out.pointer(T.self)
            for o in 0..<outer {
                for i in 0..<inner { dst[o * inner + i] = src[o * n * inner + i] }
                for k in 1..<Swift.max(n, 1) {
                    let row = src + (o * n + k) * inner
                    for i in 0..<inner where row[i] > dst[o * inner + i] {
                        dst[o * inner + i] = row[i]
                        argmax[o * inner + i] = Int32(k)
                    }
                }
            }
        }
        dispatch(x.dtype, { run(Float.self) }, { run(Double.self) })
        let ix = id
        // y = x[argmax]  ⇒  dx is g at the argmax position along the axis and 0 elsewhere.
        return tape.record(out, inputs: [self]) { g, t in
            let dx = Tensor.zeros(x.shape, dtype: x.dtype)
            func back<T: TensorScalar>(_: T.Type) {
                let gp = g.pointer(T.self), d = dx.pointer(T.self)
                for o in 0..<outer {
                    for i in 0..<inner {
                        d[(o * n + Int(argmax[o * inner + i])) * inner + i] = gp[o * inner + i]
                    }
                }
            }
            dispatch(x.dtype, { back(Float.self) }, { back(Double.self) })
            t.accumulate(ix, dx)
        }
    }
}
