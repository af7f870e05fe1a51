import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a whole folder so that readers see the old one or the new one, never a mixture: everything goes into a
/// hidden sibling `.NAME.partial-<pid>-<uuid>`, renamed into place when complete; an existing folder is first
/// moved aside to `.NAME.old-<pid>-<uuid>` and deleted once the new one is in place. The pid in the names lets a
/// later writer recognise the leftovers of a killed one (`removeStale`).
public enum StagedFolder {
    /// Writes through `fill` (given the temporary folder) and renames into place at `destination`. If `fill`
    /// throws, the temporary folder is removed, `destination` is untouched and the error is passed on; a failed
    /// rename is `SceneIOError.unwritable`.
    public static func write<T>(to destination: URL, _ fill: (URL) throws -> T) throws -> T {
        let fm = FileManager.default
        let parent = destination.deletingLastPathComponent(), name = destination.lastPathComponent
        try? fm.createDirectory(at: parent, withIntermediateDirectories: true)
        removeStale(beside: destination)
        let tag = "\(getpid())-\(UUID().uuidString)"
        let temporary = parent.appendingPathComponent(".\(name).partial-\(tag)")
        let value: T
        do {
            try fm.createDirectory(at: temporary, withIntermediateDirectories: true)
            value = try fill(temporary)
        } catch {
            try? fm.removeItem(at: temporary)
            throw error
        }
        var aside: URL?
        if fm.fileExists(atPath: destination.path) {
            let old = parent.appendingPathComponent(".\(name).old-\(tag)")
            do { try fm.moveItem(at: destination, to: old) } catch {
                try? fm.removeItem(at: temporary)
                throw SceneIOError.unwritable(url: destination, reason: "cannot move the existing folder aside: \(error.localizedDescription)")
            }
            aside = old
        }
        do { try fm.moveItem(at: temporary, to: destination) } catch {
            if let aside { try? fm.moveItem(at: aside, to: destination) }
            try? fm.removeItem(at: temporary)
            throw SceneIOError.unwritable(url: destination, reason: "cannot rename the new folder into place: \(error.localizedDescription)")
        }
        if let aside { try? fm.removeItem(at: aside) }
        return value
    }

    /// Removes the `.NAME.partial-*` and `.NAME.old-*` siblings of `destination` left by writers that are no longer
    /// running (their pid is gone, or the name carries none); an `.old-` folder is moved back when `destination`
    /// is missing (a writer killed between its two renames). Returns the names removed or restored.
    @discardableResult
    public static func removeStale(beside destination: URL) -> [String] {
        let fm = FileManager.default
        let parent = destination.deletingLastPathComponent(), name = destination.lastPathComponent
        var handled: [String] = []
        for entry in ((try? fm.contentsOfDirectory(atPath: parent.path)) ?? []).sorted() {
            for kind in ["partial", "old"] {
                let prefix = ".\(name).\(kind)-"
                guard entry.hasPrefix(prefix), !isRunning(tag: entry.dropFirst(prefix.count)) else { continue }
                let url = parent.appendingPathComponent(entry)
                if kind == "old" && !fm.fileExists(atPath: destination.path), (try? fm.moveItem(at: url, to: destination)) != nil {
                    handled.append(entry)
                } else if (try? fm.removeItem(at: url)) != nil {
                    handled.append(entry)
                }
            }
        }
        return handled
    }

    /// Whether the pid at the start of `tag` (`<pid>-<uuid>`) is a live process other than a recycled one we
    /// cannot tell apart; names without a pid are from older writers and count as stale.
    static func isRunning(tag: Substring) -> Bool {
        guard let dash = tag.firstIndex(of: "-"), let pid = Int32(tag[..<dash]), pid > 0 else { return false }
        if pid == getpid() { return true }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
