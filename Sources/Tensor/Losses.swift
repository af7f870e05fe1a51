// Training losses, each returning a scalar `Var` with the reduction PyTorch uses by default.

extension Var {
    /// Mean binary cross-entropy between `sigmoid(self)` and `targets` (same shape, values in [0, 1]), as
    /// `F.binary_cross_entropy_with_logits(x, t)`. Evaluated as max(x,0) − x·t + log(1 + e^{−|x|}) so it
    /// never overflows.
    public func binaryCrossEntropyWithLogits(targets: Tensor) -> Var {
        let x = value
        precondition(targets.shape == x.shape, "binaryCrossEntropyWithLogits: targets \(targets.shape) vs logits \(x.shape)")
        let t = targets.converted(to: x.dtype)
        let n = Double(Swift.max(x.count, 1))
        func fwd<T: TensorScalar>(_: T.Type) -> Double {
            let xp = x.pointer(T.self), tp = t.pointer(T.self)
            var acc = 0.0
            for i in 0..<x.count {
                let v = xp[i]
                acc += Double(Swift.max(v, 0) - v * tp[i] + T.log(1 + T.exp(-Swift.abs(v))))
            }
            return acc / n
        }
        let loss = dispatch(x.dtype, { fwd(Float.self) }, { fwd(Double.self) })
        let ix = id
        // ∂/∂x [max(x,0) − x·t + log(1+e^{−|x|})] = σ(x) − t; the mean divides by n.
        return tape.record(Tensor(scalar: loss, dtype: x.dtype), inputs: [self]) { g, tp in
            let scale = g.scalar / n
            func back<T: TensorScalar>(_: T.Type) -> Tensor {
                x.zipMap(t, T.self) { v, y in (stableSigmoid(v) - y) * T(scale) }
            }
            tp.accumulate(ix, dispatch(x.dtype, { back(Float.self) }, { back(Double.self) }))
        }
    }

    /// Dice loss on `sigmoid(self)` per row of the last axis, averaged over rows:
    /// `1 − (2Σ p·t + 1)/(Σ p + Σ t + 1)` (the mask loss of Mask3D / OneFormer3D / SegDINO3D). Shape `[R, S]` or `[S]`.
    public func diceLoss(targets: Tensor) -> Var {
        let x = value
        precondition(targets.shape == x.shape, "diceLoss: targets \(targets.shape) vs logits \(x.shape)")
        let t = targets.converted(to: x.dtype)
        let (rows, cols) = x.rowsAndColumns
        var nums = [Double](repeating: 0, count: rows), dens = [Double](repeating: 0, count: rows)
        func fwd<T: TensorScalar>(_: T.Type) -> Double {
            let xp = x.pointer(T.self), tp = t.pointer(T.self)
            var total = 0.0
            for r in 0..<rows {
                var pt = 0.0, ps = 0.0, ts = 0.0
                for j in (r * cols)..<((r + 1) * cols) {
                    let p = Double(stableSigmoid(xp[j]))
                    pt += p * Double(tp[j]); ps += p; ts += Double(tp[j])
                }
                nums[r] = 2 * pt + 1
                dens[r] = ps + ts + 1
                total += 1 - nums[r] / dens[r]
            }
            return total / Double(Swift.max(rows, 1))
        }
        let loss = dispatch(x.dtype, { fwd(Float.self) }, { fwd(Double.self) })
        let ix = id
        // l_r = 1 − N/D with N = 2Σp·t + 1, D = Σp + Σt + 1  ⇒  ∂l_r/∂p_j = −(2t_j·D − N)/D²,
        // and ∂p/∂x = p(1 − p); the mean over rows divides by R.
        return tape.record(Tensor(scalar: loss, dtype: x.dtype), inputs: [self]) { g, tp in
            let dx = Tensor(uninitialized: x.shape, dtype: x.dtype)
            let scale = g.scalar / Double(Swift.max(rows, 1))
            func back<T: TensorScalar>(_: T.Type) {
                let xp = x.pointer(T.self), tt = t.pointer(T.self), d = dx.pointer(T.self)
                for r in 0..<rows {
                    let nD = nums[r], dD = dens[r]
                    for j in (r * cols)..<((r + 1) * cols) {
                        let p = Double(stableSigmoid(xp[j]))
                        d[j] = T(-(2 * Double(tt[j]) * dD - nD) / (dD * dD) * p * (1 - p) * scale)
                    }
                }
            }
            dispatch(x.dtype, { back(Float.self) }, { back(Double.self) })
            tp.accumulate(ix, dx)
        }
    }

    /// Cross-entropy of logits `[N, K]` against class `labels [N]`, as `F.cross_entropy(x, y, weight: w,
    /// ignore_index: i)`: Σ_i w_{y_i}·(−log softmax(x_i)_{y_i}) / Σ_i w_{y_i} over rows whose label is not
    /// `ignoreIndex`. `classWeights` (length K) defaults to all ones. If every row is ignored the loss is 0
    /// (PyTorch returns NaN there).
    public func crossEntropy(labels: [Int32], classWeights: [Double]? = nil, ignoreIndex: Int32 = -100) -> Var {
        let x = value
        precondition(x.rank == 2 && x.shape[0] == labels.count, "crossEntropy: logits \(x.shape) vs \(labels.count) labels")
        let k = x.shape[1]
        let w = classWeights ?? [Double](repeating: 1, count: k)
        precondition(w.count == k, "crossEntropy: \(w.count) class weights for \(k) classes")
        for y in labels where y != ignoreIndex {
            precondition(y >= 0 && Int(y) < k, "crossEntropy: label \(y) out of range 0..<\(k)")
        }
        let logp = Tensor(uninitialized: x.shape, dtype: x.dtype)
        var weightSum = 0.0
        func fwd<T: TensorScalar>(_: T.Type) -> Double {
            let xp = x.pointer(T.self), lp = logp.pointer(T.self)
            var acc = 0.0
            for (i, y) in labels.enumerated() {
                let row = xp + i * k, out = lp + i * k
                var m = -T.infinity
                for j in 0..<k { m = Swift.max(m, row[j]) }
                var s: T = 0
                for j in 0..<k { s += T.exp(row[j] - m) }
                let lse = m + T.log(s)
                for j in 0..<k { out[j] = row[j] - lse }
                if y != ignoreIndex {
                    acc -= w[Int(y)] * Double(out[Int(y)])
                    weightSum += w[Int(y)]
                }
            }
            return weightSum > 0 ? acc / weightSum : 0
        }
        let loss = dispatch(x.dtype, { fwd(Float.self) }, { fwd(Double.self) })
        let ix = id, total = weightSum
        // −log softmax(x)_y = lse(x) − x_y  ⇒  ∂/∂x_j = softmax_j − δ_{jy}; each row is weighted by w_y / Σw.
        return tape.record(Tensor(scalar: loss, dtype: x.dtype), inputs: [self]) { g, tp in
            let dx = Tensor.zeros(x.shape, dtype: x.dtype)
            guard total > 0 else { tp.accumulate(ix, dx); return }
            func back<T: TensorScalar>(_: T.Type) {
                let lp = logp.pointer(T.self), d = dx.pointer(T.self)
                for (i, y) in labels.enumerated() where y != ignoreIndex {
                    let f = T(g.scalar * w[Int(y)] / total)
                    for j in 0..<k { d[i * k + j] = f * T.exp(lp[i * k + j]) }
                    d[i * k + Int(y)] -= f
                }
            }
            dispatch(x.dtype, { back(Float.self) }, { back(Double.self) })
            tp.accumulate(ix, dx)
        }
    }

    /// Mean absolute difference `mean(|self − target|)` (`F.l1_loss`); shapes broadcast.
    public func l1Loss(_ target: Var) -> Var { (self - target).abs().mean() }
}
