// Row-wise softmax, log-softmax and layer normalisation over the last axis.

extension Tensor {
    /// (rows, columns) when the last axis is a row.
    var rowsAndColumns: (Int, Int) {
        let c = shape.last ?? 1
        return (c == 0 ? 0 : count / c, c)
    }
}

/// Softmax of each row of `x` into `y` (max-subtracted for stability).
@inline(__always)
func softmaxRows<T: TensorScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, rows: Int, cols: Int) {
    for r in 0..<rows {
        let xr = x + r * cols, yr = y + r * cols
        var m = -T.infinity
        for j in 0..<cols { m = Swift.max(m, xr[j]) }
        for j in 0..<cols { yr[j] = T.fastExp(xr[j] - m) }
        let inv = 1 / sumOf(yr, cols)
        for j in 0..<cols { yr[j] *= inv }
    }
}

extension Var {
    /// Softmax over the last axis. Shape unchanged.
    public func softmax() -> Var {
        let x = value
        let (rows, cols) = x.rowsAndColumns
        let y = Tensor(uninitialized: x.shape, dtype: x.dtype)
        dispatch(x.dtype, { softmaxRows(x.pointer(Float.self), y.pointer(Float.self), rows: rows, cols: cols) },
                 { softmaxRows(x.pointer(Double.self), y.pointer(Double.self), rows: rows, cols: cols) })
        let ix = id
        // y_j = e^{x_j}/Σe^{x_k}  ⇒  ∂y_j/∂x_i = y_j(δ_ij − y_i)  ⇒  dx_i = y_i (g_i − Σ_j g_j y_j).
        return tape.record(y, inputs: [self]) { g, t in
            let dx = Tensor(uninitialized: x.shape, dtype: x.dtype)
            func back<T: TensorScalar>(_: T.Type) {
                let gp = g.pointer(T.self), yp = y.pointer(T.self), d = dx.pointer(T.self)
                for r in 0..<rows {
                    let o = r * cols
                    let dot = dotOf(gp + o, yp + o, cols)
                    for j in 0..<cols { d[o + j] = yp[o + j] * (gp[o + j] - dot) }
                }
            }
            dispatch(x.dtype, { back(Float.self) }, { back(Double.self) })
            t.accumulate(ix, dx)
        }
    }

    /// log(softmax(x)) over the last axis, computed as x − logΣeˣ. Shape unchanged.
    public func logSoftmax() -> Var {
        let x = value
        let (rows, cols) = x.rowsAndColumns
        let y = Tensor(uninitialized: x.shape, dtype: x.dtype)
        func fwd<T: TensorScalar>(_: T.Type) {
            let xp = x.pointer(T.self), yp = y.pointer(T.self)
            for r in 0..<rows {
                let o = r * cols
                var m = -T.infinity
                for j in 0..<cols { m = Swift.max(m, xp[o + j]) }
                var s: T = 0
                for j in 0..<cols { s += T.exp(xp[o + j] - m) }
                let lse = m + T.log(s)
                for j in 0..<cols { yp[o + j] = xp[o + j] - lse }
            }
        }
        dispatch(x.dtype, { fwd(Float.self) }, { fwd(Double.self) })
        let ix = id
        // y_j = x_j − lse(x), ∂lse/∂x_i = softmax_i = e^{y_i}  ⇒  dx_i = g_i − e^{y_i} Σ_j g_j.
        return tape.record(y, inputs: [self]) { g, t in
            let dx = Tensor(uninitialized: x.shape, dtype: x.dtype)
            func back<T: TensorScalar>(_: T.Type) {
                let gp = g.pointer(T.self), yp = y.pointer(T.self), d = dx.pointer(T.self)
                for r in 0..<rows {
                    let o = r * cols
                    let s = sumOf(gp + o, cols)
                    for j in 0..<cols { d[o + j] = gp[o + j] - T.exp(yp[o + j]) * s }
                }
            }
            dispatch(x.dtype, { back(Float.self) }, { back(Double.self) })
            t.accumulate(ix, dx)
        }
    }

    /// Layer normalisation over the last axis with affine `gamma`, `beta` (both `[C]`): `(x − μ)/√(σ² + eps)·γ + β`,
    /// σ² the biased variance, as `torch.nn.LayerNorm`. Shape `[…, C]` unchanged.
    public func layerNorm(gamma: Var, beta: Var, eps: Double = 1e-5) -> Var {
        let x = value, gv = gamma.value, bv = beta.value
        let (rows, cols) = x.rowsAndColumns
        precondition(gv.shape == [cols] && bv.shape == [cols],
                     "layerNorm: gamma \(gv.shape) and beta \(bv.shape) must be [\(cols)] for input \(x.shape)")
        let y = Tensor(uninitialized: x.shape, dtype: x.dtype)
        let xhat = Tensor(uninitialized: x.shape, dtype: x.dtype)
        let invStd = Tensor(uninitialized: [rows], dtype: x.dtype)
        func fwd<T: TensorScalar>(_: T.Type) {
            let xp = x.pointer(T.self), yp = y.pointer(T.self), hp = xhat.pointer(T.self), sp = invStd.pointer(T.self)
            let gp = gv.pointer(T.self), bp = bv.pointer(T.self)
            let invC = 1 / T(cols)
            for r in 0..<rows {
                let o = r * cols
                let mean = sumOf(xp + o, cols) * invC
                let v = squaredDeviationOf(xp + o, mean, cols)
                let inv = 1 / (v * invC + T(eps)).squareRoot()
                sp[r] = inv
                for j in 0..<cols {
                    let h = (xp[o + j] - mean) * inv
                    hp[o + j] = h
                    yp[o + j] = h * gp[j] + bp[j]
                }
            }
        }
        dispatch(x.dtype, { fwd(Float.self) }, { fwd(Double.self) })
        let ix = id, ig = gamma.id, ib = beta.id
        // x̂ = (x − μ)·s with s = 1/√(σ² + eps), y = γx̂ + β. With h = g·γ (gradient at x̂):
        //   dγ = Σ_rows g·x̂,  dβ = Σ_rows g,
        //   dx = s·(h − mean(h) − x̂·mean(h·x̂))   (μ and σ² both depend on every x in the row).
        return tape.record(y, inputs: [self, gamma, beta]) { g, t in
            let dx = Tensor(uninitialized: x.shape, dtype: x.dtype)
            let dGamma = Tensor.zeros([cols], dtype: x.dtype), dBeta = Tensor.zeros([cols], dtype: x.dtype)
            func back<T: TensorScalar>(_: T.Type) {
                let gp = g.pointer(T.self), hp = xhat.pointer(T.self), sp = invStd.pointer(T.self)
                let gam = gv.pointer(T.self), d = dx.pointer(T.self)
                let dg = dGamma.pointer(T.self), db = dBeta.pointer(T.self)
                let invC = 1 / T(cols)
                for r in 0..<rows {
                    let o = r * cols
                    for j in 0..<cols {
                        dg[j] += gp[o + j] * hp[o + j]
                        db[j] += gp[o + j]
                    }
                    // h = g·γ is formed in `d` first, then overwritten by dx.
                    for j in 0..<cols { d[o + j] = gp[o + j] * gam[j] }
                    let mh = sumOf(d + o, cols) * invC
                    let mhx = dotOf(d + o, hp + o, cols) * invC
                    let s = sp[r]
                    for j in 0..<cols { d[o + j] = s * (d[o + j] - mh - hp[o + j] * mhx) }
                }
            }
            dispatch(x.dtype, { back(Float.self) }, { back(Double.self) })
            t.accumulate(ix, dx)
            t.accumulate(ig, dGamma)
            t.accumulate(ib, dBeta)
        }
    }
}
