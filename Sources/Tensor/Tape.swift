/// A trainable tensor with its accumulated gradient. Layers own parameters; the tape only borrows them.
public final class Parameter {
    /// Current value; optimisers update it in place.
    public var value: Tensor
    /// Sum of gradients from every `backward` since the last `zeroGrad()`; `nil` if none reached it.
    public var grad: Tensor?

    /// A parameter starting at `value`, without a gradient.
    public init(_ value: Tensor) { self.value = value }

    /// Forgets the accumulated gradient.
    public func zeroGrad() { grad = nil }
}

/// Records operations on ``Var``s and runs them backwards.
///
/// A training step on one screen:
/// ```swift
/// let tape = Tape()
/// let optimizer = Optimizer(AdamW(weightDecay: 0.05))
/// let schedule = PolyLR(base: 1e-4, totalSteps: 38_700)
/// for step in 0..<38_700 {
///     let logits = model(tape.constant(features))            // Module ops record on the tape
///     let loss = logits.crossEntropy(labels: labels) + masks.diceLoss(targets: gt)
///     tape.backward(loss)                                     // gradients accumulate into Parameter.grad
///     clipGradientNorm(model.parameters, maxNorm: 10)
///     optimizer.update(model.namedParameters, learningRate: schedule.learningRate(at: step))
///     model.zeroGrad()
///     tape.reset()                                            // buffers go back to the pool
/// }
/// ```
///
/// Use one tape per training step from one thread (it is not `Sendable`): build the forward pass with `Var` ops,
/// call `backward(_:)` on a scalar loss (gradients accumulate into the `Parameter`s used), then `reset()` so
/// the step's buffers go back to ``BufferPool`` for the next step. While `isRecording` is false (see
/// `withoutRecording`) ops compute values only, for inference.
public final class Tape {
    struct Node {
        var value: Tensor
        /// Receives this node's gradient and accumulates into its inputs' gradients.
        var backward: ((Tensor, Tape) -> Void)?
        var parameter: Parameter?
        var requiresGrad: Bool
    }

    var nodes: [Node] = []
    var grads: [Tensor?] = []
    var parameterNodes: [ObjectIdentifier: Int] = [:]
    /// Bumped by `reset()` so stale `Var`s are caught.
    private(set) var generation = 0

    /// When false, ops compute values but record no backward rules.
    public var isRecording: Bool

    /// An empty tape; `recording: false` gives an inference-only tape.
    public init(recording: Bool = true) { isRecording = recording }

    /// Number of recorded nodes.
    public var nodeCount: Int { nodes.count }

    /// A value that needs no gradient (inputs, targets, detached tensors).
    public func constant(_ value: Tensor) -> Var {
        append(Node(value: value, backward: nil, parameter: nil, requiresGrad: false))
    }

    /// A parameter's value; `backward` adds its gradient into `parameter.grad`. While recording, the same parameter
    /// used twice maps to one node; while not recording it is a plain constant.
    public func parameter(_ p: Parameter) -> Var {
        guard isRecording else { return constant(p.value) }
        let key = ObjectIdentifier(p)
        if let id = parameterNodes[key] { return Var(tape: self, id: id, generation: generation) }
        let v = append(Node(value: p.value, backward: nil, parameter: p, requiresGrad: true))
        parameterNodes[key] = v.id
        return v
    }

    /// Runs `body` without recording backward rules (inference inside a training step).
    public func withoutRecording<R>(_ body: () throws -> R) rethrows -> R {
        let saved = isRecording
        isRecording = false
        defer { isRecording = saved }
        return try body()
    }

    /// Drops every node and gradient, releasing their buffers for reuse. Earlier `Var`s become invalid.
    public func reset() {
        nodes.removeAll(keepingCapacity: true)
        grads.removeAll(keepingCapacity: true)
        parameterNodes.removeAll(keepingCapacity: true)
        generation += 1
    }

    func append(_ node: Node) -> Var {
        nodes.append(node)
        grads.append(nil)
        return Var(tape: self, id: nodes.count - 1, generation: generation)
    }

    /// Records an op's output. `backward` runs only if some input needs a gradient.
    func record(_ value: Tensor, inputs: [Var], backward: @escaping (Tensor, Tape) -> Void) -> Var {
        precondition(inputs.allSatisfy { $0.tape === self && $0.generation == generation },
                     "Tape: an op mixed values from another tape or from before reset()")
        let needs = isRecording && inputs.contains { nodes[$0.id].requiresGrad }
        return append(Node(value: value, backward: needs ? backward : nil, parameter: nil, requiresGrad: needs))
    }

    func value(_ id: Int) -> Tensor { nodes[id].value }

    func needsGrad(_ v: Var) -> Bool { nodes[v.id].requiresGrad }

    /// Adds `g` to node `id`'s gradient, if the node wants one.
    func accumulate(_ id: Int, _ g: Tensor) {
        guard nodes[id].requiresGrad else { return }
        precondition(g.shape == nodes[id].value.shape,
                     "Tape: gradient shape \(g.shape) does not match value shape \(nodes[id].value.shape)")
        if var existing = grads[id] {
            grads[id] = nil
            existing.add(g)
            grads[id] = existing
        } else {
            grads[id] = g
        }
    }

    /// Back-propagates from the scalar `loss` (d loss/d loss = 1) and adds the results into `Parameter.grad`.
    /// Gradients of intermediate nodes are released as soon as they are consumed.
    public func backward(_ loss: Var) {
        precondition(loss.tape === self && loss.generation == generation, "Tape.backward: loss is from another tape or step")
        precondition(loss.value.count == 1, "Tape.backward: loss must have one element, has shape \(loss.value.shape)")
        // A second backward on the same tape must not re-add the first one's leaf gradients.
        for i in grads.indices { grads[i] = nil }
        grads[loss.id] = Tensor(repeating: 1, shape: loss.value.shape, dtype: loss.value.dtype)
        for id in stride(from: loss.id, through: 0, by: -1) {
            guard let g = grads[id] else { continue }
            if let p = nodes[id].parameter {
                if p.grad == nil { p.grad = g } else { p.grad?.add(g) }
            }
            if let rule = nodes[id].backward {
                grads[id] = nil
                rule(g, self)
            }
        }
    }

    /// The gradient accumulated at `v` by the last `backward` (kept only for parameters and leaves).
    public func gradient(of v: Var) -> Tensor? { grads[v.id] }
}

/// A tensor recorded on a ``Tape``: the handle every differentiable op takes and returns.
public struct Var {
    /// The tape this value lives on.
    public let tape: Tape
    let id: Int
    let generation: Int

    /// The forward value.
    public var value: Tensor {
        precondition(generation == tape.generation, "Var: used after its tape was reset")
        return tape.value(id)
    }
    /// Shape of the forward value.
    public var shape: [Int] { value.shape }
    /// Element type of the forward value.
    public var dtype: DType { value.dtype }

    /// The same value as a constant: gradients stop here.
    public func detached() -> Var { tape.constant(value) }
}
