import Foundation
import _TestSupport
import Testing
import Geometry
@testable import SceneIO

/// Deterministic sample storage of `count` elements of `dtype`, covering sign and range extremes.
func sampleStorage(_ dtype: NpyDType, count: Int, seed: UInt64 = 1) -> NpyStorage {
    var rng = SeededGenerator(seed: seed)
    switch dtype {
    case .bool: return .bool((0..<count).map { _ in UInt8.random(in: 0...1, using: &rng) })
    case .uint8: return .uint8((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &rng) })
    case .uint16: return .uint16((0..<count).map { _ in UInt16.random(in: .min ... .max, using: &rng) })
    case .int32: return .int32((0..<count).map { _ in Int32.random(in: .min ... .max, using: &rng) })
    case .int64: return .int64((0..<count).map { _ in Int64.random(in: .min ... .max, using: &rng) })
    case .float16: return .float16(bits: (0..<count).map { _ in HalfFloat.bits(from: Float.random(in: -1000...1000, using: &rng)) })
    case .float32: return .float32((0..<count).map { _ in Float.random(in: -1e6...1e6, using: &rng) })
    case .float64: return .float64((0..<count).map { _ in Double.random(in: -1e12...1e12, using: &rng) })
    }
}

@Suite struct NpyRoundTripTests {
    static let shapes: [[Int]] = [[], [0], [7], [5, 3], [0, 3], [2, 3, 4], [1, 1, 1, 5]]

    @Test(arguments: NpyDType.allCases)
    func writeThenReadKeepsEveryElement(dtype: NpyDType) throws {
        let dir = try TemporaryDirectory()
        for (i, shape) in Self.shapes.enumerated() {
            let count = shape.reduce(1, *)
            let array = try NpyArray(shape: shape, storage: sampleStorage(dtype, count: count, seed: UInt64(i)))
            let url = dir.file("a\(i).npy")
            try Npy.write(array, to: url)
            let back = try Npy.read(url)
            #expect(back == array, "shape \(shape)")
            #expect(back.dtype == dtype)
            #expect(back.source == url)
            #expect(try Npy.decode(Npy.encode(array), url: url) == array)
        }
        // The atomic writer leaves nothing but the destinations behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.url.path)
        #expect(names.allSatisfy { $0.hasSuffix(".npy") && !$0.hasPrefix(".") })
    }

    @Test func headerIsPaddedTo64BytesAndDataFollows() throws {
        let bytes = Npy.encode(try NpyArray([Float](repeating: 1, count: 6), shape: [2, 3]))
        let header = try NpyHeader.parse(bytes, url: URL(fileURLWithPath: "/mem.npy"))
        #expect(header.dataOffset % 64 == 0)
        #expect(bytes.count == header.dataOffset + 24)
        #expect(bytes[header.dataOffset - 1] == UInt8(ascii: "\n"))
    }

    @Test func hugeHeaderSwitchesToVersion2() throws {
        let shape = [Int](repeating: 1, count: 30_000)
        let array = try NpyArray(shape: shape, storage: .int32([42]))
        let bytes = Npy.encode(array)
        #expect(bytes[6] == 2)
        let back = try Npy.decode(bytes, url: URL(fileURLWithPath: "/mem.npy"))
        #expect(back == array)
    }

    @Test func typedConvenienceWritersPickTheDType() throws {
        let dir = try TemporaryDirectory()
        try Npy.write([1, 2, 3, 4] as [Int32], shape: [2, 2], to: dir.file("i.npy"))
        try Npy.writeFloat16([0.5, -2, 65504, 1e-7], shape: [4], to: dir.file("h.npy"))
        let ints = try Npy.read(dir.file("i.npy"))
        #expect(ints.dtype == .int32 && ints.shape == [2, 2])
        #expect(try ints.int64s() == [1, 2, 3, 4])
        let halves = try Npy.read(dir.file("h.npy"))
        #expect(halves.dtype == .float16)
        #expect(try halves.floats() == [0.5, -2, 65504, HalfFloat.float(fromBits: 2)])
        #expect(throws: SceneIOError.self) { try Npy.write([1, 2, 3] as [Float], shape: [2, 2], to: dir.file("x.npy")) }
    }

    @Test func rowRangesReadOnlyTheirSlice() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("coord.npy")
        let values = (0..<30).map { Float($0) }
        try Npy.write(values, shape: [10, 3], to: url)
        let slice = try Npy.read(url, rows: 4..<7)
        #expect(slice.shape == [3, 3])
        #expect(try slice.floats() == Array(values[12..<21]))
        #expect(try Npy.read(url, rows: 10..<10).shape == [0, 3])
        #expect(throws: SceneIOError.self) { try Npy.read(url, rows: 8..<11) }
        try Npy.write(try NpyArray(shape: [], storage: .int64([5])), to: dir.file("scalar.npy"))
        #expect(throws: SceneIOError.self) { try Npy.read(dir.file("scalar.npy"), rows: 0..<1) }
    }

    @Test func rawBytesAndFloat16Initialiser() throws {
        let dir = try TemporaryDirectory()
        let values: [Int32] = [7, -8, 9, 10]
        try values.withUnsafeBytes { raw in
            try Npy.write(bytes: raw, dtype: .int32, shape: [2, 2], to: dir.file("raw.npy"))
            #expect(throws: SceneIOError.self) { try Npy.write(bytes: raw, dtype: .int32, shape: [3], to: dir.file("bad.npy")) }
        }
        #expect(try Npy.read(dir.file("raw.npy")) == NpyArray(values, shape: [2, 2]))
        let half = try NpyArray(float16: [0.1, 2], shape: [2])
        #expect(half.dtype == .float16)
        #expect(try half.floats() == [HalfFloat.float(fromBits: 0x2E66), 2])
    }

    @Test func requireShapeMatchesWildcards() throws {
        let points = try NpyArray([Float](repeating: 0, count: 12), shape: [4, 3])
        #expect(try points.requireShape([nil, 3]) == [4, 3])
        #expect(throws: SceneIOError.npyUnexpectedShape(array: "array", expected: "[_, 4]", actual: [4, 3])) {
            try points.requireShape([nil, 4])
        }
        #expect(throws: SceneIOError.self) { try points.requireShape([nil]) }
    }

    @Test func accessorsWidenLosslesslyAndRefuseNarrowing() throws {
        let bytes = NpyArray([1, 200] as [UInt8])
        #expect(try bytes.int32s() == [1, 200])
        #expect(try bytes.uint16s() == [1, 200])
        let floats = NpyArray([1.5, -2] as [Float])
        #expect(try floats.doubles() == [1.5, -2])
        #expect(throws: SceneIOError.npyWrongDType(array: "array", requested: "int32", stored: "float32")) {
            try floats.int32s()
        }
        #expect(throws: SceneIOError.self) { try NpyArray([1.0] as [Double]).floats() }
        #expect(throws: SceneIOError.self) { try NpyArray([7] as [Int64]).int32s() }
    }
}

@Suite struct HalfFloatTests {
    @Test func knownValues() {
        #expect(HalfFloat.bits(from: 1) == 0x3c00)
        #expect(HalfFloat.bits(from: -2) == 0xc000)
        #expect(HalfFloat.bits(from: 65504) == 0x7bff)
        #expect(HalfFloat.bits(from: 65520) == 0x7c00)   // rounds up to infinity
        #expect(HalfFloat.bits(from: 0x1p-24) == 0x0001) // smallest subnormal
        #expect(HalfFloat.bits(from: 0x1p-25) == 0x0000) // tie rounds to even (zero)
        #expect(HalfFloat.float(fromBits: 0x3555) == 0.333251953125)
        #expect(HalfFloat.float(fromBits: 0x7e00).isNaN)
        #expect(HalfFloat.bits(from: .nan) & 0x7c00 == 0x7c00)
    }

    @Test func everyHalfSurvivesWideningAndNarrowing() {
        for bits in UInt16.min...UInt16.max {
            let f = HalfFloat.float(fromBits: bits)
            if f.isNaN { continue }
            #expect(HalfFloat.bits(from: f) == bits)
        }
    }
}
