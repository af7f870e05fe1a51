import Foundation
import Tensor

/// `OVSEG3R_THREADS=N`: at most N threads for the tensor kernels (the attention heads' workers and the sparse
/// convolutions' workers; BLAS stays at one thread). `ovseg3r experiment run --jobs J` sets it to cores / J for its
/// children and `tools/ray_experiment.py` to each task's CPUs, so parallel jobs do not oversubscribe the cores.
/// Results do not depend on it (the workers own disjoint output rows).
enum ThreadLimit {
    static let variable = "OVSEG3R_THREADS"

    /// The limit the environment asks for, nil when the variable is unset; throws on a value that is not an integer ≥ 1.
    static func requested(in environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int? {
        guard let text = environment[variable] else { return nil }
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 1 else {
            throw ThreadLimitError(value: text)
        }
        return n
    }

    /// Applies the environment's limit; an invalid value ends the process with a message naming the variable.
    static func applyFromEnvironment() {
        do {
            guard let n = try requested() else { return }
            TensorThreads.workers = min(TensorThreads.workers, n)
            TensorThreads.sparseWorkers = min(TensorThreads.sparseWorkers, n)
        } catch {
            FileHandle.standardError.write(Data("ovseg3r: \(error)\n".utf8))
            exit(64)
        }
    }
}

struct ThreadLimitError: Error, CustomStringConvertible {
    let value: String
    var description: String { "\(ThreadLimit.variable)=\(value): expected an integer ≥ 1 (the tensor kernels' thread limit)" }
}
