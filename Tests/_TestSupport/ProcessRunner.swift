import Foundation
import Support

/// What a finished child process left: its exit status and everything it wrote.
public struct ProcessOutput: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `executable` (a path, or a name looked up on `PATH` through `/usr/bin/env`) with `arguments`,
/// writes `input` to its stdin if given, and waits for it.
///
/// The child's stdout and stderr go to temporary files rather than pipes, so a child that writes a lot to
/// one stream while the test reads the other can never block (the deadlock of reading two pipes in turn).
public func runProcess(_ executable: String, _ arguments: [String] = [], input: String? = nil) throws -> ProcessOutput {
    let process = Process()
    if executable.hasPrefix("/") {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
    } else {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
    }
    let manager = FileManager.default
    let folder = manager.temporaryDirectory.appendingPathComponent("process-\(UUID().uuidString)", isDirectory: true)
    try manager.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? manager.removeItem(at: folder) }
    let outURL = folder.appendingPathComponent("stdout"), errURL = folder.appendingPathComponent("stderr")
    _ = manager.createFile(atPath: outURL.path, contents: nil)
    _ = manager.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
    defer {
        try? out.close()
        try? err.close()
    }
    process.standardOutput = out
    process.standardError = err
    let stdin = Pipe()
    if input != nil { process.standardInput = stdin }
    // Not process.run(): a test runs on a worker thread whose blocked signals the child would inherit.
    try ChildProcess.start(process)
    if let input {
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
    }
    ChildProcess.waitUntilExit(process)
    return ProcessOutput(status: process.terminationStatus,
                         stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                         stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

/// Starts `process` without waiting, as a shell would: with no signal blocked (a test runs on a worker thread whose
/// blocked signals the child would otherwise inherit). Wait for it with `waitForStarted(_:)`.
public func startProcess(_ process: Process) throws {
    try ChildProcess.start(process)
}

/// Waits for a process that `startProcess(_:)` started.
public func waitForStarted(_ process: Process) {
    ChildProcess.waitUntilExit(process)
}
