/// A layer or model that owns named parameters.
///
/// Names are dotted paths like PyTorch's `state_dict` keys (`decoder.layers.0.self_attn.q_proj.weight`), so that
/// a checkpoint written here loads into a PyTorch module with the same structure and vice versa.
public protocol Module: AnyObject {
    /// Every parameter under this module with its dotted name relative to the module, in a fixed order.
    var namedParameters: [(name: String, parameter: Parameter)] { get }
}

extension Module {
    /// The parameters without names, in `namedParameters` order.
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// Total number of scalars in all parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Clears every accumulated gradient.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

/// `child`'s parameters with names prefixed by `prefix.` (how composite modules build their lists).
public func prefixed(_ prefix: String, _ child: Module) -> [(name: String, parameter: Parameter)] {
    child.namedParameters.map { (name: "\(prefix).\($0.name)", parameter: $0.parameter) }
}

/// Pointwise non-linearities for `MLP` and friends.
public enum Activation: String, Sendable {
    case relu, gelu, tanh, sigmoid, identity

    /// Applies the activation.
    public func callAsFunction(_ x: Var) -> Var {
        switch self {
        case .relu: return x.relu()
        case .gelu: return x.gelu()
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        case .identity: return x
        }
    }
}
