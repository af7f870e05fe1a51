import Foundation

/// How the demo starts its train stage on several cores: `mpirun` with the options that work on one machine.
enum TrainLauncher {
    /// `mpirun -np N` for `ranks` > 1 when mpirun is on PATH and N divides the plan's scenes per step; otherwise
    /// empty (one process) with a note on stderr. As root OpenMPI also wants `--allow-run-as-root`; `--bind-to none`
    /// leaves the ranks free to move on a machine shared with other work (binding to cores is OpenMPI's default), and
    /// `mpi_yield_when_idle` makes a rank that waits for the other's gradients yield its core instead of spinning.
    static func mpirun(ranks: Int, scenesPerStep: Int) -> [String] {
        guard ranks > 1 else { return [] }
        guard let mpirun = findOnPath("mpirun") else {
            note("mpirun not found (install openmpi-bin, tools/setup.sh does): training in one process; same result, about \(ranks)× slower")
            return []
        }
        guard scenesPerStep % ranks == 0 else {
            note("\(ranks) ranks do not divide \(scenesPerStep) scenes per step: training in one process")
            return []
        }
        var command = [mpirun, "-np", "\(ranks)", "--bind-to", "none", "--mca", "mpi_yield_when_idle", "1"]
        if getuid() == 0 { command.append("--allow-run-as-root") }
        return command
    }

    static func findOnPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static func note(_ text: String) {
        FileHandle.standardError.write(Data("demo: note: \(text)\n".utf8))
    }
}
