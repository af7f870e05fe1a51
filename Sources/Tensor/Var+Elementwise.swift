// Broadcasting arithmetic and pointwise functions on `Var`.

extension Var {
    static func binary(_ a: Var, _ b: Var, _ op: BinaryOp) -> Var {
        precondition(a.tape === b.tape, "\(op): operands live on different tapes")
        let av = a.value, bv = b.value
        guard broadcastShape(av.shape, bv.shape) != nil else {
            preconditionFailure("\(op): shapes \(av.shape) and \(bv.shape) do not broadcast")
        }
        let out = Tensor.elementwise(av, bv, op)
        let ia = a.id, ib = b.id
        return a.tape.record(out, inputs: [a, b]) { g, t in
            // Each rule computes the gradient at the broadcast shape, then sums over the broadcast axes
            // (the adjoint of broadcasting).
            switch op {
            case .add:
                // d(a+b) = da + db
                t.accumulate(ia, g.summed(toShape: av.shape))
                t.accumulate(ib, g.summed(toShape: bv.shape))
            case .sub:
                // d(a−b) = da − db
                t.accumulate(ia, g.summed(toShape: av.shape))
                if t.nodes[ib].requiresGrad { t.accumulate(ib, g.summed(toShape: bv.shape).scaled(-1)) }
            case .mul:
                // d(ab) = b·da + a·db
                if t.nodes[ia].requiresGrad { t.accumulate(ia, Tensor.elementwise(g, bv, .mul).summed(toShape: av.shape)) }
                if t.nodes[ib].requiresGrad { t.accumulate(ib, Tensor.elementwise(g, av, .mul).summed(toShape: bv.shape)) }
            case .div:
                // d(a/b) = da/b − (a/b)·db/b
                let gOverB = Tensor.elementwise(g, bv, .div)
                if t.nodes[ia].requiresGrad { t.accumulate(ia, gOverB.summed(toShape: av.shape)) }
                if t.nodes[ib].requiresGrad {
                    let gb = Tensor.elementwise(gOverB, out, .mul).scaled(-1)
                    t.accumulate(ib, gb.summed(toShape: bv.shape))
                }
            }
        }
    }

    /// Broadcasting sum.
    public static func + (a: Var, b: Var) -> Var { binary(a, b, .add) }
    /// Broadcasting difference.
    public static func - (a: Var, b: Var) -> Var { binary(a, b, .sub) }
    /// Broadcasting product.
    public static func * (a: Var, b: Var) -> Var { binary(a, b, .mul) }
    /// Broadcasting quotient.
    public static func / (a: Var, b: Var) -> Var { binary(a, b, .div) }

    /// `a·x + b` elementwise with constants `a`, `b`.
    public func affine(scale a: Double, shift b: Double = 0) -> Var {
        let out = dispatch(dtype, { value.map(Float.self) { $0 * Float(a) + Float(b) } },
                           { value.map(Double.self) { $0 * a + b } })
        let ix = id
        // d(a·x + b) = a·dx
        return tape.record(out, inputs: [self]) { g, t in t.accumulate(ix, g.scaled(a)) }
    }

    public static func * (x: Var, s: Double) -> Var { x.affine(scale: s) }
    public static func * (s: Double, x: Var) -> Var { x.affine(scale: s) }
    public static func + (x: Var, s: Double) -> Var { x.affine(scale: 1, shift: s) }
    public static func - (x: Var, s: Double) -> Var { x.affine(scale: 1, shift: -s) }
    public static prefix func - (x: Var) -> Var { x.affine(scale: -1) }

    /// Applies the pointwise function `F`; generic so that each function's loops are specialised and inlined.
    /// Tensors above this many elements are split over `TensorThreads.workers` threads in pointwise ops.
    static let parallelThreshold = 1 << 18

    func pointwise<F: PointwiseFunction>(_: F.Type) -> Var {
        let x = value
        let n = x.count
        let workers = n >= Var.parallelThreshold ? TensorThreads.workers : 1
        func fwd<T: TensorScalar>(_: T.Type) -> Tensor {
            let y = Tensor(uninitialized: x.shape, dtype: x.dtype)
            let xa = Int(bitPattern: x.pointer(T.self)), ya = Int(bitPattern: y.pointer(T.self))
            parallelWorkers(workers) { w in
                guard let xp = UnsafeMutablePointer<T>(bitPattern: xa), let yp = UnsafeMutablePointer<T>(bitPattern: ya) else { return }
                for i in (n * w / workers)..<(n * (w + 1) / workers) { yp[i] = F.value(xp[i]) }
            }
            return y
        }
        let y = dispatch(dtype, { fwd(Float.self) }, { fwd(Double.self) })
        let ix = id
        return tape.record(y, inputs: [self]) { g, t in
            // Chain rule: dx = g · f'(x), with f' written in terms of x and y = f(x).
            func back<T: TensorScalar>(_: T.Type) -> Tensor {
                let dx = Tensor(uninitialized: x.shape, dtype: x.dtype)
                let xa = Int(bitPattern: x.pointer(T.self)), ya = Int(bitPattern: y.pointer(T.self))
                let ga = Int(bitPattern: g.pointer(T.self)), da = Int(bitPattern: dx.pointer(T.self))
                parallelWorkers(workers) { w in
                    guard let xp = UnsafeMutablePointer<T>(bitPattern: xa), let yp = UnsafeMutablePointer<T>(bitPattern: ya),
                          let gp = UnsafeMutablePointer<T>(bitPattern: ga), let d = UnsafeMutablePointer<T>(bitPattern: da) else { return }
                    for i in (n * w / workers)..<(n * (w + 1) / workers) { d[i] = gp[i] * F.derivative(x: xp[i], y: yp[i]) }
                }
                return dx
            }
            t.accumulate(ix, dispatch(x.dtype, { back(Float.self) }, { back(Double.self) }))
        }
    }

    /// eˣ. Derivative: y.
    public func exp() -> Var { pointwise(ExpFunction.self) }
    /// Natural logarithm (x > 0). Derivative: 1/x.
    public func log() -> Var { pointwise(LogFunction.self) }
    /// √x (x ≥ 0). Derivative: 1/(2y).
    public func sqrt() -> Var { pointwise(SqrtFunction.self) }
    /// 1/(1+e⁻ˣ), evaluated without overflow for large |x|. Derivative: y(1−y).
    public func sigmoid() -> Var { pointwise(SigmoidFunction.self) }
    /// max(x, 0). Derivative: 1 for x > 0, else 0.
    public func relu() -> Var { pointwise(ReluFunction.self) }
    /// GELU in the exact erf form used by PyTorch's default `nn.GELU()`: x·Φ(x), Φ(x) = ½(1 + erf(x/√2)).
    /// Derivative: Φ(x) + x·φ(x), φ(x) = e^{−x²/2}/√(2π).
    public func gelu() -> Var { pointwise(GeluFunction.self) }
    /// Hyperbolic tangent. Derivative: 1 − y².
    public func tanh() -> Var { pointwise(TanhFunction.self) }
    /// |x|. Derivative: sign(x), taken as 0 at 0.
    public func abs() -> Var { pointwise(AbsFunction.self) }
    /// x². Derivative: 2x.
    public func square() -> Var { pointwise(SquareFunction.self) }

    /// x limited to `[lower, upper]`. Derivative: 1 strictly inside the range, 0 where clamped (as `torch.clamp`).
    public func clamped(lower: Double, upper: Double) -> Var {
        let x = value
        let y = dispatch(dtype, { x.map(Float.self) { Swift.min(Swift.max($0, Float(lower)), Float(upper)) } },
                         { x.map(Double.self) { Swift.min(Swift.max($0, lower), upper) } })
        let ix = id
        return tape.record(y, inputs: [self]) { g, t in
            let pass = dispatch(x.dtype, { x.map(Float.self) { $0 > Float(lower) && $0 < Float(upper) ? 1 : 0 } },
                                { x.map(Double.self) { $0 > lower && $0 < upper ? 1 : 0 } })
            t.accumulate(ix, Tensor.elementwise(g, pass, .mul))
        }
    }

    /// log(x/(1−x)) with x clamped to [eps, 1−eps] first: the inverse of `sigmoid` used by box refinement
    /// (`inverse_sigmoid` in DETR-family code).
    public func inverseSigmoid(eps: Double = 1e-5) -> Var {
        let x = clamped(lower: eps, upper: 1 - eps)
        return (x / (-x + 1)).log()
    }
}

extension Tensor {
    /// `f` applied to every element (no gradient; for masks, thresholds and other bookkeeping).
    public func mapped(_ f: (Double) -> Double) -> Tensor {
        dispatch(dtype, { map(Float.self) { Float(f(Double($0))) } }, { map(Double.self) { f($0) } })
    }
}

/// A scalar function and its derivative, the latter in terms of the input x and the output y = f(x).
protocol PointwiseFunction: SendableMetatype {
    static func value<T: TensorScalar>(_ x: T) -> T
    static func derivative<T: TensorScalar>(x: T, y: T) -> T
}

enum ExpFunction: PointwiseFunction {
    @inline(__always) static func value<T: TensorScalar>(_ x: T) -> T { T.exp(x) }
    @inline(__always) static func derivative<T: TensorScalar>(x: T, y: T) -> T { y }
}

enum LogFunction: PointwiseFunction {
    @inline(__always) static func value<T: TensorScalar>(_ x: T) -> T { T.log(x) }
    @inline(__always) static func derivative<T: TensorScalar>(x: T, y: T) -> T { 1 / x }
}

enum SqrtFunction: PointwiseFunction {
    @inline(__always) static func value<T: TensorScalar>(_ x: T) -> T { x.squareRoot() }
    @inline(__always) static func derivative<T: TensorScalar>(x: T, y: T) -> T { T(0.5) / y }
}

enum SigmoidFunction: PointwiseFunction {
    @inline(__always) static func value<T: TensorScalar>(_ x: T) -> T { stableSigmoid(x) }
    @inline(__always) static func derivative<T: TensorScalar>(x: T, y: T) -> T { y * (1 - y) }
}

enum ReluFunction: PointwiseFunction {
    @inline(__always) static func value<T: TensorScalar>(_ x: T) -> T { x > 0 ? x : 0 }
    @inline(__always) static func derivative<T: TensorScalar>(x: T, y: T) -> T { x > 0 ? 1 : 0 }
}

enum GeluFunction: PointwiseFunction {
    @inline(__always) static func value<T: TensorScalar>(_ x: T) -> T { geluValue(x) }
    @inline(__always) static func derivative<T: TensorScalar>(x: T, y: T) -> T { geluDerivative(x) }
}

enum TanhFunction: PointwiseFunction {
    @inline(__always) static func value<T: TensorScalar>(_ x: T) -> T { T.tanh(x) }
    @inline(__always) static func derivative<T: TensorScalar>(x: T, y: T) -> T { 1 - y * y }
}

enum AbsFunction: PointwiseFunction {
    @inline(__always) static func value<T: TensorScalar>(_ x: T) -> T { Swift.abs(x) }
    @inline(__always) static func derivative<T: TensorScalar>(x: T, y: T) -> T { x > 0 ? 1 : (x < 0 ? -1 : 0) }
}

enum SquareFunction: PointwiseFunction {
    @inline(__always) static func value<T: TensorScalar>(_ x: T) -> T { x * x }
    @inline(__always) static func derivative<T: TensorScalar>(x: T, y: T) -> T { 2 * x }
}

@inline(__always) func stableSigmoid<T: TensorScalar>(_ x: T) -> T {
    if x >= 0 { return 1 / (1 + T.exp(-x)) }
    let e = T.exp(x)
    return e / (1 + e)
}

@inline(__always) func geluValue<T: TensorScalar>(_ x: T) -> T {
    x * T(0.5) * (1 + T.fastErf(x * T(0.70710678118654752440)))
}

@inline(__always) func geluDerivative<T: TensorScalar>(_ x: T) -> T {
    let cdf = T(0.5) * (1 + T.fastErf(x * T(0.70710678118654752440)))
    let pdf = T.fastExp(-x * x / 2) * T(0.39894228040143267794)
    return cdf + x * pdf
}
