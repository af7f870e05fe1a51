import Foundation
import _TestSupport
import Testing
@testable import SceneIO

/// Damaged or unsupported files must fail with the matching typed error naming the file.
@Suite struct NpyErrorTests {
    static func valid() throws -> [UInt8] {
        Npy.encode(try NpyArray([Float](repeating: 0.5, count: 12), shape: [4, 3]))
    }

    /// Writes `bytes` and returns the error `Npy.read` throws (nil when it succeeds).
    static func readError(_ bytes: [UInt8], in dir: TemporaryDirectory) throws -> SceneIOError? {
        let url = dir.file("bad.npy")
        try Data(bytes).write(to: url)
        do {
            _ = try Npy.read(url)
            return nil
        } catch {
            #expect(error.description.contains(url.path))
            return error
        }
    }

    @Test func badMagic() throws {
        let dir = try TemporaryDirectory()
        var bytes = try Self.valid()
        bytes[1] = UInt8(ascii: "X")
        guard case .npyBadMagic? = try Self.readError(bytes, in: dir) else { Issue.record("expected bad magic"); return }
        guard case .npyBadMagic? = try Self.readError(Array("hello".utf8), in: dir) else { Issue.record("short file"); return }
        guard case .npyBadMagic? = try Self.readError([], in: dir) else { Issue.record("empty file"); return }
    }

    @Test func truncatedDataAndTrailingBytes() throws {
        let dir = try TemporaryDirectory()
        let bytes = try Self.valid()
        let truncated = try Self.readError(Array(bytes.dropLast(5)), in: dir)
        #expect(truncated == .npyDataSizeMismatch(url: dir.file("bad.npy"), expectedBytes: 48, actualBytes: 43))
        let trailing = try Self.readError(bytes + [0, 0], in: dir)
        #expect(trailing == .npyDataSizeMismatch(url: dir.file("bad.npy"), expectedBytes: 48, actualBytes: 50))
        #expect(throws: SceneIOError.self) { try Npy.decode(Array(bytes.dropLast(1)), url: dir.file("m.npy")) }
    }

    @Test func truncatedHeader() throws {
        let dir = try TemporaryDirectory()
        let bytes = try Self.valid()
        guard case .npyMalformedHeader? = try Self.readError(Array(bytes.prefix(40)), in: dir) else {
            Issue.record("expected malformed header"); return
        }
    }

    @Test func unsupportedVersion() throws {
        let dir = try TemporaryDirectory()
        var bytes = try Self.valid()
        bytes[6] = 4
        #expect(try Self.readError(bytes, in: dir) == .npyUnsupportedVersion(url: dir.file("bad.npy"), major: 4, minor: 0))
    }

    @Test func garbageHeaderDictionary() throws {
        let dir = try TemporaryDirectory()
        var bytes = try Self.valid()
        bytes[10] = UInt8(ascii: "#")
        guard case .npyMalformedHeader? = try Self.readError(bytes, in: dir) else { Issue.record("expected malformed"); return }
    }

    @Test func numpyFilesWeRefuse() throws {
        let dir = try TemporaryDirectory()
        try Python.check("""
        import numpy as np, sys, os
        d = sys.argv[1]
        np.save(os.path.join(d, 'fortran.npy'), np.asfortranarray(np.ones((3, 4), np.float32)))
        np.save(os.path.join(d, 'big.npy'), np.ones(4, dtype='>f4'))
        np.save(os.path.join(d, 'object.npy'), np.array([{'a': 1}], dtype=object), allow_pickle=True)
        np.save(os.path.join(d, 'complex.npy'), np.ones(2, np.complex64))
        np.save(os.path.join(d, 'structured.npy'), np.zeros(2, dtype=[('x', '<f4'), ('y', '<i4')]))
        """, arguments: [dir.url.path])
        #expect(throws: SceneIOError.npyFortranOrder(url: dir.file("fortran.npy"), shape: [3, 4])) {
            try Npy.read(dir.file("fortran.npy"))
        }
        #expect(throws: SceneIOError.npyBigEndian(url: dir.file("big.npy"), descr: ">f4")) {
            try Npy.read(dir.file("big.npy"))
        }
        for name in ["object", "complex"] {
            #expect { try Npy.read(dir.file("\(name).npy")) } throws: { error in
                guard case .npyUnsupportedDType(let url, _, _)? = error as? SceneIOError else { return false }
                return url == dir.file("\(name).npy")
            }
        }
        #expect { try Npy.read(dir.file("structured.npy")) } throws: { error in
            guard case .npyMalformedHeader? = error as? SceneIOError else { return false }
            return true
        }
    }

    @Test func missingFileNamesThePath() throws {
        let url = URL(fileURLWithPath: "/nonexistent/dir/x.npy")
        #expect { try Npy.read(url) } throws: { error in
            guard case .unreadable(let u, _)? = error as? SceneIOError else { return false }
            return u == url && "\(error)".contains("/nonexistent/dir/x.npy")
        }
        #expect(throws: SceneIOError.self) { try Npy.write([1] as [Float], shape: [1], to: url) }
    }
}
