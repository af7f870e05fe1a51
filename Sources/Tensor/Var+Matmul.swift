// Matrix products through cblas_sgemm / cblas_dgemm. Transposes are BLAS flags, never copies.

/// C[b] = op(A[b])·op(B[b]) for `batch` matrices (B shared when `bBatchStride` is 0), into a fresh tensor.
func gemmBatched<T: TensorScalar>(_: T.Type, a: Tensor, b: Tensor, out: Tensor, batch: Int,
                                  transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                                  aStride: Int, bStride: Int, accumulate: Bool = false) {
    let pa = a.pointer(T.self), pb = b.pointer(T.self), pc = out.pointer(T.self)
    let lda = transA ? m : k, ldb = transB ? k : n
    for i in 0..<batch {
        T.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1,
               a: pa + i * aStride, lda: lda, b: pb + i * bStride, ldb: ldb,
               beta: accumulate && i > 0 ? 1 : 0, c: pc + (accumulate ? 0 : i * m * n), ldc: n)
    }
}

extension Var {
    /// Matrix product `op(self)·op(other)`, where `op` transposes the last two axes when its flag is set.
    ///
    /// Shapes: `[M, K]·[K, N] → [M, N]`; batched `[B, M, K]·[B, K, N] → [B, M, N]`; and `[B, M, K]·[K, N]`,
    /// which shares the right matrix across the batch. With `transposeB`, `other` is `[N, K]` (or `[B, N, K]`),
    /// as in `x·Wᵀ` for a PyTorch-layout weight `W [out, in]`.
    public func matmul(_ other: Var, transposeA: Bool = false, transposeB: Bool = false) -> Var {
        let a = value, b = other.value
        precondition(a.dtype == b.dtype, "matmul: dtypes \(a.dtype) and \(b.dtype) differ")
        precondition((a.rank == 2 || a.rank == 3) && (b.rank == 2 || b.rank == 3) && !(a.rank == 2 && b.rank == 3),
                     "matmul: unsupported ranks \(a.shape) · \(b.shape)")
        let batch = a.rank == 3 ? a.shape[0] : 1
        let sharedB = b.rank == 2
        if !sharedB { precondition(b.shape[0] == batch, "matmul: batch sizes of \(a.shape) and \(b.shape) differ") }
        let ar = a.shape.suffix(2), br = b.shape.suffix(2)
        let m = transposeA ? ar.last ?? 0 : ar.first ?? 0
        let k = transposeA ? ar.first ?? 0 : ar.last ?? 0
        let kb = transposeB ? br.last ?? 0 : br.first ?? 0
        let n = transposeB ? br.first ?? 0 : br.last ?? 0
        precondition(k == kb, "matmul: inner extents differ in \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
        let outShape = a.rank == 3 ? [batch, m, n] : [m, n]
        let out = Tensor(uninitialized: outShape, dtype: a.dtype)
        let aStride = m * k, bStride = sharedB ? 0 : k * n
        // A shared, untransposed right matrix with a batched left one is one big [B·M, K]·[K, N] product.
        let fold = sharedB && !transposeA
        func fwd<T: TensorScalar>(_ t: T.Type) {
            if fold {
                gemmBatched(t, a: a, b: b, out: out, batch: 1, transA: false, transB: transposeB,
                            m: batch * m, n: n, k: k, aStride: 0, bStride: 0)
            } else {
                gemmBatched(t, a: a, b: b, out: out, batch: batch, transA: transposeA, transB: transposeB,
                            m: m, n: n, k: k, aStride: aStride, bStride: bStride)
            }
        }
        dispatch(a.dtype, { fwd(Float.self) }, { fwd(Double.self) })
        let ia = id, ib = other.id
        let tA = transposeA, tB = transposeB
        // C = op(A)·op(B), G = ∂L/∂C.  ∂L/∂op(A) = G·op(B)ᵀ,  ∂L/∂op(B) = op(A)ᵀ·G, hence
        //   dA = G·op(B)ᵀ  = gemm(G, B, transB: !tB)        when A is not transposed,
        //   dA = op(B)·Gᵀ  = gemm(B, G, transA: tB, transB: true)   when it is;
        //   dB = op(A)ᵀ·G  = gemm(A, G, transA: !tA)        when B is not transposed,
        //   dB = Gᵀ·op(A)  = gemm(G, A, transA: true, transB: tA)   when it is.
        // A shared B sums its per-batch gradients (gemm with beta = 1).
        return tape.record(out, inputs: [self, other]) { g, t in
            func back<T: TensorScalar>(_ ty: T.Type) {
                if t.nodes[ia].requiresGrad {
                    let da = Tensor(uninitialized: a.shape, dtype: a.dtype)
                    if fold {
                        gemmBatched(ty, a: g, b: b, out: da, batch: 1, transA: false, transB: !tB,
                                    m: batch * m, n: k, k: n, aStride: 0, bStride: 0)
                    } else if !tA {
                        gemmBatched(ty, a: g, b: b, out: da, batch: batch, transA: false, transB: !tB,
                                    m: m, n: k, k: n, aStride: m * n, bStride: bStride)
                    } else {
                        gemmBatched(ty, a: b, b: g, out: da, batch: batch, transA: tB, transB: true,
                                    m: k, n: m, k: n, aStride: bStride, bStride: m * n)
                    }
                    t.accumulate(ia, da)
                }
                if t.nodes[ib].requiresGrad {
                    let db = Tensor(uninitialized: b.shape, dtype: b.dtype)
                    if fold && !tB {
                        gemmBatched(ty, a: a, b: g, out: db, batch: 1, transA: true, transB: false,
                                    m: k, n: n, k: batch * m, aStride: 0, bStride: 0)
                    } else if fold {
                        gemmBatched(ty, a: g, b: a, out: db, batch: 1, transA: true, transB: false,
                                    m: n, n: k, k: batch * m, aStride: 0, bStride: 0)
                    } else if !tB {
                        gemmBatched(ty, a: a, b: g, out: db, batch: batch, transA: !tA, transB: false,
                                    m: k, n: n, k: m, aStride: aStride, bStride: m * n, accumulate: sharedB)
                    } else {
                        gemmBatched(ty, a: g, b: a, out: db, batch: batch, transA: true, transB: tA,
                                    m: n, n: k, k: m, aStride: m * n, bStride: aStride, accumulate: sharedB)
                    }
                    t.accumulate(ib, db)
                }
            }
            dispatch(a.dtype, { back(Float.self) }, { back(Double.self) })
        }
    }
}

extension Var {
    /// `self·Wᵀ + b` for `self [M, K]`, a PyTorch-layout `weight [N, K]` and `bias [N]`, as one op, without the
    /// separate broadcast add of `matmul` then `+` (a second `[M, N]` tensor and a pass over it). For K ≤ 128 the
    /// output starts as the bias in every row and the GEMM adds the whole dot product to it (beta = 1), which also
    /// saves the GEMM's zeroing pass; a larger K may be split into blocks whose partial sums the GEMM adds one by one,
    /// so there the product is written first and the bias added to each row after. Either way each element is the
    /// same dot product plus the same bias: the values equal `matmul` then `+` bit for bit (tested). Backward:
    /// `dX = G·W`, `dW = Gᵀ·X`, `db` = the column sums of G (the adjoint of the broadcast, as `+` computes it).
    public func linear(weight: Var, bias: Var) -> Var {
        let x = value, w = weight.value, b = bias.value
        precondition(x.dtype == w.dtype && w.dtype == b.dtype, "linear: dtypes \(x.dtype), \(w.dtype), \(b.dtype) differ")
        precondition(x.rank == 2 && w.rank == 2 && x.shape[1] == w.shape[1] && b.shape == [w.shape[0]],
                     "linear: shapes \(x.shape) · \(w.shape)ᵀ + \(b.shape) do not fit")
        let m = x.shape[0], k = x.shape[1], n = w.shape[0]
        let out = Tensor(uninitialized: [m, n], dtype: x.dtype)
        func fwd<T: TensorScalar>(_: T.Type) {
            let rows = out.pointer(T.self), bp = b.pointer(T.self), biasFirst = k <= 128
            if biasFirst { for r in 0..<m { (rows + r * n).update(from: bp, count: n) } }
            T.gemm(transA: false, transB: true, m: m, n: n, k: k, alpha: 1, a: x.pointer(T.self), lda: k,
                   b: w.pointer(T.self), ldb: k, beta: biasFirst ? 1 : 0, c: rows, ldc: n)
            if !biasFirst {
                for r in 0..<m {
                    let row = rows + r * n
                    for j in 0..<n { row[j] += bp[j] }
                }
            }
        }
        dispatch(x.dtype, { fwd(Float.self) }, { fwd(Double.self) })
        let ix = id, iw = weight.id, ib = bias.id
        return tape.record(out, inputs: [self, weight, bias]) { g, t in
            func back<T: TensorScalar>(_ ty: T.Type) {
                if t.nodes[ix].requiresGrad {
                    let dx = Tensor(uninitialized: x.shape, dtype: x.dtype)
                    gemmBatched(ty, a: g, b: w, out: dx, batch: 1, transA: false, transB: false, m: m, n: k, k: n, aStride: 0, bStride: 0)
                    t.accumulate(ix, dx)
                }
                if t.nodes[iw].requiresGrad {
                    let dw = Tensor(uninitialized: w.shape, dtype: w.dtype)
                    gemmBatched(ty, a: g, b: x, out: dw, batch: 1, transA: true, transB: false, m: n, n: k, k: m, aStride: 0, bStride: 0)
                    t.accumulate(iw, dw)
                }
                if t.nodes[ib].requiresGrad { t.accumulate(ib, g.summed(toShape: b.shape)) }
            }
            dispatch(x.dtype, { back(Float.self) }, { back(Double.self) })
        }
    }
}
