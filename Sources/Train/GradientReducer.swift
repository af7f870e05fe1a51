/// How the slots of a training step are spread over processes, and how their gradients meet.
///
/// Each rank computes its share of a step's slots (`SlotBalance`), then every slot's flat gradient is exchanged
/// with `allGather` and summed in slot order on every rank, so the sum (hence every parameter update) is the same
/// bit for bit whatever the number of ranks and whoever computed which slot. `LocalReducer` is the one-process case; the MPI implementation
/// lives below Train (`ProcessGroup`) and is adapted to this protocol by the executable.
public protocol GradientReducer: AnyObject {
    /// This process's index in `0..<size`.
    var rank: Int { get }
    /// Number of processes taking part in every step.
    var size: Int { get }
    /// Collective: floats of any count from every rank, in rank order.
    func allGather(_ values: [Float]) throws -> [[Float]]
    /// Collective: bytes of any length from every rank, in rank order.
    func allGatherBytes(_ bytes: [UInt8]) throws -> [[UInt8]]
}

/// One process computing every slot itself.
public final class LocalReducer: GradientReducer {
    public let rank = 0
    public let size = 1
    public init() {}
    public func allGather(_ values: [Float]) -> [[Float]] { [values] }
    public func allGatherBytes(_ bytes: [UInt8]) -> [[UInt8]] { [bytes] }
}
