import Foundation
import _TestSupport
import Testing
@testable import SceneIO

/// Folders written whole: the new one or the old one, never a mixture, and no leftovers of killed writers.
@Suite struct StagedFolderTests {
    struct Refused: Error {}

    func siblings(_ dir: TemporaryDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.url.path)) ?? []).filter { $0.hasPrefix(".") }.sorted()
    }

    @Test func aCompleteWriteReplacesTheOldFolderAndLeavesNothingBehind() throws {
        let dir = try TemporaryDirectory()
        let out = dir.file("video")
        try StagedFolder.write(to: out) { try Data("one".utf8).write(to: $0.appendingPathComponent("a.txt")) }
        try StagedFolder.write(to: out) { try Data("two".utf8).write(to: $0.appendingPathComponent("b.txt")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["b.txt"])
        #expect(siblings(dir).isEmpty)
    }

    @Test func aFailingWriteLeavesTheOldFolderUntouched() throws {
        let dir = try TemporaryDirectory()
        let out = dir.file("video")
        try StagedFolder.write(to: out) { try Data("one".utf8).write(to: $0.appendingPathComponent("a.txt")) }
        #expect(throws: Refused.self) {
            try StagedFolder.write(to: out) { folder -> Void in
                try Data("half".utf8).write(to: folder.appendingPathComponent("b.txt"))
                throw Refused()
            }
        }
        #expect(try String(contentsOf: out.appendingPathComponent("a.txt"), encoding: .utf8) == "one")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("b.txt").path))
        #expect(siblings(dir).isEmpty)
    }

    @Test func leftoversOfKilledWritersAreCleanedUpOrRestored() throws {
        let dir = try TemporaryDirectory()
        let out = dir.file("video")
        let fm = FileManager.default
        // A pid no process has (above Linux's pid_max), a name from before pids were recorded, and one of this process.
        let dead = dir.file(".video.partial-999999999-x"), legacy = dir.file(".video.partial-1B2C"), mine = dir.file(".video.partial-\(ProcessInfo.processInfo.processIdentifier)-y")
        let old = dir.file(".video.old-999999999-z")
        for folder in [dead, legacy, mine, old] { try fm.createDirectory(at: folder, withIntermediateDirectories: true) }
        try Data("kept".utf8).write(to: old.appendingPathComponent("a.txt"))
        let handled = StagedFolder.removeStale(beside: out)
        #expect(Set(handled) == [".video.partial-999999999-x", ".video.partial-1B2C", ".video.old-999999999-z"])
        // The destination was missing: the old folder of a writer killed between its renames comes back.
        #expect(try String(contentsOf: out.appendingPathComponent("a.txt"), encoding: .utf8) == "kept")
        #expect(siblings(dir) == [".video.partial-\(ProcessInfo.processInfo.processIdentifier)-y"])
        // Folders of other names are never touched.
        let other = dir.file(".scene.partial-999999999-x")
        try fm.createDirectory(at: other, withIntermediateDirectories: true)
        StagedFolder.removeStale(beside: out)
        #expect(fm.fileExists(atPath: other.path))
    }
}
