import Foundation
import _TestSupport
import Testing
import Geometry
@testable import SceneIO

/// numpy is the reference: files it writes must read back equal, files we write must load equal.
@Suite struct NpyNumpyInteropTests {
    @Test func weReadWhatNumpyWrites() throws {
        let dir = try TemporaryDirectory()
        try Python.check("""
        import numpy as np, sys, os
        d = sys.argv[1]
        a = (np.arange(24) * 37 % 101 - 50)
        np.save(os.path.join(d, 'u1.npy'), (a % 256).astype(np.uint8).reshape(2, 3, 4))
        np.save(os.path.join(d, 'u2.npy'), (a * 1000 % 65536).astype(np.uint16).reshape(4, 6))
        np.save(os.path.join(d, 'i4.npy'), (a * 100000).astype(np.int32).reshape(24, 1))
        np.save(os.path.join(d, 'i8.npy'), (a * 10**12).astype(np.int64))
        np.save(os.path.join(d, 'f2.npy'), (a / 8).astype(np.float16).reshape(8, 3))
        np.save(os.path.join(d, 'f4.npy'), (a / 3).astype(np.float32).reshape(8, 3))
        np.save(os.path.join(d, 'f8.npy'), (a / 3).astype(np.float64).reshape(8, 3))
        np.save(os.path.join(d, 'b1.npy'), (a > 0).reshape(6, 4))
        np.save(os.path.join(d, 'scalar.npy'), np.float32(2.5))
        np.save(os.path.join(d, 'empty.npy'), np.zeros((0, 3), np.float32))
        np.save(os.path.join(d, 'fortran1d.npy'), np.asfortranarray(np.arange(3, dtype=np.int32)))
        for v in [(2, 0), (3, 0)]:
            with open(os.path.join(d, 'v%d.npy' % v[0]), 'wb') as f:
                np.lib.format.write_array(f, (a / 3).astype(np.float32).reshape(8, 3), version=v)
        """, arguments: [dir.url.path])

        let a = (0..<24).map { ($0 * 37 % 101) - 50 }
        let u1 = try Npy.read(dir.file("u1.npy"))
        #expect(u1.shape == [2, 3, 4] && u1.dtype == .uint8)
        #expect(try u1.uint8s() == a.map { UInt8(($0 % 256 + 256) % 256) })
        #expect(try Npy.read(dir.file("u2.npy")).uint16s() == a.map { UInt16((($0 * 1000) % 65536 + 65536) % 65536) })
        #expect(try Npy.read(dir.file("i4.npy")).int32s() == a.map { Int32($0 * 100_000) })
        #expect(try Npy.read(dir.file("i8.npy")).int64s() == a.map { Int64($0) * 1_000_000_000_000 })
        #expect(try Npy.read(dir.file("f2.npy")).floats() == a.map { Float($0) / 8 })
        let f4 = try Npy.read(dir.file("f4.npy"))
        #expect(f4.shape == [8, 3])
        #expect(try f4.floats() == a.map { Float(Double($0) / 3) })
        #expect(try Npy.read(dir.file("f8.npy")).doubles() == a.map { Double($0) / 3 })
        let b1 = try Npy.read(dir.file("b1.npy"))
        #expect(b1.dtype == .bool)
        #expect(try b1.uint8s() == a.map { $0 > 0 ? 1 : 0 })
        let scalar = try Npy.read(dir.file("scalar.npy"))
        #expect(scalar.shape == [])
        #expect(try scalar.floats() == [2.5])
        let empty = try Npy.read(dir.file("empty.npy"))
        #expect(empty.shape == [0, 3] && empty.count == 0)
        #expect(try Npy.read(dir.file("fortran1d.npy")).int32s() == [0, 1, 2])
        #expect(try Npy.read(dir.file("v2.npy")) == f4)
        #expect(try Npy.read(dir.file("v3.npy")) == f4)
    }

    @Test func numpyReadsWhatWeWrite() throws {
        let dir = try TemporaryDirectory()
        var expected: [String] = []
        for dtype in NpyDType.allCases {
            let array = try NpyArray(shape: [3, 5], storage: sampleStorage(dtype, count: 15, seed: 9))
            try Npy.write(array, to: dir.file("\(dtype.rawValue).npy"))
            // The reference values travel as raw bytes next to the file, checked by numpy.
            try AtomicFile.write(Data(array.storage.withUnsafeBytes { Array($0) }), to: dir.file("\(dtype.rawValue).raw"))
            expected.append("\(dtype.rawValue):\(dtype.descr)")
        }
        try Npy.write(try NpyArray(shape: [], storage: .float64([3.25])), to: dir.file("scalar.npy"))
        try Npy.write(try NpyArray(shape: [0, 3], storage: .int64([])), to: dir.file("empty.npy"))
        let out = try Python.check("""
        import numpy as np, sys, os
        d = sys.argv[1]
        for item in sys.argv[2:]:
            name, descr = item.split(':')
            a = np.load(os.path.join(d, name + '.npy'))
            raw = np.fromfile(os.path.join(d, name + '.raw'), dtype=np.dtype(descr))
            assert a.shape == (3, 5), (name, a.shape)
            assert a.dtype == np.dtype(descr), (name, a.dtype)
            assert a.flags.c_contiguous
            assert np.array_equal(a.ravel().view(np.uint8), raw.view(np.uint8)), name
        s = np.load(os.path.join(d, 'scalar.npy'))
        assert s.shape == () and s == 3.25
        e = np.load(os.path.join(d, 'empty.npy'))
        assert e.shape == (0, 3) and e.dtype == np.int64
        print('ok')
        """, arguments: [dir.url.path] + expected)
        #expect(out.contains("ok"))
    }

    @Test func halfRoundingMatchesNumpy() throws {
        let dir = try TemporaryDirectory()
        var rng = SeededGenerator(seed: 4)
        // Cover normal, subnormal, overflow and exact-tie inputs.
        var values = (0..<20_000).map { _ in Float(bitPattern: UInt32.random(in: 0x3000_0000...0x4800_0000, using: &rng)) }
        values += (0..<2000).map { i in Float(i) * 0x1p-25 } + [65519, 65520, 1e9, -1e9, .infinity, -.infinity, 0, -0.0]
        try Npy.write(values, shape: [values.count], to: dir.file("f32.npy"))
        try Npy.writeFloat16(values, shape: [values.count], to: dir.file("f16.npy"))
        try Python.check("""
        import numpy as np, sys, os
        d = sys.argv[1]
        ref = np.load(os.path.join(d, 'f32.npy')).astype(np.float16)
        ours = np.load(os.path.join(d, 'f16.npy'))
        bad = np.nonzero(ref.view(np.uint16) != ours.view(np.uint16))[0]
        assert len(bad) == 0, (len(bad), ref[bad[:5]], ours[bad[:5]])
        """, arguments: [dir.url.path])
    }
}
