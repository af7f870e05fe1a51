import Foundation

/// A fresh folder under the system's temporary directory, removed when the value is released.
public final class TemporaryDirectory {
    public let url: URL

    /// `tag` names the folder (`<tag>-<UUID>`), so a failed test's leftovers say where they came from.
    public init(_ tag: String = "tests") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(tag)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// A path inside the folder (not created).
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }
}

/// A fresh folder under the system's temporary directory that outlives the call (the caller removes it, or the
/// system's temporary-file cleanup does). Creation errors surface at the first write into it.
public func temporaryFolder(_ tag: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(tag)-\(UUID().uuidString)", isDirectory: true)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The repository's folders, located from this source file (`Tests/_TestSupport/`).
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    public static var data: URL { root.appendingPathComponent("data") }
    public static var tools: URL { root.appendingPathComponent("tools") }
}
