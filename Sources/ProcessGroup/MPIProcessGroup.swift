import CMPIShim
import Foundation

/// Why the process group could not start or a collective call failed.
public enum ProcessGroupError: Error, CustomStringConvertible {
    /// Started under an MPI launcher, but OpenMPI's library could not be loaded or initialised.
    case unavailable(launcher: String, reason: String)
    /// A collective call failed on this rank.
    case callFailed(call: String, rank: Int, reason: String)

    public var description: String {
        switch self {
        case let .unavailable(launcher, reason):
            return "mpi: started by an MPI launcher (\(launcher)) but MPI cannot start: \(reason)"
        case let .callFailed(call, rank, reason): return "mpi: rank \(rank): \(call) failed: \(reason)"
        }
    }
}

/// The ranks of an `mpirun` job (MPI_COMM_WORLD) through OpenMPI loaded at run time (see `CMPIShim.h`).
///
/// Collective calls (`allGatherVarying`, `allGatherBytes`) must be made by every rank in the same order. MPI's default
/// error handler aborts the whole job on a communication failure; `abort(_:)` does so for our own errors.
public final class MPIProcessGroup: @unchecked Sendable {
    public let rank: Int
    public let size: Int

    /// The launcher variable that says this process was started by `mpirun` (OpenMPI, or a PMI/PMIx launcher),
    /// or nil for a plain start.
    public static func launcher(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        for key in ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"] where environment[key] != nil {
            return "\(key)=\(environment[key] ?? "")"
        }
        return nil
    }

    /// Initialises MPI (once per process) and reads this rank and the job size.
    public init() throws(ProcessGroupError) {
        var r: Int32 = 0, s: Int32 = 0
        guard mpishim_init(&r, &s) == 0 else {
            throw .unavailable(launcher: Self.launcher() ?? "none", reason: Self.lastError())
        }
        rank = Int(r)
        size = Int(s)
    }

    /// Every rank's `values` (any count), in rank order.
    public func allGatherVarying(_ values: [Float]) throws(ProcessGroupError) -> [[Float]] {
        try gatherVarying(values, zero: 0)
    }

    func gather<T: BitwiseCopyable>(_ values: [T], zero: T) throws(ProcessGroupError) -> [T] {
        let bytes = values.count * MemoryLayout<T>.stride
        guard bytes <= Int(Int32.max) else {
            throw .callFailed(call: "allGather", rank: rank, reason: "\(bytes) bytes exceed MPI's Int32 count")
        }
        var out = [T](repeating: zero, count: values.count * size)
        let status = values.withUnsafeBytes { send in
            out.withUnsafeMutableBytes { recv in mpishim_allgather(send.baseAddress, Int32(bytes), recv.baseAddress) }
        }
        guard status == 0 else { throw .callFailed(call: "MPI_Allgather", rank: rank, reason: Self.lastError()) }
        return out
    }

    /// MPI_Allgatherv of whole elements: first every rank's byte count, then the bytes at running displacements.
    func gatherVarying<T: BitwiseCopyable>(_ values: [T], zero: T) throws(ProcessGroupError) -> [[T]] {
        let stride = MemoryLayout<T>.stride
        guard values.count * stride <= Int(Int32.max) else {
            throw .callFailed(call: "allGather", rank: rank, reason: "\(values.count * stride) bytes exceed MPI's Int32 count")
        }
        let counts = try gather([Int32(values.count * stride)], zero: 0)
        guard counts.allSatisfy({ $0 >= 0 && Int($0) % stride == 0 }),
              counts.reduce(0, { $0 + Int($1) }) <= Int(Int32.max) else {
            throw .callFailed(call: "allGather", rank: rank, reason: "the ranks' byte counts \(counts) are not whole elements or exceed MPI's Int32 displacements")
        }
        var displacements = [Int32](repeating: 0, count: size)
        for r in 1..<max(1, size) { displacements[r] = displacements[r - 1] + counts[r - 1] }
        let total = counts.reduce(0) { $0 + Int($1) } / stride
        var out = [T](repeating: zero, count: max(1, total))
        let status = values.withUnsafeBytes { send in
            out.withUnsafeMutableBytes { recv in
                mpishim_allgatherv(send.baseAddress, Int32(values.count * stride), recv.baseAddress, counts, displacements)
            }
        }
        guard status == 0 else { throw .callFailed(call: "MPI_Allgatherv", rank: rank, reason: Self.lastError()) }
        return (0..<size).map { r in
            let from = Int(displacements[r]) / stride
            return Array(out[from..<(from + Int(counts[r]) / stride)])
        }
    }

    /// Every rank's `bytes` (any length), in rank order.
    public func allGatherBytes(_ bytes: [UInt8]) throws(ProcessGroupError) -> [[UInt8]] {
        try gatherVarying(bytes, zero: 0)
    }

    /// Prints `message` on stderr and stops every rank of the job (MPI_Abort, exit status 1).
    public func abort(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        mpishim_abort(1)
        exit(1)
    }

    /// Ends MPI for this process (call once, after the last collective call, on every rank).
    public func finalize() {
        _ = mpishim_finalize()
    }

    static func lastError() -> String { String(cString: mpishim_last_error()) }
}
