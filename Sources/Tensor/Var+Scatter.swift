// Segment pooling: scatter-mean and scatter-max of point features into superpoints.

extension Var {
    /// Mean of the rows of `[N, C]` features per segment: `segments [N]` ids in `0..<segmentCount` → `[S, C]`.
    /// Empty segments give 0 (as `torch_scatter.scatter_mean`).
    public func scatterMean(segments: [Int32], segmentCount s: Int) -> Var {
        let x = value
        precondition(x.rank == 2 && x.shape[0] == segments.count,
                     "scatterMean: features \(x.shape) need shape [\(segments.count), C]")
        var counts = [Int](repeating: 0, count: s)
        for id in segments {
            precondition(id >= 0 && Int(id) < s, "scatterMean: segment id \(id) out of range 0..<\(s)")
            counts[Int(id)] += 1
        }
        let inv = counts.map { $0 > 0 ? 1 / Double($0) : 0 }
        let c = x.shape[1]
        let out = x.scatterAddedRows(segments, count: s)
        func scale<T: TensorScalar>(_ t: Tensor, _: T.Type) {
            let p = t.pointer(T.self)
            for r in 0..<s { let f = T(inv[r]); for j in 0..<c { p[r * c + j] *= f } }
        }
        dispatch(x.dtype, { scale(out, Float.self) }, { scale(out, Double.self) })
        let ix = id
        // y_s = (1/n_s) Σ_{i∈s} x_i  ⇒  dx_i = g_{seg(i)} / n_{seg(i)}.
        return tape.record(out, inputs: [self]) { g, t in
            let gs = g.copy()
            dispatch(x.dtype, { scale(gs, Float.self) }, { scale(gs, Double.self) })
            t.accumulate(ix, gs.gatheredRows(segments))
        }
    }

    /// Channel-wise maximum of the rows of `[N, C]` features per segment → `[S, C]`. Empty segments give 0
    /// (as `torch_scatter.scatter_max`); ties send the gradient to the first row.
    public func scatterMax(segments: [Int32], segmentCount s: Int) -> Var {
        let x = value
        precondition(x.rank == 2 && x.shape[0] == segments.count,
                     "scatterMax: features \(x.shape) need shape [\(segments.count), C]")
        let c = x.shape[1]
        let out = Tensor.zeros([s, c], dtype: x.dtype)
        var argmax = [Int32](repeating: -1, count: s * c)
        func fwd<T: TensorScalar>(_: T.Type) {
            let xp = x.pointer(T.self), op = out.pointer(T.self)
            for (i, id) in segments.enumerated() {
                precondition(id >= 0 && Int(id) < s, "scatterMax: segment id \(id) out of range 0..<\(s)")
                let base = Int(id) * c
                for j in 0..<c where argmax[base + j] < 0 || xp[i * c + j] > op[base + j] {
                    op[base + j] = xp[i * c + j]
                    argmax[base + j] = Int32(i)
                }
            }
        }
        dispatch(x.dtype, { fwd(Float.self) }, { fwd(Double.self) })
        let ix = id
        // y_{s,j} = x_{a(s,j), j} with a the arg-max row  ⇒  dx_{a(s,j), j} += g_{s,j}, 0 elsewhere.
        return tape.record(out, inputs: [self]) { g, t in
            let dx = Tensor.zeros(x.shape, dtype: x.dtype)
            func back<T: TensorScalar>(_: T.Type) {
                let gp = g.pointer(T.self), d = dx.pointer(T.self)
                for k in 0..<(s * c) where argmax[k] >= 0 { d[Int(argmax[k]) * c + k % c] += gp[k] }
            }
            dispatch(x.dtype, { back(Float.self) }, { back(Double.self) })
            t.accumulate(ix, dx)
        }
    }
}
