import Foundation
import SceneIO
import Support

/// One step of the demo: a child `ovseg3r` invocation and the file whose presence means it is done, or, for the
/// scene stages, the scene contract's verdict (the rule `prepare` uses: files present and the same options).
struct DemoStage: Sendable {
    let name: String
    let arguments: [String]
    let output: URL
    /// A launcher and its arguments that start the executable (e.g. `mpirun -np 2`); empty: run it directly.
    var launcher: [String] = []

    /// For a scene stage: the scene folder, the stage and the options it must have been made with.
    var sceneStage: (scene: URL, stage: SceneStage, options: [String: String])?

    var isDone: Bool {
        if let sceneStage {
            guard let folder = try? SceneFolder(sceneStage.scene) else { return false }
            return folder.status(of: sceneStage.stage, options: sceneStage.options) == .done
        }
        return FileManager.default.fileExists(atPath: output.path)
    }
}

/// The outcome of one stage, for the closing summary.
struct DemoStageOutcome: Sendable {
    enum Status: String, Sendable { case ran, skipped, failed }
    let name: String
    let status: Status
    let seconds: Double
}

/// Why the demo stopped.
enum DemoError: Error, CustomStringConvertible {
    case stageFailed(stage: String, status: Int32, command: String)
    case cannotLaunch(executable: String, reason: String)

    var description: String {
        switch self {
        case let .stageFailed(stage, status, command):
            return "stage \"\(stage)\" failed with exit status \(status); re-run it alone to see its error:\n  \(command)"
        case let .cannotLaunch(executable, reason):
            return "cannot start \(executable): \(reason)"
        }
    }
}

/// Runs stages as child processes of this same executable, so each stage is exactly the command a user
/// would type (its progress bar and errors show through on stderr).
struct DemoRunner {
    let executable: URL

    init() {
        // /proc/self/exe is this binary even when it was started through a relative path or PATH lookup.
        let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        executable = URL(fileURLWithPath: resolved)
    }

    func run(_ stage: DemoStage) throws -> DemoStageOutcome {
        if stage.isDone {
            FileHandle.standardError.write(Data("demo: \(stage.name): done already (\(stage.output.path))\n".utf8))
            return DemoStageOutcome(name: stage.name, status: .skipped, seconds: 0)
        }
        FileHandle.standardError.write(Data("demo: \(stage.name)\n".utf8))
        let process = Process()
        let command = stage.launcher + [executable.path] + stage.arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let start = Date()
        do { try ChildProcess.start(process) } catch {
            throw DemoError.cannotLaunch(executable: command[0], reason: error.localizedDescription)
        }
        ChildProcess.waitUntilExit(process)
        let seconds = Date().timeIntervalSince(start)
        guard process.terminationStatus == 0 else {
            let command = command.joined(separator: " ")
            throw DemoError.stageFailed(stage: stage.name, status: process.terminationStatus, command: command)
        }
        return DemoStageOutcome(name: stage.name, status: .ran, seconds: seconds)
    }
}
