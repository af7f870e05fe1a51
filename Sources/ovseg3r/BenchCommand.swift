import ArgumentParser

/// `ovseg3r bench`: micro-benchmarks of the toolkit's layers. Each subcommand prints medians; the
/// scripts in tools/ run the matching reference (numpy, ...) in the same session and report ratios.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Micro-benchmarks (run a release build).",
        subcommands: [
            BenchIOCommand.self,
            BenchTensorCommand.self,
            BenchSparseCommand.self,
        ]
    )
}
