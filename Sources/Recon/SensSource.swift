import CBridge
import Foundation
import Geometry
import SceneIO

/// A ScanNet `.sens` file (SensorData version 4), all little-endian:
///
/// ```
/// u32 version (4) | u64 n, char[n] sensor name
/// f32[16] colour intrinsics | f32[16] colour extrinsics | f32[16] depth intrinsics | f32[16] depth extrinsics
///          (4×4, row-major; fx = m[0], fy = m[5], cx = m[2], cy = m[6])
/// i32 colour compression (−1 unknown, 0 raw RGB, 1 PNG, 2 JPEG) | i32 depth compression (−1 unknown,
///          0 raw u16, 1 zlib u16, 2 OCCI) | u32 colour width, height | u32 depth width, height
/// f32 depth shift (raw units per metre) | u64 frame count
/// per frame: f32[16] camera_to_world (row-major; −inf when unknown) | u64 colour timestamp | u64 depth timestamp
///            | u64 colour bytes | u64 depth bytes | colour data | depth data
/// ```
/// (IMU records may follow; they are ignored.) Opening reads the header and walks the frame records to index
/// them (a truncated file is reported with the frame it ends in); frames are decoded on demand. The colour image
/// is registered to the depth image by re-projecting each depth pixel's ray with the colour intrinsics (the
/// two cameras share a centre of projection up to the small extrinsic offset, which is ignored).
public struct SensSource: RGBDSource {
    public var kind: InputKind { .scanNetSens }
    public let url: URL
    public let intrinsics: PinholeIntrinsics
    public let colorIntrinsics: PinholeIntrinsics
    public let depthScale: Double
    public let colorCompression: Int32
    public let depthCompression: Int32
    public let sensorName: String
    public var frameCount: Int { records.count }
    public let devicePoses: [RigidTransform?]?
    public var groundTruthPoses: [RigidTransform?]? { nil }
    let records: [Record]

    struct Record: Sendable {
        var timestamp: UInt64
        var colorOffset: UInt64
        var colorBytes: UInt64
        var depthOffset: UInt64
        var depthBytes: UInt64
    }

    public init(_ url: URL) throws(ReconError) {
        self.url = url
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw .unrecognizedInput(url: url, reason: "cannot open: \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        var reader = BinaryReader(handle: handle, url: url)
        let version = try reader.u32(frame: nil, what: "version")
        guard version == 4 else {
            throw .malformedFile(url: url, line: nil, reason: ".sens version \(version); only version 4 is read")
        }
        let nameLength = try reader.u64(frame: nil, what: "sensor name length")
        guard nameLength < 1 << 16 else { throw .malformedFile(url: url, line: nil, reason: "sensor name length \(nameLength)") }
        sensorName = String(decoding: try reader.bytes(Int(nameLength), frame: nil, what: "sensor name"), as: UTF8.self)
        let colorK = try reader.floats(16, frame: nil, what: "colour intrinsics")
        _ = try reader.floats(16, frame: nil, what: "colour extrinsics")
        let depthK = try reader.floats(16, frame: nil, what: "depth intrinsics")
        _ = try reader.floats(16, frame: nil, what: "depth extrinsics")
        colorCompression = try reader.i32(frame: nil, what: "colour compression")
        depthCompression = try reader.i32(frame: nil, what: "depth compression")
        let colorWidth = Int(try reader.u32(frame: nil, what: "colour width"))
        let colorHeight = Int(try reader.u32(frame: nil, what: "colour height"))
        let depthWidth = Int(try reader.u32(frame: nil, what: "depth width"))
        let depthHeight = Int(try reader.u32(frame: nil, what: "depth height"))
        depthScale = Double(try reader.floats(1, frame: nil, what: "depth shift")[0])
        let count = try reader.u64(frame: nil, what: "frame count")
        guard [0, 1, 2].contains(colorCompression) else {
            throw .malformedFile(url: url, line: nil, reason: "colour compression \(colorCompression) (supported: 0 raw, 1 PNG, 2 JPEG)")
        }
        guard [0, 1].contains(depthCompression) else {
            throw .malformedFile(url: url, line: nil, reason: "depth compression \(depthCompression) (supported: 0 raw, 1 zlib)")
        }
        guard depthScale.isFinite, depthScale > 0 else {
            throw .malformedFile(url: url, line: nil, reason: "depth shift \(depthScale), expected > 0")
        }
        func pinhole(_ m: [Float], _ width: Int, _ height: Int) -> PinholeIntrinsics {
            PinholeIntrinsics(width: width, height: height, fx: Double(m[0]), fy: Double(m[5]), cx: Double(m[2]), cy: Double(m[6]))
        }
        intrinsics = pinhole(depthK, depthWidth, depthHeight)
        colorIntrinsics = pinhole(colorK, colorWidth, colorHeight)
        do {
            try intrinsics.validate()
            try colorIntrinsics.validate()
        } catch {
            throw .malformedFile(url: url, line: nil, reason: "invalid intrinsics: \(error)")
        }
        var records: [Record] = []
        var poses: [RigidTransform?] = []
        for frame in 0..<Int(min(count, 10_000_000)) {
            let matrix = try reader.floats(16, frame: frame, what: "camera_to_world")
            let colorTime = try reader.u64(frame: frame, what: "colour timestamp")
            _ = try reader.u64(frame: frame, what: "depth timestamp")
            let colorBytes = try reader.u64(frame: frame, what: "colour size")
            let depthBytes = try reader.u64(frame: frame, what: "depth size")
            let colorOffset = reader.offset
            try reader.skip(colorBytes, frame: frame, what: "colour data")
            let depthOffset = reader.offset
            try reader.skip(depthBytes, frame: frame, what: "depth data")
            records.append(Record(timestamp: colorTime, colorOffset: colorOffset, colorBytes: colorBytes,
                                  depthOffset: depthOffset, depthBytes: depthBytes))
            poses.append(try? RigidTransform(matrix: matrix.map(Double.init), tolerance: 1e-3))
        }
        self.records = records
        devicePoses = poses.contains { $0 != nil } ? poses : nil
    }

    public func timestamp(of index: Int) -> String { String(records[index].timestamp) }
    public func colorPath(of index: Int) -> String { url.lastPathComponent + "#color/\(index)" }

    public func frame(_ index: Int) throws(ReconError) -> RGBDFrame {
        guard records.indices.contains(index) else {
            throw .unreadableFrame(url: url, index: index, reason: "no such frame (the file has \(frameCount))")
        }
        let record = records[index]
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw .unreadableFrame(url: url, index: index, reason: error.localizedDescription)
        }
        defer { try? handle.close() }
        var reader = BinaryReader(handle: handle, url: url)
        try reader.seek(record.colorOffset)
        let colorData = try reader.bytes(Int(record.colorBytes), frame: index, what: "colour data")
        try reader.seek(record.depthOffset)
        let depthData = try reader.bytes(Int(record.depthBytes), frame: index, what: "depth data")
        let depth = try decodeDepth(depthData, index: index)
        let color = try decodeColor(colorData, index: index)
        return RGBDFrame(index: index, color: register(color), depth: depth)
    }

    func decodeDepth(_ data: [UInt8], index: Int) throws(ReconError) -> [UInt16] {
        let pixelCount = intrinsics.pixelCount
        var raw = data
        if depthCompression == 1 {
            raw = [UInt8](repeating: 0, count: pixelCount * 2)
            var written: UInt = 0
            let status = data.withUnsafeBufferPointer { src in
                raw.withUnsafeMutableBufferPointer { dst in
                    cb_zlib_inflate(src.baseAddress, UInt(src.count), dst.baseAddress, UInt(dst.count), &written)
                }
            }
            guard Int(status) == Int(CB_OK) else {
                throw .unreadableFrame(url: url, index: index, reason: "depth: " + String(cString: cb_last_error()))
            }
            raw = Array(raw.prefix(Int(written)))
        }
        guard raw.count == pixelCount * 2 else {
            throw .sizeMismatch(url: url, frame: index, expected: "\(pixelCount * 2) depth bytes (\(intrinsics.width)×\(intrinsics.height) u16)",
                                actual: "\(raw.count) bytes")
        }
        return (0..<pixelCount).map { UInt16(raw[2 * $0]) | (UInt16(raw[2 * $0 + 1]) << 8) }
    }

    func decodeColor(_ data: [UInt8], index: Int) throws(ReconError) -> RGBImage {
        let image: RGBImage
        do {
            switch colorCompression {
            case 0:
                image = try RGBImage(width: colorIntrinsics.width, height: colorIntrinsics.height, pixels: data)
            case 1:
                switch try PNG.decode(data, url: url) {
                case let .rgb(rgb): image = rgb
                case let .rgba(rgba): image = rgba.rgb
                case let .gray8(gray): image = gray.rgb
                default: throw ReconError.unreadableFrame(url: url, index: index, reason: "colour PNG is not 8-bit")
                }
            default:
                image = try JPEG.decode(data, url: url)
            }
        } catch let error as ReconError {
            throw error
        } catch {
            throw .unreadableFrame(url: url, index: index, reason: "colour: \(error)")
        }
        guard image.width == colorIntrinsics.width, image.height == colorIntrinsics.height else {
            throw .sizeMismatch(url: url, frame: index, expected: "\(colorIntrinsics.width)×\(colorIntrinsics.height) colour",
                                actual: "\(image.width)×\(image.height)")
        }
        return image
    }

    /// The colour seen along each depth pixel's ray (nearest colour pixel).
    func register(_ color: RGBImage) -> RGBImage {
        if color.width == intrinsics.width, color.height == intrinsics.height, colorIntrinsics == PinholeIntrinsics(
            width: intrinsics.width, height: intrinsics.height, fx: intrinsics.fx, fy: intrinsics.fy, cx: intrinsics.cx, cy: intrinsics.cy) {
            return color
        }
        var out = RGBImage(width: intrinsics.width, height: intrinsics.height)
        let d = intrinsics, c = colorIntrinsics
        for v in 0..<d.height {
            let y = (Double(v) - d.cy) / d.fy
            let vc = min(max(Int((c.fy * y + c.cy).rounded()), 0), c.height - 1)
            for u in 0..<d.width {
                let x = (Double(u) - d.cx) / d.fx
                let uc = min(max(Int((c.fx * x + c.cx).rounded()), 0), c.width - 1)
                let src = 3 * (vc * c.width + uc), dst = 3 * (v * d.width + u)
                out.pixels[dst] = color.pixels[src]
                out.pixels[dst + 1] = color.pixels[src + 1]
                out.pixels[dst + 2] = color.pixels[src + 2]
            }
        }
        return out
    }
}

/// Sequential little-endian reads with truncation reported per frame.
struct BinaryReader {
    let handle: FileHandle
    let url: URL
    private(set) var offset: UInt64 = 0

    init(handle: FileHandle, url: URL) {
        self.handle = handle
        self.url = url
    }

    mutating func bytes(_ count: Int, frame: Int?, what: String) throws(ReconError) -> [UInt8] {
        guard count >= 0 else { throw .malformedFile(url: url, line: nil, reason: "negative size of \(what)") }
        if count == 0 { return [] }
        let data: Data?
        do { data = try handle.read(upToCount: count) } catch {
            throw .truncatedFile(url: url, frame: frame, reason: "reading \(what): \(error.localizedDescription)")
        }
        guard let data, data.count == count else {
            throw .truncatedFile(url: url, frame: frame, reason: "\(what) needs \(count) bytes at offset \(offset), file has \(data?.count ?? 0)")
        }
        offset += UInt64(count)
        return [UInt8](data)
    }

    mutating func skip(_ count: UInt64, frame: Int, what: String) throws(ReconError) {
        let end: UInt64
        do { end = try handle.seekToEnd() } catch {
            throw .truncatedFile(url: url, frame: frame, reason: "seeking: \(error.localizedDescription)")
        }
        guard count <= end, offset <= end - count else {
            throw .truncatedFile(url: url, frame: frame, reason: "\(what) needs \(count) bytes at offset \(offset), file ends at \(end)")
        }
        offset += count
        try seek(offset)
    }

    mutating func seek(_ position: UInt64) throws(ReconError) {
        do { try handle.seek(toOffset: position) } catch {
            throw .truncatedFile(url: url, frame: nil, reason: "seeking to \(position): \(error.localizedDescription)")
        }
        offset = position
    }

    private mutating func scalar<T: FixedWidthInteger>(_: T.Type, frame: Int?, what: String) throws(ReconError) -> T {
        let raw = try bytes(MemoryLayout<T>.size, frame: frame, what: what)
        var value: T = 0
        for (i, byte) in raw.enumerated() { value |= T(truncatingIfNeeded: byte) << (8 * i) }
        return value
    }

    mutating func u32(frame: Int?, what: String) throws(ReconError) -> UInt32 { try scalar(UInt32.self, frame: frame, what: what) }
    mutating func i32(frame: Int?, what: String) throws(ReconError) -> Int32 { try scalar(Int32.self, frame: frame, what: what) }
    mutating func u64(frame: Int?, what: String) throws(ReconError) -> UInt64 { try scalar(UInt64.self, frame: frame, what: what) }

    mutating func floats(_ count: Int, frame: Int?, what: String) throws(ReconError) -> [Float] {
        let raw = try bytes(4 * count, frame: frame, what: what)
        return (0..<count).map { i in
            Float(bitPattern: UInt32(raw[4 * i]) | UInt32(raw[4 * i + 1]) << 8 | UInt32(raw[4 * i + 2]) << 16 | UInt32(raw[4 * i + 3]) << 24)
        }
    }
}
