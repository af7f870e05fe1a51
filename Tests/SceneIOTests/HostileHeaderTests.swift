import Foundation
import _TestSupport
import Testing
@testable import SceneIO

/// Crafted headers whose counts would overflow or ask for memory far beyond the file: typed errors, no allocation.
@Suite struct HostileHeaderTests {
    static func plyError(_ text: String, body: [UInt8] = [], in dir: TemporaryDirectory) throws -> SceneIOError? {
        let url = dir.file("hostile.ply")
        try Data(Array(text.utf8) + body).write(to: url)
        do {
            _ = try Ply.read(url)
            return nil
        } catch {
            #expect(error.description.contains(url.path))
            return error
        }
    }

    @Test(arguments: ["binary_little_endian", "binary_big_endian", "ascii"])
    func elementCountsNearTwoToTheSixtyTwo(format: String) throws {
        let dir = try TemporaryDirectory()
        let count = (1 << 62) + 3
        let text = "ply\nformat \(format) 1.0\nelement vertex \(count)\nproperty float x\nproperty float y\nproperty float z\nend_header\n"
        let error = try Self.plyError(text, body: [UInt8](repeating: 0, count: 24), in: dir)
        guard case let .plyElementTooLarge(_, element, found, _, bodyBytes)? = error else {
            Issue.record("expected plyElementTooLarge, got \(String(describing: error))"); return
        }
        #expect(element == "vertex" && found == count && bodyBytes == 24)
    }

    @Test func hugeFaceCountsFailBeforeAllocating() throws {
        let dir = try TemporaryDirectory()
        let text = "ply\nformat binary_little_endian 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\n"
            + "element face 4000000000000\nproperty list uchar int vertex_indices\nend_header\n"
        let error = try Self.plyError(text, body: [UInt8](repeating: 0, count: 12 + 13), in: dir)
        #expect(error == .plyTruncated(url: dir.file("hostile.ply"), element: "face", record: 13, of: 4_000_000_000_000))
    }

    @Test func elementsWithoutPropertiesCannotLoopForever() throws {
        let dir = try TemporaryDirectory()
        let text = "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\n"
            + "element junk 9000000000000000000\nend_header\n1 2 3\n"
        let error = try Self.plyError(text, in: dir)
        guard case .plyTruncated(_, "junk", _, 9_000_000_000_000_000_000)? = error else {
            Issue.record("expected plyTruncated for junk, got \(String(describing: error))"); return
        }
    }

    /// A .sens whose intrinsics entry `index` (of the color or depth matrix) is `value`.
    static func sensError(depth: Bool, index: Int, value: Float, in dir: TemporaryDirectory) throws -> SceneIOError? {
        let url = dir.file("hostile.sens")
        try makeSensFile(at: url)
        var bytes = try [UInt8](Data(contentsOf: url))
        let nameLength = Int(bytes[4]) // u64 little-endian, short name
        let matrixStart = 4 + 8 + nameLength + (depth ? 2 * 64 : 0)
        let bits = value.bitPattern.littleEndian
        for k in 0..<4 { bytes[matrixStart + 4 * index + k] = UInt8(truncatingIfNeeded: bits >> (8 * k)) }
        try Data(bytes).write(to: url)
        do {
            _ = try ScanNetSensFile(url)
            return nil
        } catch { return error }
    }

    @Test(arguments: [(false, 0, Float.nan), (false, 5, .infinity), (true, 0, 0), (true, 5, -20), (false, 2, .nan)])
    func sensIntrinsicsMustBeFinite(depth: Bool, index: Int, value: Float) throws {
        let dir = try TemporaryDirectory()
        let error = try Self.sensError(depth: depth, index: index, value: value, in: dir)
        guard case let .sensMalformed(url, reason)? = error else { Issue.record("accepted \(value) at \(index)"); return }
        #expect(url == dir.file("hostile.sens"))
        #expect(reason.contains(depth ? "depth intrinsics" : "color intrinsics") && reason.contains("matrix entry \(index)"))
    }

    @Test func sensFrameCountBeyondTheFileIsRefused() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("count.sens")
        try makeSensFile(at: url)
        var bytes = try [UInt8](Data(contentsOf: url))
        let nameLength = Int(bytes[4])
        let countOffset = 4 + 8 + nameLength + 4 * 64 + 4 + 4 + 16 + 4
        for k in 0..<8 { bytes[countOffset + k] = 0xff }
        try Data(bytes).write(to: url)
        #expect(throws: SceneIOError.self) { _ = try ScanNetSensFile(url) }
    }
}
