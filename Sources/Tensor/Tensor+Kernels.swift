// Tensor-level kernels shared by the forward and backward passes of the differentiable ops.
// Each kernel is generic over `TensorScalar` and specialised for Float and Double by the dtype switch.

@inline(__always)
func dispatch<R>(_ dtype: DType, _ f32: () -> R, _ f64: () -> R) -> R {
    dtype == .float32 ? f32() : f64()
}

extension Tensor {
    /// `op` applied elementwise.
    @inline(__always)
    func map<T: TensorScalar>(_: T.Type, _ op: (T) -> T) -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: dtype)
        let s = pointer(T.self), d = out.pointer(T.self)
        for i in 0..<count { d[i] = op(s[i]) }
        return out
    }

    /// `op` applied to corresponding elements of two tensors of the same shape.
    @inline(__always)
    func zipMap<T: TensorScalar>(_ other: Tensor, _: T.Type, _ op: (T, T) -> T) -> Tensor {
        precondition(other.shape == shape, "zipMap: shapes \(shape) and \(other.shape) differ")
        let out = Tensor(uninitialized: shape, dtype: dtype)
        let a = pointer(T.self), b = other.pointer(T.self), d = out.pointer(T.self)
        for i in 0..<count { d[i] = op(a[i], b[i]) }
        return out
    }

    /// `op` applied with NumPy broadcasting. The caller has checked that the shapes broadcast to `outShape`.
    @inline(__always)
    static func broadcastZip<T: TensorScalar>(_ a: Tensor, _ b: Tensor, outShape: [Int], _: T.Type,
                                              _ op: (T, T) -> T) -> Tensor {
        let out = Tensor(uninitialized: outShape, dtype: a.dtype)
        let pa = a.pointer(T.self), pb = b.pointer(T.self), po = out.pointer(T.self)
        if a.shape == b.shape {
            for i in 0..<a.count { po[i] = op(pa[i], pb[i]) }
            return out
        }
        let loop = StridedLoop(sizes: outShape, strides: [Tensor.contiguousStrides(outShape),
                                                          broadcastStrides(a.shape, to: outShape),
                                                          broadcastStrides(b.shape, to: outShape)])
        loop.run { oo, oa, ob, n, so, sa, sb in
            let o = po + oo, x = pa + oa, y = pb + ob
            if so == 1 && sa == 1 && sb == 1 {
                for i in 0..<n { o[i] = op(x[i], y[i]) }
            } else if so == 1 && sa == 1 && sb == 0 {
                let yv = y[0]
                for i in 0..<n { o[i] = op(x[i], yv) }
            } else if so == 1 && sa == 0 && sb == 1 {
                let xv = x[0]
                for i in 0..<n { o[i] = op(xv, y[i]) }
            } else {
                for i in 0..<n { o[i * so] = op(x[i * sa], y[i * sb]) }
            }
        }
        return out
    }

    /// Sums over the axes that broadcasting expanded, giving a tensor of `target` shape: the adjoint of
    /// broadcasting `target` to `self.shape`.
    func summed(toShape target: [Int]) -> Tensor {
        if target == shape { return self }
        let out = Tensor.zeros(target, dtype: dtype)
        func run<T: TensorScalar>(_: T.Type) {
            let src = pointer(T.self), dst = out.pointer(T.self)
            let loop = StridedLoop(sizes: shape, strides: [broadcastStrides(target, to: shape),
                                                           Tensor.contiguousStrides(shape)])
            loop.run { od, os, _, n, sd, ss, _ in
                let d = dst + od, s = src + os
                if sd == 1 && ss == 1 {
                    for i in 0..<n { d[i] += s[i] }
                } else if sd == 0 && ss == 1 {
                    var acc: T = 0
                    for i in 0..<n { acc += s[i] }
                    d[0] += acc
                } else {
                    for i in 0..<n { d[i * sd] += s[i * ss] }
                }
            }
        }
        dispatch(dtype, { run(Float.self) }, { run(Double.self) })
        return out
    }

    /// This tensor repeated along broadcast axes to `target` (the adjoint of `summed(toShape:)`).
    func broadcast(to target: [Int]) -> Tensor {
        if target == shape { return self }
        let out = Tensor(uninitialized: target, dtype: dtype)
        func run<T: TensorScalar>(_: T.Type) {
            let src = pointer(T.self), dst = out.pointer(T.self)
            let loop = StridedLoop(sizes: target, strides: [Tensor.contiguousStrides(target),
                                                            broadcastStrides(shape, to: target)])
            loop.run { od, os, _, n, sd, ss, _ in
                for i in 0..<n { dst[od + i * sd] = src[os + i * ss] }
            }
        }
        dispatch(dtype, { run(Float.self) }, { run(Double.self) })
        return out
    }

    /// Elementwise sum, product, etc. of same-shaped or broadcastable tensors (used by backward rules).
    static func elementwise(_ a: Tensor, _ b: Tensor, _ op: BinaryOp) -> Tensor {
        guard let outShape = broadcastShape(a.shape, b.shape) else {
            preconditionFailure("\(op): shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        precondition(a.dtype == b.dtype, "\(op): dtypes \(a.dtype) and \(b.dtype) differ")
        func run<T: TensorScalar>(_ t: T.Type) -> Tensor {
            switch op {
            case .add: return broadcastZip(a, b, outShape: outShape, t, +)
            case .sub: return broadcastZip(a, b, outShape: outShape, t, -)
            case .mul: return broadcastZip(a, b, outShape: outShape, t, *)
            case .div: return broadcastZip(a, b, outShape: outShape, t, /)
            }
        }
        return dispatch(a.dtype, { run(Float.self) }, { run(Double.self) })
    }

    /// Every element times `factor`.
    func scaled(_ factor: Double) -> Tensor {
        dispatch(dtype, { map(Float.self) { $0 * Float(factor) } }, { map(Double.self) { $0 * factor } })
    }

    /// Sum of all elements, accumulated in Double.
    func sumAll() -> Double {
        dispatch(dtype, {
            let p = pointer(Float.self)
            var acc = 0.0
            var part: Float = 0
            for i in 0..<count {
                part += p[i]
                if i & 1023 == 1023 { acc += Double(part); part = 0 }
            }
            return acc + Double(part)
        }, {
            let p = pointer(Double.self)
            var acc = 0.0
            for i in 0..<count { acc += p[i] }
            return acc
        })
    }
}

/// The four broadcasting arithmetic operations.
enum BinaryOp: Sendable { case add, sub, mul, div }

// Row reductions with eight independent accumulators: a single running sum is one long chain of dependent
// additions (about 4 cycles each), which is what limited layer norm before; eight chains keep the adder busy.

/// Σ p[i].
@inline(__always)
func sumOf<T: TensorScalar>(_ p: UnsafePointer<T>, _ n: Int) -> T {
    var a0: T = 0, a1: T = 0, a2: T = 0, a3: T = 0, a4: T = 0, a5: T = 0, a6: T = 0, a7: T = 0
    var i = 0
    while i + 8 <= n {
        a0 += p[i]; a1 += p[i + 1]; a2 += p[i + 2]; a3 += p[i + 3]
        a4 += p[i + 4]; a5 += p[i + 5]; a6 += p[i + 6]; a7 += p[i + 7]
        i += 8
    }
    while i < n { a0 += p[i]; i += 1 }
    return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
}

/// Σ a[i]·b[i].
@inline(__always)
func dotOf<T: TensorScalar>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ n: Int) -> T {
    var a0: T = 0, a1: T = 0, a2: T = 0, a3: T = 0, a4: T = 0, a5: T = 0, a6: T = 0, a7: T = 0
    var i = 0
    while i + 8 <= n {
        a0 += a[i] * b[i]; a1 += a[i + 1] * b[i + 1]; a2 += a[i + 2] * b[i + 2]; a3 += a[i + 3] * b[i + 3]
        a4 += a[i + 4] * b[i + 4]; a5 += a[i + 5] * b[i + 5]; a6 += a[i + 6] * b[i + 6]; a7 += a[i + 7] * b[i + 7]
        i += 8
    }
    while i < n { a0 += a[i] * b[i]; i += 1 }
    return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
}

/// Σ (p[i] − c)².
@inline(__always)
func squaredDeviationOf<T: TensorScalar>(_ p: UnsafePointer<T>, _ c: T, _ n: Int) -> T {
    var a0: T = 0, a1: T = 0, a2: T = 0, a3: T = 0, a4: T = 0, a5: T = 0, a6: T = 0, a7: T = 0
    var i = 0
    while i + 8 <= n {
        let d0 = p[i] - c, d1 = p[i + 1] - c, d2 = p[i + 2] - c, d3 = p[i + 3] - c
        let d4 = p[i + 4] - c, d5 = p[i + 5] - c, d6 = p[i + 6] - c, d7 = p[i + 7] - c
        a0 += d0 * d0; a1 += d1 * d1; a2 += d2 * d2; a3 += d3 * d3
        a4 += d4 * d4; a5 += d5 * d5; a6 += d6 * d6; a7 += d7 * d7
        i += 8
    }
    while i < n { let d = p[i] - c; a0 += d * d; i += 1 }
    return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
}
