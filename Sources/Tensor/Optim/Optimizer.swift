/// The per-parameter half of an optimiser: how one parameter moves given its gradient and its state slots.
/// Everything shared (iterating parameters, counting steps, creating and checkpointing slots) is in `Optimizer`.
public protocol UpdateRule: Sendable {
    /// Names of the per-parameter state tensors, each shaped like the parameter (e.g. `exp_avg`, `exp_avg_sq`).
    var slotNames: [String] { get }
    /// Updates `value` in place. `step` counts from 1; `slots` has one tensor per slot name, zeros at step 1.
    func update(value: inout Tensor, grad: Tensor, slots: inout [Tensor], step: Int, learningRate: Double)
}

/// An optimiser: an `UpdateRule` applied to named parameters, with its state kept by parameter name so that
/// it can be checkpointed (`stateTensors`) and restored (`loadState`).
public final class Optimizer<Rule: UpdateRule> {
    public var rule: Rule
    /// Number of `update` calls so far.
    public private(set) var step = 0
    private var slots: [String: [Tensor]] = [:]

    /// An optimiser with no state yet (step 0).
    public init(_ rule: Rule) { self.rule = rule }

    /// One optimisation step over every parameter that has a gradient, at `learningRate`.
    public func update(_ parameters: [(name: String, parameter: Parameter)], learningRate: Double) {
        step += 1
        for (name, p) in parameters {
            guard let g = p.grad else { continue }
            var s = slots.removeValue(forKey: name)
                ?? rule.slotNames.map { _ in Tensor.zeros(p.value.shape, dtype: p.value.dtype) }
            rule.update(value: &p.value, grad: g.converted(to: p.value.dtype), slots: &s, step: step, learningRate: learningRate)
            slots[name] = s
        }
    }

    /// State as `(parameterName.slotName, tensor)` pairs, sorted by name, for a checkpoint.
    public var stateTensors: [(name: String, tensor: Tensor)] {
        slots.keys.sorted().flatMap { key in
            zip(rule.slotNames, slots[key] ?? []).map { (name: "\(key).\($0.0)", tensor: $0.1) }
        }
    }

    /// Restores state written by `stateTensors` for the given parameters, and the step count.
    /// Throws `missingTensor` or `shapeMismatch` naming the slot.
    public func loadState(_ tensors: [String: Tensor], step: Int,
                          parameters: [(name: String, parameter: Parameter)], source: String = "optimizer state") throws(TensorError) {
        var restored: [String: [Tensor]] = [:]
        for (name, p) in parameters {
            let keys = rule.slotNames.map { "\(name).\($0)" }
            let found = keys.compactMap { tensors[$0] }
            if found.isEmpty { continue }  // the parameter had no gradient yet when the state was saved
            if let missing = keys.first(where: { tensors[$0] == nil }) { throw .missingTensor(name: missing, path: source) }
            for (key, t) in zip(keys, found) where t.shape != p.value.shape {
                throw .shapeMismatch(op: "loadState(\(key))", expected: p.value.shape, actual: t.shape)
            }
            restored[name] = found.map { $0.converted(to: p.value.dtype) }
        }
        slots = restored
        self.step = step
    }
}

/// Scales all gradients so that their global L2 norm is at most `maxNorm` (`clip_grad_norm_`:
/// factor `maxNorm / (norm + 1e-6)` when the norm exceeds `maxNorm`). Returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Double) -> Double {
    let total = parameters.reduce(0.0) { $0 + ($1.grad?.squaredNorm() ?? 0) }.squareRoot()
    let factor = maxNorm / (total + 1e-6)
    if factor < 1 {
        for p in parameters { p.grad?.scale(by: factor) }
    }
    return total
}
