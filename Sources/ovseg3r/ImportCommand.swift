import ArgumentParser

/// `ovseg3r import`: converts public RGB-D data set layouts into the toolkit's video folder.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a public RGB-D data set sequence into a video folder.",
        subcommands: [
            ImportTUMCommand.self,
            ImportScanNetCommand.self,
            ImportScanNetGTCommand.self,
        ]
    )
}
