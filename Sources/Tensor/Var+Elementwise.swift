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

    /// A pointwise function whose derivative is computed from the input `x` and output `y`.
    @inline(__always)
    func pointwise(forwardF: (Float) -> Float, forwardD: (Double) -> Double,
                   derivativeF: @escaping (Float, Float) -> Float,
                   derivativeD: @escaping (Double, Double) -> Double) -> Var {
        let x = value
        let y = dispatch(dtype, { x.map(Float.self, forwardF) }, { x.map(Double.self, forwardD) })
        let ix = id
        return tape.record(y, inputs: [self]) { g, t in
            // Chain rule: dx = g · f'(x), with f' written in terms of x and y = f(x).
            let d = dispatch(x.dtype, { x.zipMap(y, Float.self, derivativeF) }, { x.zipMap(y, Double.self, derivativeD) })
            t.accumulate(ix, Tensor.elementwise(g, d, .mul))
        }
    }

    /// eˣ. Derivative: y.
    public func exp() -> Var {
        pointwise(forwardF: { Float.exp($0) }, forwardD: { Double.exp($0) },
                  derivativeF: { _, y in y }, derivativeD: { _, y in y })
    }

    /// Natural logarithm (x > 0). Derivative: 1/x.
    public func log() -> Var {
        pointwise(forwardF: { Float.log($0) }, forwardD: { Double.log($0) },
                  derivativeF: { x, _ in 1 / x }, derivativeD: { x, _ in 1 / x })
    }

    /// √x (x ≥ 0). Derivative: 1/(2y).
    public func sqrt() -> Var {
        pointwise(forwardF: { $0.squareRoot() }, forwardD: { $0.squareRoot() },
                  derivativeF: { _, y in 0.5 / y }, derivativeD: { _, y in 0.5 / y })
    }

    /// 1/(1+e⁻ˣ), evaluated without overflow for large |x|. Derivative: y(1−y).
    public func sigmoid() -> Var {
        pointwise(forwardF: stableSigmoid, forwardD: stableSigmoid,
                  derivativeF: { _, y in y * (1 - y) }, derivativeD: { _, y in y * (1 - y) })
    }

    /// max(x, 0). Derivative: 1 for x > 0, else 0.
    public func relu() -> Var {
        pointwise(forwardF: { Swift.max($0, 0) }, forwardD: { Swift.max($0, 0) },
                  derivativeF: { x, _ in x > 0 ? 1 : 0 }, derivativeD: { x, _ in x > 0 ? 1 : 0 })
    }

    /// GELU in the exact erf form used by PyTorch's default `nn.GELU()`: x·Φ(x), Φ(x) = ½(1 + erf(x/√2)).
    /// Derivative: Φ(x) + x·φ(x), φ(x) = e^{−x²/2}/√(2π).
    public func gelu() -> Var {
        pointwise(forwardF: { geluValue($0) }, forwardD: { geluValue($0) },
                  derivativeF: { x, _ in geluDerivative(x) }, derivativeD: { x, _ in geluDerivative(x) })
    }

    /// Hyperbolic tangent. Derivative: 1 − y².
    public func tanh() -> Var {
        pointwise(forwardF: { Float.tanh($0) }, forwardD: { Double.tanh($0) },
                  derivativeF: { _, y in 1 - y * y }, derivativeD: { _, y in 1 - y * y })
    }

    /// |x|. Derivative: sign(x), taken as 0 at 0.
    public func abs() -> Var {
        pointwise(forwardF: { Swift.abs($0) }, forwardD: { Swift.abs($0) },
                  derivativeF: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) },
                  derivativeD: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) })
    }

    /// x². Derivative: 2x.
    public func square() -> Var {
        pointwise(forwardF: { $0 * $0 }, forwardD: { $0 * $0 },
                  derivativeF: { x, _ in 2 * x }, derivativeD: { x, _ in 2 * x })
    }
}

@inline(__always) func stableSigmoid<T: TensorScalar>(_ x: T) -> T {
    if x >= 0 { return 1 / (1 + T.exp(-x)) }
    let e = T.exp(x)
    return e / (1 + e)
}

@inline(__always) func geluValue<T: TensorScalar>(_ x: T) -> T {
    x * T(0.5) * (1 + T.erf(x * T(0.70710678118654752440)))
}

@inline(__always) func geluDerivative<T: TensorScalar>(_ x: T) -> T {
    let cdf = T(0.5) * (1 + T.erf(x * T(0.70710678118654752440)))
    let pdf = T.exp(-x * x / 2) * T(0.39894228040143267794)
    return cdf + x * pdf
}
