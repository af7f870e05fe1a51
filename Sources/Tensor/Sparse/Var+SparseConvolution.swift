// Sparse 3D convolution as gather → GEMM per kernel offset → scatter-add, on `TensorThreads.sparseWorkers`
// threads. Each worker owns a contiguous block of the rows it writes (outputs in the forward pass, inputs in the
// input-gradient pass, whole offsets in the weight-gradient pass), so no two threads write the same row and every
// row sums its offsets in the same order (k = 0, 1, …) whatever the number of workers.

/// Per-worker scratch for the gathered rows and the GEMM result of one chunk.
private func withScratch<T: TensorScalar, R>(_: T.Type, rows: Int, width: Int, _ body: (UnsafeMutablePointer<T>) -> R) -> R {
    let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, rows * width))
    defer { p.deallocate() }
    return body(p)
}

/// Pairs per gather → GEMM → scatter round for rows of `width` elements, `bytes` of gathered rows and GEMM result
/// together (`KernelMap.chunkBytes`, 256 KB: they stay in the core's L2 cache between the three steps; a whole offset
/// of the finest level is about 50 k pairs, megabytes the scatter would otherwise read back from memory). Fixed by the
/// map and the widths alone, so the chunks (and the sums) do not depend on the number of workers.
func chunkRows<T>(_: T.Type, width: Int, bytes: Int) -> Int {
    max(1, bytes / MemoryLayout<T>.stride / max(1, width))
}

/// dst[r] = src[rows[r]] for `count` rows of `width`.
@inline(__always)
private func gather<T: TensorScalar>(_ src: UnsafePointer<T>, _ rows: UnsafePointer<Int32>, _ count: Int, width: Int,
                                     into dst: UnsafeMutablePointer<T>) {
    for r in 0..<count { (dst + r * width).update(from: src + Int(rows[r]) * width, count: width) }
}

/// dst[rows[r]] += src[r] for `count` rows of `width`.
@inline(__always)
private func scatterAdd<T: TensorScalar>(_ src: UnsafePointer<T>, _ rows: UnsafePointer<Int32>, _ count: Int, width: Int,
                                         into dst: UnsafeMutablePointer<T>) {
    for r in 0..<count {
        let d = dst + Int(rows[r]) * width, s = src + r * width
        for j in 0..<width { d[j] += s[j] }
    }
}

/// dst[rows[r]] = src[r] for `count` rows of `width`.
@inline(__always)
private func scatter<T: TensorScalar>(_ src: UnsafePointer<T>, _ rows: UnsafePointer<Int32>, _ count: Int, width: Int,
                                      into dst: UnsafeMutablePointer<T>) {
    for r in 0..<count { (dst + Int(rows[r]) * width).update(from: src + r * width, count: width) }
}

/// The first index in `lo ..< hi` of the sorted `keys` whose key is ≥ `bound` (`hi` when none is).
@inline(__always)
private func lowerBound(_ keys: UnsafePointer<Int32>, _ lo: Int, _ hi: Int, _ bound: Int) -> Int {
    var lo = lo, hi = hi
    while lo < hi { let mid = (lo + hi) / 2; if Int(keys[mid]) < bound { lo = mid + 1 } else { hi = mid } }
    return lo
}

/// For every offset k and pair p of `order` whose owned row is in `worker`'s share of the rows: owned[p] += (other[p]
/// as a row of `source`) · op(W_k), where op(W_k) is `[cSource, cOwned]` (W_k, or W_kᵀ when `transposeW`).
///
/// The owned rows go through in tiles that fit the cache (`chunkBytes` of owned rows); within a tile every offset
/// k = 0, 1, … adds its pairs, in chunks (`chunkRows`). So each owned row sums its offsets in the same order, and a
/// tile's rows stay in cache across the offsets instead of being read back from memory once per offset. The
/// identity offset of a submanifold map (every row paired with itself) needs no gather or scatter: its GEMM reads
/// and adds to the tile's rows in place. When every owned row has exactly one pair (`ownedOnce`) the rows are
/// stored; otherwise each tile is zeroed first, while it is in cache. So `owned` may come uninitialised.
private func accumulateOffsets<T: TensorScalar>(_: T.Type, order: PairOrder, ownedIsOutput: Bool, worker: Int, workers: Int,
                                                source: UnsafePointer<T>, cSource: Int, weight: UnsafePointer<T>,
                                                transposeW: Bool, owned: UnsafeMutablePointer<T>, cOwned: Int) {
    let chunk = chunkRows(T.self, width: cSource + cOwned, bytes: order.chunkBytes)
    // Tiles start at multiples of `tile` rows and each worker takes a contiguous run of them, so every GEMM covers
    // the same rows whatever the number of workers, and the results are bit-identical for any number. A tile holds
    // at most `chunkBytes` of owned rows, and at most an eighth of them (rounded up to 16 rows) but no fewer than 256,
    // so that small sets still split evenly between the workers and their GEMMs do not get too short.
    let tile = min(chunkRows(T.self, width: cOwned, bytes: order.chunkBytes), max(256, (order.rows + 127) / 128 * 16))
    let tiles = (order.rows + tile - 1) / tile
    let rowLo = min(order.rows, tiles * worker / workers * tile), rowHi = min(order.rows, tiles * (worker + 1) / workers * tile)
    if rowLo >= rowHi { return }
    let ldw = transposeW ? cSource : cOwned
    var next = order.inputs.indices.map { k in
        (ownedIsOutput ? order.outputs[k] : order.inputs[k]).withUnsafeBufferPointer { keys in
            keys.baseAddress.map { lowerBound($0, 0, keys.count, rowLo) } ?? 0
        }
    }
    withScratch(T.self, rows: chunk, width: cSource + cOwned) { scratch in
        let a = scratch, c = scratch + chunk * cSource
        for t0 in stride(from: rowLo, to: rowHi, by: tile) {
            let t1 = min(t0 + tile, rowHi)
            if !order.ownedOnce { (owned + t0 * cOwned).update(repeating: 0, count: (t1 - t0) * cOwned) }
            for k in order.inputs.indices {
                let wk = weight + k * cSource * cOwned
                if k == order.identityOffset {
                    // W_k is [cIn, cOut] row-major; the forward pass multiplies by W_k, the input gradient by W_kᵀ.
                    T.gemm(transA: false, transB: transposeW, m: t1 - t0, n: cOwned, k: cSource, alpha: 1,
                           a: source + t0 * cSource, lda: cSource, b: wk, ldb: ldw, beta: 1, c: owned + t0 * cOwned, ldc: cOwned)
                    continue
                }
                let from = ownedIsOutput ? order.inputs[k] : order.outputs[k]
                let to = ownedIsOutput ? order.outputs[k] : order.inputs[k]
                from.withUnsafeBufferPointer { f in
                    to.withUnsafeBufferPointer { t in
                        guard let fb = f.baseAddress, let tb = t.baseAddress else { return }
                        let lo = next[k], hi = lowerBound(tb, lo, t.count, t1)
                        next[k] = hi
                        for start in stride(from: lo, to: hi, by: chunk) {
                            let count = min(chunk, hi - start)
                            gather(source, fb + start, count, width: cSource, into: a)
                            T.gemm(transA: false, transB: transposeW, m: count, n: cOwned, k: cSource, alpha: 1,
                                   a: a, lda: cSource, b: wk, ldb: ldw, beta: 0, c: c, ldc: cOwned)
                            if order.ownedOnce {
                                scatter(c, tb + start, count, width: cOwned, into: owned)
                            } else {
                                scatterAdd(c, tb + start, count, width: cOwned, into: owned)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// ∂L/∂W_k = X_kᵀ G_k for the offsets `k ≡ worker (mod workers)`, X_k and G_k gathered chunk by chunk (the GEMMs
/// accumulate into W_k's gradient); the identity offset reads `x` and `g` in place.
private func weightGradient<T: TensorScalar>(_: T.Type, order: PairOrder, worker: Int, workers: Int, x: UnsafePointer<T>, cIn: Int,
                                             g: UnsafePointer<T>, cOut: Int, into dw: UnsafeMutablePointer<T>) {
    let chunk = chunkRows(T.self, width: cIn + cOut, bytes: order.chunkBytes)
    withScratch(T.self, rows: chunk, width: cIn + cOut) { a in
        let gk = a + chunk * cIn
        for k in stride(from: worker, to: order.inputs.count, by: workers) {
            let count = order.inputs[k].count
            if count == 0 { continue }
            let out = dw + k * cIn * cOut
            if k == order.identityOffset {
                T.gemm(transA: true, transB: false, m: cIn, n: cOut, k: count, alpha: 1, a: x, lda: cIn,
                       b: g, ldb: cOut, beta: 0, c: out, ldc: cOut)
                continue
            }
            order.inputs[k].withUnsafeBufferPointer { ins in
                order.outputs[k].withUnsafeBufferPointer { outs in
                    guard let ib = ins.baseAddress, let ob = outs.baseAddress else { return }
                    for start in stride(from: 0, to: count, by: chunk) {
                        let n = min(chunk, count - start)
                        gather(x, ib + start, n, width: cIn, into: a)
                        gather(g, ob + start, n, width: cOut, into: gk)
                        T.gemm(transA: true, transB: false, m: cIn, n: cOut, k: n, alpha: 1, a: a, lda: cIn,
                               b: gk, ldb: cOut, beta: start == 0 ? 0 : 1, c: out, ldc: cOut)
                    }
                }
            }
        }
    }
}

extension Var {
    /// Sparse 3D convolution of voxel features `self [inputCount, Cin]` with `weight [K, Cin, Cout]` over the pairs
    /// of `map`: `y[o] = Σ_k Σ_{(i, o) ∈ pairs_k} x[i]·W_k` → `[outputCount, Cout]` (no bias). Throws
    /// `channelMismatch` when the shapes do not fit the map or each other.
    public func sparseConvolution(weight: Var, map: KernelMap) throws(TensorError) -> Var {
        let x = value, w = weight.value
        guard x.rank == 2, x.shape[0] == map.inputCount else {
            throw .shapeMismatch(op: "sparseConvolution(\(map.kind)) features", expected: [map.inputCount, -1], actual: x.shape)
        }
        guard w.rank == 3, w.shape[0] == map.kind.offsetCount else {
            throw .shapeMismatch(op: "sparseConvolution(\(map.kind)) weight", expected: [map.kind.offsetCount, -1, -1], actual: w.shape)
        }
        guard w.shape[1] == x.shape[1] else { throw .channelMismatch(op: "sparseConvolution(\(map.kind))", expected: w.shape[1], actual: x.shape[1]) }
        guard w.dtype == x.dtype else { throw .shapeMismatch(op: "sparseConvolution dtype", expected: x.shape, actual: w.shape) }
        let cIn = x.shape[1], cOut = w.shape[2], workers = map.workers
        let y = Tensor(uninitialized: [map.outputCount, cOut], dtype: x.dtype)
        func fwd<T: TensorScalar>(_ t: T.Type) {
            let xp = Int(bitPattern: x.pointer(T.self)), wp = Int(bitPattern: w.pointer(T.self)), yp = Int(bitPattern: y.pointer(T.self))
            parallelWorkers(workers) { worker in
                guard let src = UnsafePointer<T>(bitPattern: xp), let wt = UnsafePointer<T>(bitPattern: wp),
                      let out = UnsafeMutablePointer<T>(bitPattern: yp) else { return }
                accumulateOffsets(t, order: map.byOutput, ownedIsOutput: true, worker: worker, workers: workers, source: src, cSource: cIn,
                                  weight: wt, transposeW: false, owned: out, cOwned: cOut)
            }
        }
        dispatch(x.dtype, { fwd(Float.self) }, { fwd(Double.self) })
        let ix = id, iw = weight.id
        // y_o = Σ_k Σ_{(i,o)∈P_k} x_i W_k, G = ∂L/∂y. Then
        //   ∂L/∂x_i = Σ_k Σ_{(i,o)∈P_k} G_o W_kᵀ   (the same pairs read from the output side: a transposed convolution),
        //   ∂L/∂W_k = Σ_{(i,o)∈P_k} x_iᵀ G_o = X_kᵀ G_k with X_k, G_k the rows gathered by the pairs of offset k.
        return tape.record(y, inputs: [self, weight]) { g, tape in
            func back<T: TensorScalar>(_ t: T.Type) {
                let gp = Int(bitPattern: g.pointer(T.self)), xp = Int(bitPattern: x.pointer(T.self))
                let wp = Int(bitPattern: w.pointer(T.self))
                if tape.nodes[ix].requiresGrad {
                    let dx = Tensor(uninitialized: x.shape, dtype: x.dtype)
                    let dp = Int(bitPattern: dx.pointer(T.self))
                    parallelWorkers(workers) { worker in
                        guard let grad = UnsafePointer<T>(bitPattern: gp), let wt = UnsafePointer<T>(bitPattern: wp),
                              let out = UnsafeMutablePointer<T>(bitPattern: dp) else { return }
                        accumulateOffsets(t, order: map.byInput, ownedIsOutput: false, worker: worker, workers: workers, source: grad, cSource: cOut,
                                          weight: wt, transposeW: true, owned: out, cOwned: cIn)
                    }
                    tape.accumulate(ix, dx)
                }
                if tape.nodes[iw].requiresGrad {
                    let dw = Tensor.zeros(w.shape, dtype: w.dtype)
                    let dp = Int(bitPattern: dw.pointer(T.self))
                    let order = map.byOutput
                    parallelWorkers(workers) { worker in
                        guard let src = UnsafePointer<T>(bitPattern: xp), let grad = UnsafePointer<T>(bitPattern: gp),
                              let out = UnsafeMutablePointer<T>(bitPattern: dp) else { return }
                        weightGradient(t, order: order, worker: worker, workers: workers, x: src, cIn: cIn, g: grad, cOut: cOut, into: out)
                    }
                    tape.accumulate(iw, dw)
                }
            }
            dispatch(x.dtype, { back(Float.self) }, { back(Double.self) })
        }
    }
}
