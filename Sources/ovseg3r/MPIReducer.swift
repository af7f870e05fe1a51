import Foundation
import ProcessGroup
import Tensor
import Train

/// Train's `GradientReducer` over the ranks of an `mpirun` job.
final class MPIReducer: GradientReducer {
    let group: MPIProcessGroup
    var rank: Int { group.rank }
    var size: Int { group.size }

    init(_ group: MPIProcessGroup) { self.group = group }

    func allGather(_ values: [Float]) throws -> [[Float]] { try group.allGatherVarying(values) }
    func allGatherBytes(_ bytes: [UInt8]) throws -> [[UInt8]] { try group.allGatherBytes(bytes) }
}

/// How `ovseg3r train` runs: one process (no MPI launcher in the environment), or one rank of an `mpirun` job.
enum TrainLaunch {
    case single
    case ranks(MPIProcessGroup)

    /// Starts MPI when an MPI launcher started this process; each rank then computes on one thread (BLAS and the
    /// tensor workers), so N ranks on N cores do not oversubscribe them.
    static func detect() throws -> TrainLaunch {
        guard MPIProcessGroup.launcher() != nil else { return .single }
        let group = try MPIProcessGroup()
        setBLASThreads(1)
        TensorThreads.workers = 1
        TensorThreads.sparseWorkers = 1
        return .ranks(group)
    }

    var reducer: any GradientReducer {
        switch self {
        case .single: return LocalReducer()
        case let .ranks(group): return MPIReducer(group)
        }
    }

    var isLead: Bool {
        if case let .ranks(group) = self { return group.rank == 0 }
        return true
    }

    /// Runs `body`; on a rank of a multi-rank job an error stops every rank with a message naming this rank, and
    /// success ends MPI cleanly.
    func run(_ body: () throws -> Void) throws {
        guard case let .ranks(group) = self else { return try body() }
        do {
            try body()
        } catch {
            group.abort("ovseg3r train: rank \(group.rank) of \(group.size) failed: \(error)")
        }
        group.finalize()
    }
}
