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
