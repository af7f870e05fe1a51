import Foundation

/// The built executable was not found where `builtExecutable(named:)` looks.
public struct ExecutableNotFound: Error, CustomStringConvertible {
    public let searched: [String]
    public var description: String {
        "executable not found (run `swift build --build-tests`); searched: \(searched.joined(separator: ", "))"
    }
}

/// A product of this package built next to the tests: found, in order, from `$OVSEG3R_BIN` (for `ovseg3r`), next to
/// the test bundle (SwiftPM puts both in the same products folder), or in `.build/{debug,release}/` above the
/// working directory.
public func builtExecutable(named name: String = "ovseg3r") throws -> URL {
    var candidates: [URL] = []
    if name == "ovseg3r", let path = ProcessInfo.processInfo.environment["OVSEG3R_BIN"] {
        candidates.append(URL(fileURLWithPath: path))
    }
    var productDirectories: [URL] = []
    if let executable = Bundle.main.executableURL { productDirectories.append(executable.deletingLastPathComponent()) }
    productDirectories.append(Bundle.main.bundleURL.deletingLastPathComponent())
    productDirectories.append(Bundle.main.bundleURL)
    if let first = CommandLine.arguments.first {
        productDirectories.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
    }
    candidates += productDirectories.map { $0.appendingPathComponent(name) }
    var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    for _ in 0..<6 {
        candidates.append(directory.appendingPathComponent(".build/debug/\(name)"))
        candidates.append(directory.appendingPathComponent(".build/release/\(name)"))
        directory.deleteLastPathComponent()
    }
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            return candidate
        }
    }
    throw ExecutableNotFound(searched: candidates.map(\.path))
}

/// The path of `name` on `PATH`, if any (e.g. `mpirun`).
public func executableOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
        return "\(folder)/\(name)"
    }
    return nil
}
