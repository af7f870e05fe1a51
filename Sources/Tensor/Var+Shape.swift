// Reshape, permute, concatenate and slice.

extension Tensor {
    /// Axes reordered so that output axis i is input axis `perm[i]` (a copy).
    public func permuted(_ perm: [Int]) -> Tensor {
        precondition(perm.sorted() == Array(0..<rank), "permute: \(perm) is not a permutation of 0..<\(rank)")
        let outShape = perm.map { shape[$0] }
        let own = strides
        let out = Tensor(uninitialized: outShape, dtype: dtype)
        func run<T: TensorScalar>(_: T.Type) {
            let s = pointer(T.self), d = out.pointer(T.self)
            let loop = StridedLoop(sizes: outShape, strides: [Tensor.contiguousStrides(outShape), perm.map { own[$0] }])
            loop.run { od, os, _, n, sd, ss, _ in
                if ss == 1 && sd == 1 { (d + od).update(from: s + os, count: n) } else {
                    for i in 0..<n { d[od + i * sd] = s[os + i * ss] }
                }
            }
        }
        dispatch(dtype, { run(Float.self) }, { run(Double.self) })
        return out
    }

    /// Tensors joined along `axis`; all other extents must agree (a copy).
    public static func concatenated(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concat: no tensors")
        let first = parts[0]
        let a = normalizeAxis(axis, rank: first.rank, op: "concat")
        for p in parts {
            var s1 = p.shape, s0 = first.shape
            precondition(p.rank == first.rank, "concat: ranks of \(first.shape) and \(p.shape) differ")
            s1[a] = 0; s0[a] = 0
            precondition(s1 == s0 && p.dtype == first.dtype, "concat: \(p.shape) does not match \(first.shape) off axis \(a)")
        }
        var outShape = first.shape
        outShape[a] = parts.reduce(0) { $0 + $1.shape[a] }
        let outer = first.shape[..<a].reduce(1, *)
        let rowOut = outShape[a...].reduce(1, *)
        let out = Tensor(uninitialized: outShape, dtype: first.dtype)
        let es = first.dtype.byteSize
        var col = 0
        for p in parts {
            let row = p.shape[a...].reduce(1, *)
            for o in 0..<outer {
                (out.storage.raw + (o * rowOut + col) * es)
                    .copyMemory(from: p.storage.raw + (p.offset + o * row) * es, byteCount: row * es)
            }
            col += row
        }
        return out
    }

    /// Elements `range` along `axis` (a copy).
    public func sliced(axis: Int, _ range: Range<Int>) -> Tensor {
        let a = normalizeAxis(axis, rank: rank, op: "slice")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[a],
                     "slice: range \(range) outside axis \(a) of \(shape)")
        var outShape = shape
        outShape[a] = range.count
        let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
        let out = Tensor(uninitialized: outShape, dtype: dtype)
        let es = dtype.byteSize, rowIn = shape[a] * inner, rowOut = range.count * inner
        for o in 0..<outer {
            (out.storage.raw + o * rowOut * es)
                .copyMemory(from: storage.raw + (offset + o * rowIn + range.lowerBound * inner) * es, byteCount: rowOut * es)
        }
        return out
    }
}

extension Var {
    /// The same elements under `shape` (free: shares the buffer). Element counts must agree.
    public func reshaped(_ shape: [Int]) -> Var {
        let x = value
        precondition(shape.reduce(1, *) == x.count, "reshape: cannot view \(x.shape) as \(shape)")
        let out = Tensor(shape: shape, storage: x.storage, offset: x.offset)
        let ix = id, inShape = x.shape
        // A reshape moves no element: dx is g viewed in the input shape.
        return tape.record(out, inputs: [self]) { g, t in
            t.accumulate(ix, Tensor(shape: inShape, storage: g.storage, offset: g.offset))
        }
    }

    /// Axes reordered: output axis i is input axis `perm[i]`.
    public func permuted(_ perm: [Int]) -> Var {
        let out = value.permuted(perm)
        var inverse = perm
        for (i, p) in perm.enumerated() { inverse[p] = i }
        let ix = id
        // Permuting moves elements one-to-one, so the gradient moves back by the inverse permutation.
        return tape.record(out, inputs: [self]) { g, t in t.accumulate(ix, g.permuted(inverse)) }
    }

    /// Axes `a` and `b` swapped (a copy; use `matmul`'s transpose flags for products).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Var {
        let r = value.rank
        var perm = Array(0..<r)
        perm.swapAt(normalizeAxis(a, rank: r, op: "transpose"), normalizeAxis(b, rank: r, op: "transpose"))
        return permuted(perm)
    }

    /// `parts` joined along `axis`.
    public static func concat(_ parts: [Var], axis: Int) -> Var {
        precondition(!parts.isEmpty, "concat: no tensors")
        let values = parts.map(\.value)
        let out = Tensor.concatenated(values, axis: axis)
        let a = normalizeAxis(axis, rank: out.rank, op: "concat")
        let ids = parts.map(\.id)
        let extents = values.map { $0.shape[a] }
        // Each input's gradient is its own block of g along the axis.
        return parts[0].tape.record(out, inputs: parts) { g, t in
            var start = 0
            for (id, e) in zip(ids, extents) {
                if t.nodes[id].requiresGrad { t.accumulate(id, g.sliced(axis: a, start..<(start + e))) }
                start += e
            }
        }
    }

    /// Elements `range` along `axis`.
    public func sliced(axis: Int, _ range: Range<Int>) -> Var {
        let x = value
        let out = x.sliced(axis: axis, range)
        let a = normalizeAxis(axis, rank: x.rank, op: "slice")
        let ix = id
        // The slice's gradient lands in its block; elements outside the range get 0.
        return tape.record(out, inputs: [self]) { g, t in
            let before = Tensor.zeros(x.shape.enumerated().map { $0.offset == a ? range.lowerBound : $0.element }, dtype: x.dtype)
            let after = Tensor.zeros(x.shape.enumerated().map { $0.offset == a ? x.shape[a] - range.upperBound : $0.element },
                                     dtype: x.dtype)
            t.accumulate(ix, Tensor.concatenated([before, g, after], axis: a))
        }
    }
}
