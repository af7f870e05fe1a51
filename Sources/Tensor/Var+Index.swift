// Row gathering, masked fill and dropout.

extension Tensor {
    /// Rows `indices` of the first axis: `[N, …]` → `[indices.count, …]` (a copy).
    public func gatheredRows(_ indices: [Int32]) -> Tensor {
        precondition(rank >= 1, "gather: needs rank ≥ 1, got \(shape)")
        let n = shape[0], row = count / Swift.max(n, 1), es = dtype.byteSize
        let out = Tensor(uninitialized: [indices.count] + shape.dropFirst(), dtype: dtype)
        for (i, r) in indices.enumerated() {
            precondition(r >= 0 && Int(r) < n, "gather: index \(r) out of range 0..<\(n)")
            (out.storage.raw + i * row * es).copyMemory(from: storage.raw + (offset + Int(r) * row) * es, byteCount: row * es)
        }
        return out
    }

    /// `[count, …]` rows of zeros with row i of `self` added into row `indices[i]` (the adjoint of gathering).
    func scatterAddedRows(_ indices: [Int32], count n: Int) -> Tensor {
        let row = count / Swift.max(shape[0], 1)
        let out = Tensor.zeros([n] + shape.dropFirst(), dtype: dtype)
        func run<T: TensorScalar>(_: T.Type) {
            let s = pointer(T.self), d = out.pointer(T.self)
            for (i, r) in indices.enumerated() {
                let dr = d + Int(r) * row, sr = s + i * row
                for j in 0..<row { dr[j] += sr[j] }
            }
        }
        dispatch(dtype, { run(Float.self) }, { run(Double.self) })
        return out
    }
}

extension Var {
    /// Rows `indices` of the first axis (`index_select(0, …)`): `[N, …]` → `[indices.count, …]`.
    /// Repeated indices are allowed; their gradients add up.
    public func gatherRows(_ indices: [Int32]) -> Var {
        let x = value
        let out = x.gatheredRows(indices)
        let ix = id, n = x.shape[0]
        // y_i = x_{idx_i}  ⇒  dx_r = Σ_{i: idx_i = r} g_i (scatter-add).
        return tape.record(out, inputs: [self]) { g, t in t.accumulate(ix, g.scatterAddedRows(indices, count: n)) }
    }

    /// `value` wherever `mask` (broadcast to this shape) is non-zero, else the input.
    public func maskedFill(_ mask: Tensor, with fill: Double) -> Var {
        let x = value
        precondition(broadcastShape(x.shape, mask.shape) == x.shape,
                     "maskedFill: mask \(mask.shape) does not broadcast to \(x.shape)")
        let keep = mask.converted(to: x.dtype).broadcast(to: x.shape)
        func run<T: TensorScalar>(_: T.Type) -> (Tensor, Tensor) {
            let out = Tensor(uninitialized: x.shape, dtype: x.dtype), pass = Tensor(uninitialized: x.shape, dtype: x.dtype)
            let xp = x.pointer(T.self), mp = keep.pointer(T.self), op = out.pointer(T.self), pp = pass.pointer(T.self)
            for i in 0..<x.count {
                let filled = mp[i] != 0
                op[i] = filled ? T(fill) : xp[i]
                pp[i] = filled ? 0 : 1
            }
            return (out, pass)
        }
        let (out, pass) = dispatch(x.dtype, { run(Float.self) }, { run(Double.self) })
        let ix = id
        // Filled positions are constants: dx = g where the mask is 0, else 0.
        return tape.record(out, inputs: [self]) { g, t in t.accumulate(ix, Tensor.elementwise(g, pass, .mul)) }
    }

    /// Inverted dropout: zeroes each element with probability `p` and scales survivors by 1/(1−p).
    /// Identity when `training` is false or `p` is 0. The mask comes from `rng`, so a seed repeats it.
    public func dropout(_ p: Double, training: Bool = true, using rng: inout some RandomNumberGenerator) -> Var {
        guard training && p > 0 else { return self }
        precondition(p < 1, "dropout: p must be < 1, got \(p)")
        let mask = Tensor(uninitialized: value.shape, dtype: value.dtype)
        let scale = 1 / (1 - p)
        mask.fill { rng.nextUnitDouble() < p ? 0 : scale }
        return self * tape.constant(mask)
    }
}
