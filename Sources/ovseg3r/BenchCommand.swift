import ArgumentParser

/// `ovseg3r bench …`: performance figures (release build). Minimal group; the integrator merges the full one.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure performance figures (build with -c release).",
        subcommands: [BenchTensorCommand.self]
    )
}
