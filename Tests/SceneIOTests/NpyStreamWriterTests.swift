import Foundation
import _TestSupport
import Testing
@testable import SceneIO

/// `NpyStreamWriter` and `SceneCorrespondenceWriter`: arrays written a batch of rows at a time must be the same
/// bytes as the whole array written at once, load in numpy, and never appear half-written under the final name.
@Suite struct NpyStreamWriterTests {
    /// Values that are not all alike, so a dropped, repeated or misplaced batch changes the bytes.
    static func ints(_ count: Int) -> [Int32] { (0..<count).map { Int32(($0 * 7919) % 100_003) - 50_000 } }
    static func floats(_ count: Int) -> [Float] { (0..<count).map { Float(($0 * 31) % 977) / 7 - 60 } }

    @Test(arguments: [0, 1, 5, 40_000])
    func batchesGiveTheBytesOfTheWholeArray(rows: Int) throws {
        let dir = try TemporaryDirectory()
        let ints = Self.ints(rows), floats = Self.floats(2 * rows)
        let intWriter = try NpyStreamWriter(url: dir.file("i.npy"), dtype: .int32)
        let floatWriter = try NpyStreamWriter(url: dir.file("f.npy"), dtype: .float32, rowShape: [2])
        // Uneven batches, empty ones included.
        var start = 0, size = 0
        while start < rows {
            let end = min(rows, start + size)
            try intWriter.append(Array(ints[start..<end]))
            try floatWriter.append(Array(floats[(2 * start)..<(2 * end)]))
            start = end
            size = size * 3 + 1
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("i.npy").path))
        #expect(try intWriter.finish() == [rows])
        #expect(try floatWriter.finish() == [rows, 2])
        try Npy.write(ints, shape: [rows], to: dir.file("i-whole.npy"))
        try Npy.write(floats, shape: [rows, 2], to: dir.file("f-whole.npy"))
        #expect(try Data(contentsOf: dir.file("i.npy")) == Data(contentsOf: dir.file("i-whole.npy")))
        #expect(try Data(contentsOf: dir.file("f.npy")) == Data(contentsOf: dir.file("f-whole.npy")))
        let f = try Npy.read(dir.file("f.npy"))
        #expect(f.shape == [rows, 2] && f.dtype == .float32)
        #expect(try f.floats() == floats)
        #expect(try Npy.read(dir.file("i.npy")).int32s() == ints)
        // Only the four arrays: no temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted()
                == ["f-whole.npy", "f.npy", "i-whole.npy", "i.npy"])
    }

    @Test func numpyLoadsTheStreamedArrays() throws {
        let dir = try TemporaryDirectory()
        let writer = try NpyStreamWriter(url: dir.file("uv.npy"), dtype: .float32, rowShape: [2])
        try writer.append(Self.floats(6))
        try writer.append(Self.floats(4))
        try writer.finish()
        let offsets = try NpyStreamWriter(url: dir.file("o.npy"), dtype: .int64)
        try offsets.append([Int64(0), 5_000_000_000])
        try offsets.finish()
        let floats = Self.floats(6) + Self.floats(4)
        try Python.check("""
        import numpy as np, sys, os
        d = sys.argv[1]
        uv = np.load(os.path.join(d, 'uv.npy'))
        assert uv.dtype == np.float32 and uv.shape == (5, 2), (uv.dtype, uv.shape)
        expected = np.array([\(floats.map { "\($0)" }.joined(separator: ", "))], dtype=np.float32).reshape(5, 2)
        assert (uv == expected).all(), uv
        o = np.load(os.path.join(d, 'o.npy'))
        assert o.dtype == np.int64 and o.tolist() == [0, 5000000000], o
        raw = open(os.path.join(d, 'uv.npy'), 'rb').read()
        assert raw[:8] == b'\\x93NUMPY\\x01\\x00', raw[:8]
        start = 10 + int.from_bytes(raw[8:10], 'little')
        assert start % 64 == 0 and len(raw) == start + 40, (start, len(raw))
        """, arguments: [dir.url.path])
    }

    /// Many dimensions: the header for the final shape is shorter than the room reserved for the largest one,
    /// so the rows are moved behind it; the bytes are still those of the whole array.
    @Test func aShorterFinalHeaderMovesTheRows() throws {
        let dir = try TemporaryDirectory()
        let rowShape = [Int](repeating: 1, count: 17)
        let values = Self.ints(3)
        let writer = try NpyStreamWriter(url: dir.file("deep.npy"), dtype: .int32, rowShape: rowShape)
        try writer.append(Array(values[0..<1]))
        try writer.append(Array(values[1..<3]))
        #expect(try writer.finish() == [3] + rowShape)
        try Npy.write(values, shape: [3] + rowShape, to: dir.file("whole.npy"))
        let streamed = try Data(contentsOf: dir.file("deep.npy"))
        #expect(streamed == (try Data(contentsOf: dir.file("whole.npy"))))
        #expect(streamed.count == 128 + 12)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted() == ["deep.npy", "whole.npy"])
    }

    /// A write that stops before `finish` (an error, a cancel, or the process killed) leaves nothing under the final
    /// name; the rows live only in a hidden temporary sibling, which an abandoned writer removes.
    @Test func anUnfinishedWriteLeavesNoFileUnderTheFinalName() throws {
        let dir = try TemporaryDirectory()
        var writer: NpyStreamWriter? = try NpyStreamWriter(url: dir.file("corr_point.npy"), dtype: .int32)
        try writer?.append(Self.ints(1000))
        let during = try FileManager.default.contentsOfDirectory(atPath: dir.url.path)
        #expect(during.count == 1)
        #expect(during.allSatisfy { $0.hasPrefix(".corr_point.npy.tmp-") })
        // What a killed process leaves is that hidden file: no reader takes it for the array.
        #expect(throws: SceneIOError.self) { try Npy.read(dir.file("corr_point.npy")) }
        writer = nil
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty)

        let cancelled = try NpyStreamWriter(url: dir.file("a.npy"), dtype: .float32)
        try cancelled.append(Self.floats(4))
        cancelled.cancel()
        #expect(throws: SceneIOError.self) { try cancelled.finish() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty)
    }

    @Test func rowsOfTheWrongTypeOrSizeAreRefused() throws {
        let dir = try TemporaryDirectory()
        let writer = try NpyStreamWriter(url: dir.file("uv.npy"), dtype: .float32, rowShape: [2])
        #expect(throws: SceneIOError.self) { try writer.append([Int32(1), 2]) }
        let odd = try NpyStreamWriter(url: dir.file("uv2.npy"), dtype: .float32, rowShape: [2])
        #expect(throws: SceneIOError.self) { try odd.append([Float(1), 2, 3]) }
        // Nothing refused reached the file, and the writer goes on.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).allSatisfy { $0.hasPrefix(".uv") })
        try writer.append([Float(1), 2])
        #expect(try writer.finish() == [1, 2])
        #expect(try Npy.read(dir.file("uv.npy")).floats() == [1, 2])
    }

    /// The scene contract's streamed table: the same files as `SceneCorrespondences.write`, read back equal, and a
    /// bad row named by its index in the whole table.
    @Test func correspondenceTableWrittenViewByViewEqualsTheWholeTable() throws {
        let dir = try TemporaryDirectory()
        let n = 50
        let views: [(points: [Int32], uv: [Float])] = [([3, 7, 9], Self.floats(6)), ([], []), ((0..<50).map(Int32.init), Self.floats(100))]
        let sourceView = (0..<n).map { Int32($0 % 4) - 1 }, sourceUV = Self.floats(2 * n)
        let streamedURL = dir.file("streamed"), wholeURL = dir.file("whole")
        var streamed = try SceneFolder.create(at: streamedURL)
        let writer = try SceneCorrespondenceWriter(directory: streamedURL, pointCount: n)
        for view in views { try writer.append(points: view.points, uv: view.uv) }
        #expect(writer.count == 53 && writer.viewCount == 3)
        try writer.finish(into: &streamed, sourceView: sourceView, sourceUV: sourceUV)

        let table = SceneCorrespondences(offsets: [0, 3, 3, 53], points: views.flatMap(\.points), uv: views.flatMap(\.uv),
                                         sourceView: sourceView, sourceUV: sourceUV)
        var whole = try SceneFolder.create(at: wholeURL)
        try table.write(to: &whole, pointCount: n)
        for file in SceneArtefact.correspondences.files {
            #expect(try Data(contentsOf: streamed.url(of: file)) == Data(contentsOf: whole.url(of: file)), "\(file)")
        }
        #expect(streamed.manifest == whole.manifest)
        #expect(try SceneCorrespondences.read(from: SceneFolder(streamedURL), pointCount: n) == table)

        let bad = try SceneCorrespondenceWriter(directory: dir.url, pointCount: n)
        try bad.append(points: [1, 2], uv: Self.floats(4))
        #expect(throws: SceneContractError.outOfRange(file: dir.file("corr_point.npy"), index: 3, value: 50, valid: "0..<50")) {
            try bad.append(points: [4, 50], uv: Self.floats(4))
        }
        #expect(throws: SceneContractError.nonFinite(file: dir.file("corr_uv.npy"), index: 5, value: .infinity)) {
            try bad.append(points: [4], uv: [1, .infinity])
        }
    }
}
