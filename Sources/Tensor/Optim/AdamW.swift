/// AdamW (Loshchilov & Hutter), as `torch.optim.AdamW`: decoupled weight decay `p ← p − lr·λ·p`, then
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `p ← p − lr·m̂/(√v̂ + ε)` with bias-corrected `m̂`, `v̂`.
public struct AdamW: UpdateRule {
    public var beta1: Double
    public var beta2: Double
    public var eps: Double
    public var weightDecay: Double

    /// PyTorch's defaults; OVSeg3R trains with `weightDecay: 0.05`.
    public init(beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0.01) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
    }

    public var slotNames: [String] { ["exp_avg", "exp_avg_sq"] }

    public func update(value: inout Tensor, grad: Tensor, slots: inout [Tensor], step: Int, learningRate lr: Double) {
        value.makeUnique()
        slots[0].makeUnique()
        slots[1].makeUnique()
        let c1 = 1 - Double.pow(beta1, Double(step)), c2 = 1 - Double.pow(beta2, Double(step))
        let decay = 1 - lr * weightDecay, stepSize = lr / c1, invSqrtC2 = 1 / c2.squareRoot()
        func run<T: TensorScalar>(_: T.Type) {
            let p = value.pointer(T.self), g = grad.pointer(T.self)
            let m = slots[0].pointer(T.self), v = slots[1].pointer(T.self)
            let b1 = T(beta1), b2 = T(beta2), e = T(eps), d = T(decay), ss = T(stepSize), ic2 = T(invSqrtC2)
            for i in 0..<value.count {
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                p[i] = p[i] * d - ss * m[i] / (v[i].squareRoot() * ic2 + e)
            }
        }
        dispatch(value.dtype, { run(Float.self) }, { run(Double.self) })
    }
}

/// SGD with momentum, as `torch.optim.SGD(momentum: μ, weight_decay: λ)` (no dampening, no Nesterov):
/// `g ← g + λp`, `b ← μb + g` (b = g at step 1), `p ← p − lr·b`.
public struct SGD: UpdateRule {
    public var momentum: Double
    public var weightDecay: Double

    public init(momentum: Double = 0.9, weightDecay: Double = 0) {
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    public var slotNames: [String] { ["momentum_buffer"] }

    public func update(value: inout Tensor, grad: Tensor, slots: inout [Tensor], step: Int, learningRate lr: Double) {
        value.makeUnique()
        slots[0].makeUnique()
        func run<T: TensorScalar>(_: T.Type) {
            let p = value.pointer(T.self), g = grad.pointer(T.self), b = slots[0].pointer(T.self)
            let mu = T(step == 1 ? 0 : momentum), wd = T(weightDecay), rate = T(lr)
            for i in 0..<value.count {
                b[i] = mu * b[i] + g[i] + wd * p[i]
                p[i] -= rate * b[i]
            }
        }
        dispatch(value.dtype, { run(Float.self) }, { run(Double.self) })
    }
}
