// Fused multi-head scaled dot-product attention with per-head column blocks (no head split copies).

/// Which keys each query may attend to.
public enum AttentionMask: Sendable {
    /// Every query sees every key.
    case none
    /// `[Lq, Lk]` or `[H, Lq, Lk]`; a non-zero entry forbids that (query, key) pair (PyTorch's boolean
    /// `attn_mask` convention). A row that would forbid every key is lifted entirely (Mask3D-style decoders rely on this).
    case boolean(Tensor)
    /// `[Lq, Lk]` or `[H, Lq, Lk]`, added to the scaled scores; −∞ forbids. A row of all −∞ is lifted to 0.
    case additive(Tensor)
}

extension AttentionMask {
    /// The mask as additive values in `dtype`, shape `[Hm, Lq, Lk]` with Hm ∈ {1, heads}, fully masked rows lifted.
    func additiveValues(heads: Int, lq: Int, lk: Int, dtype: DType) -> (Tensor, Int)? {
        let source: Tensor
        let boolean: Bool
        switch self {
        case .none: return nil
        case .boolean(let m): source = m; boolean = true
        case .additive(let m): source = m; boolean = false
        }
        let hm = source.rank == 3 ? source.shape[0] : 1
        precondition((source.rank == 2 || (source.rank == 3 && (hm == heads || hm == 1))) && source.shape.suffix(2) == [lq, lk],
                     "attention: mask \(source.shape) must be [\(lq), \(lk)] or [\(heads), \(lq), \(lk)]")
        let src = source.converted(to: dtype)
        let out = Tensor(uninitialized: [hm, lq, lk], dtype: dtype)
        func run<T: TensorScalar>(_: T.Type) {
            let m = src.pointer(T.self), d = out.pointer(T.self)
            for r in 0..<(hm * lq) {
                let row = r * lk
                var allMasked = true
                for j in 0..<lk {
                    let v: T = boolean ? (m[row + j] != 0 ? -T.infinity : 0) : m[row + j]
                    d[row + j] = v
                    if v != -T.infinity { allMasked = false }
                }
                if allMasked { (d + row).update(repeating: 0, count: lk) }
            }
        }
        dispatch(dtype, { run(Float.self) }, { run(Double.self) })
        return (out, hm)
    }
}

extension Var {
    /// Multi-head attention `softmax(scale·Q_h K_hᵀ + mask)·V_h` for every head h, heads side by side.
    ///
    /// Shapes: `query [Lq, H·dk]`, `key [Lk, H·dk]`, `value [Lk, H·dv]` → `[Lq, H·dv]`; head h uses columns
    /// `h·dk..<(h+1)·dk` (PyTorch's head layout after the projections). `dk` and `dv` may differ, as in the
    /// conditional-DETR decoder whose q/k are content ‖ positional per head. `scale` defaults to 1/√dk.
    /// Heads run on `TensorThreads.workers` threads.
    public static func attention(query: Var, key: Var, value: Var, heads: Int,
                                 mask: AttentionMask = .none, scale: Double? = nil) -> Var {
        attention(query: query, key: key, value: value, heads: heads, mask: mask, scale: scale, queryBlock: nil)
    }

    /// `attention` processing `queryBlock` query rows at a time (default: a block of scores near 1 MiB of float32).
    /// Blocking bounds the backward scratch to one block per worker; its speed effect was within noise
    /// (`ovseg3r bench tensor --only blocks`, see BENCHMARKS.md).
    static func attention(query: Var, key: Var, value: Var, heads: Int, mask: AttentionMask, scale: Double?,
                          queryBlock: Int?) -> Var {
        let q = query.value, k = key.value, v = value.value
        precondition(q.rank == 2 && k.rank == 2 && v.rank == 2 && heads > 0, "attention: q, k, v must be rank 2")
        let lq = q.shape[0], lk = k.shape[0], qkw = q.shape[1], vw = v.shape[1]
        precondition(k.shape[1] == qkw && v.shape[0] == lk && qkw % heads == 0 && vw % heads == 0,
                     "attention: query \(q.shape), key \(k.shape), value \(v.shape) do not fit \(heads) heads")
        let dk = qkw / heads, dv = vw / heads
        let s = scale ?? 1 / Double(dk).squareRoot()
        let maskInfo = mask.additiveValues(heads: heads, lq: lq, lk: lk, dtype: q.dtype)
        let probs = Tensor(uninitialized: [heads, lq, lk], dtype: q.dtype)
        let out = Tensor(uninitialized: [lq, vw], dtype: q.dtype)
        let workers = Swift.min(TensorThreads.workers, heads)
        let bq = Swift.max(1, Swift.min(lq, queryBlock ?? 262_144 / Swift.max(lk, 1)))
        func fwd<T: TensorScalar>(_: T.Type) {
            let qa = Int(bitPattern: q.pointer(T.self)), ka = Int(bitPattern: k.pointer(T.self))
            let va = Int(bitPattern: v.pointer(T.self)), pa = Int(bitPattern: probs.pointer(T.self))
            let oa = Int(bitPattern: out.pointer(T.self))
            let ma = maskInfo.map { Int(bitPattern: $0.0.pointer(T.self)) }, perHeadMask = (maskInfo?.1 ?? 1) > 1
            parallelWorkers(workers) { w in
                guard let qp = UnsafeMutablePointer<T>(bitPattern: qa), let kp = UnsafeMutablePointer<T>(bitPattern: ka),
                      let vp = UnsafeMutablePointer<T>(bitPattern: va), let pp = UnsafeMutablePointer<T>(bitPattern: pa),
                      let op = UnsafeMutablePointer<T>(bitPattern: oa) else { return }
                for h in stride(from: w, to: heads, by: workers) {
                    for r0 in stride(from: 0, to: lq, by: bq) {
                        let rows = Swift.min(bq, lq - r0)
                        let ph = pp + h * lq * lk + r0 * lk
                        T.gemm(transA: false, transB: true, m: rows, n: lk, k: dk, alpha: T(s), a: qp + r0 * qkw + h * dk,
                               lda: qkw, b: kp + h * dk, ldb: qkw, beta: 0, c: ph, ldc: lk)
                        if let ma, let mp = UnsafeMutablePointer<T>(bitPattern: ma) {
                            let mh = mp + (perHeadMask ? h * lq * lk : 0) + r0 * lk
                            for i in 0..<(rows * lk) { ph[i] += mh[i] }
                        }
                        softmaxRows(ph, ph, rows: rows, cols: lk)
                        T.gemm(transA: false, transB: false, m: rows, n: dv, k: lk, alpha: 1, a: ph, lda: lk,
                               b: vp + h * dv, ldb: vw, beta: 0, c: op + r0 * vw + h * dv, ldc: vw)
                    }
                }
            }
        }
        dispatch(q.dtype, { fwd(Float.self) }, { fwd(Double.self) })
        let iq = query.id, ik = key.id, iv = value.id
        // Per head, with S = s·QKᵀ + M, P = softmax_rows(S), O = PV and G = ∂L/∂O:
        //   dV = Pᵀ G,  dP = G Vᵀ,  dS = P ⊙ (dP − rowsum(dP ⊙ P))  (softmax adjoint; masked entries have P = 0),
        //   dQ = s·dS K,  dK = s·dSᵀ Q.  The mask is a constant and gets no gradient.
        return query.tape.record(out, inputs: [query, key, value]) { g, t in
            // dK and dV sum over query blocks (gemm with beta = 1), so they start at zero.
            let dq = Tensor(uninitialized: q.shape, dtype: q.dtype), dk_ = Tensor.zeros(k.shape, dtype: k.dtype)
            let dvT = Tensor.zeros(v.shape, dtype: v.dtype)
            let scratch = Tensor(uninitialized: [workers, bq, lk], dtype: q.dtype)
            func back<T: TensorScalar>(_: T.Type) {
                let qa = Int(bitPattern: q.pointer(T.self)), ka = Int(bitPattern: k.pointer(T.self))
                let va = Int(bitPattern: v.pointer(T.self)), pa = Int(bitPattern: probs.pointer(T.self))
                let ga = Int(bitPattern: g.pointer(T.self)), sa = Int(bitPattern: scratch.pointer(T.self))
                let dqa = Int(bitPattern: dq.pointer(T.self)), dka = Int(bitPattern: dk_.pointer(T.self))
                let dva = Int(bitPattern: dvT.pointer(T.self))
                parallelWorkers(workers) { w in
                    guard let qp = UnsafeMutablePointer<T>(bitPattern: qa), let kp = UnsafeMutablePointer<T>(bitPattern: ka),
                          let vp = UnsafeMutablePointer<T>(bitPattern: va), let pp = UnsafeMutablePointer<T>(bitPattern: pa),
                          let gp = UnsafeMutablePointer<T>(bitPattern: ga), let sp0 = UnsafeMutablePointer<T>(bitPattern: sa),
                          let dqp = UnsafeMutablePointer<T>(bitPattern: dqa), let dkp = UnsafeMutablePointer<T>(bitPattern: dka),
                          let dvp = UnsafeMutablePointer<T>(bitPattern: dva) else { return }
                    let sp = sp0 + w * bq * lk
                    for h in stride(from: w, to: heads, by: workers) {
                        for r0 in stride(from: 0, to: lq, by: bq) {
                            let rows = Swift.min(bq, lq - r0)
                            let ph = pp + h * lq * lk + r0 * lk, gb = gp + r0 * vw + h * dv
                            T.gemm(transA: true, transB: false, m: lk, n: dv, k: rows, alpha: 1, a: ph, lda: lk,
                                   b: gb, ldb: vw, beta: 1, c: dvp + h * dv, ldc: vw)
                            T.gemm(transA: false, transB: true, m: rows, n: lk, k: dv, alpha: 1, a: gb, lda: vw,
                                   b: vp + h * dv, ldb: vw, beta: 0, c: sp, ldc: lk)
                            for r in 0..<rows {
                                let prow = ph + r * lk, srow = sp + r * lk
                                let dot = dotOf(prow, srow, lk)
                                for j in 0..<lk { srow[j] = prow[j] * (srow[j] - dot) }
                            }
                            T.gemm(transA: false, transB: false, m: rows, n: dk, k: lk, alpha: T(s), a: sp, lda: lk,
                                   b: kp + h * dk, ldb: qkw, beta: 0, c: dqp + r0 * qkw + h * dk, ldc: qkw)
                            T.gemm(transA: true, transB: false, m: lk, n: dk, k: rows, alpha: T(s), a: sp, lda: lk,
                                   b: qp + r0 * qkw + h * dk, ldb: qkw, beta: 1, c: dkp + h * dk, ldc: qkw)
                        }
                    }
                }
            }
            dispatch(q.dtype, { back(Float.self) }, { back(Double.self) })
            t.accumulate(iq, dq)
            t.accumulate(ik, dk_)
            t.accumulate(iv, dvT)
        }
    }
}

extension Var {
    /// Per-head concatenation: `parts[i] [L, H·d_i]` → `[L, H·Σd_i]` where head h's block is
    /// `parts[0]_h ‖ parts[1]_h ‖ …`. This builds the conditional-DETR query/key (content ‖ positional per head).
    public static func concatPerHead(_ parts: [Var], heads: Int) -> Var {
        precondition(!parts.isEmpty, "concatPerHead: no tensors")
        let l = parts[0].shape[0]
        let split = parts.map { p -> Var in
            precondition(p.shape.count == 2 && p.shape[0] == l && p.shape[1] % heads == 0,
                         "concatPerHead: \(p.shape) is not [\(l), \(heads)·d]")
            return p.reshaped([l, heads, p.shape[1] / heads])
        }
        let joined = concat(split, axis: 2)
        return joined.reshaped([l, joined.shape[1] * joined.shape[2]])
    }
}
