import CImageCodecs
import Foundation

/// A ScanNet `.sens` RGB-D recording (the `SensorData` format, version 4), read lazily: opening
/// reads the header and the frame table; images are decoded on demand.
///
/// Layout (little-endian): `u32 version`, `u64 n` + `n` bytes sensor name, four row-major 4x4 float
/// matrices (color intrinsics, color extrinsics, depth intrinsics, depth extrinsics), `i32` color and
/// depth compression, `u32` color width, height, depth width, height, `f32 depth_shift`, `u64` frame
/// count, then per frame: 4x4 float `camera_to_world` (row-major, -inf when tracking failed),
/// `u64` color and depth timestamps, `u64` color and depth byte sizes, the color bytes, the depth bytes.
public struct ScanNetSensFile: Sendable {
    public struct Header: Sendable, Equatable {
        public var version: UInt32
        public var sensorName: String
        /// Row-major 4x4 matrices; intrinsics hold fx at [0], cx at [2], fy at [5], cy at [6].
        public var colorIntrinsics: [Float]
        public var colorExtrinsics: [Float]
        public var depthIntrinsics: [Float]
        public var depthExtrinsics: [Float]
        /// -1 unknown, 0 raw RGB8, 1 PNG, 2 JPEG.
        public var colorCompression: Int32
        /// -1 unknown, 0 raw uint16, 1 zlib uint16, 2 OCCI (unsupported).
        public var depthCompression: Int32
        public var colorWidth: Int
        public var colorHeight: Int
        public var depthWidth: Int
        public var depthHeight: Int
        /// Depth units per metre (1000 in ScanNet).
        public var depthShift: Float

        public init(
            version: UInt32 = 4, sensorName: String, colorIntrinsics: [Float], colorExtrinsics: [Float],
            depthIntrinsics: [Float], depthExtrinsics: [Float], colorCompression: Int32 = 2, depthCompression: Int32 = 1,
            colorWidth: Int, colorHeight: Int, depthWidth: Int, depthHeight: Int, depthShift: Float = 1000
        ) {
            self.version = version
            self.sensorName = sensorName
            self.colorIntrinsics = colorIntrinsics
            self.colorExtrinsics = colorExtrinsics
            self.depthIntrinsics = depthIntrinsics
            self.depthExtrinsics = depthExtrinsics
            self.colorCompression = colorCompression
            self.depthCompression = depthCompression
            self.colorWidth = colorWidth
            self.colorHeight = colorHeight
            self.depthWidth = depthWidth
            self.depthHeight = depthHeight
            self.depthShift = depthShift
        }
    }

    public struct Frame: Sendable, Equatable {
        /// Row-major 4x4 pose camera → world; non-finite when the sensor lost tracking.
        public var cameraToWorld: [Float]
        public var colorTimestamp: UInt64
        public var depthTimestamp: UInt64
        var colorOffset: Int
        var colorSize: Int
        var depthOffset: Int
        var depthSize: Int

        /// Whether the pose is usable (all 16 entries finite).
        public var hasPose: Bool { cameraToWorld.allSatisfy(\.isFinite) }
    }

    public let url: URL
    public let header: Header
    public let frames: [Frame]

    /// Reads the header and walks the frame table (without reading image bytes).
    public init(_ url: URL) throws(SceneIOError) {
        self.url = url
        let file = try PosixFile(reading: url)
        let fileSize = file.size
        var cursor = ByteCursor(file: file, url: url)
        let version = try cursor.u32()
        guard version == 4 else { throw .sensMalformed(url: url, reason: "version \(version), expected 4") }
        let nameLength = try cursor.u64()
        guard nameLength < 4096 else { throw .sensMalformed(url: url, reason: "sensor name of \(nameLength) bytes") }
        let name = String(decoding: try cursor.bytes(Int(nameLength)), as: UTF8.self)
        let matrices = try (0..<4).map { _ throws(SceneIOError) in try cursor.floats(16) }
        let colorCompression = try cursor.i32(), depthCompression = try cursor.i32()
        let sizes = try (0..<4).map { _ throws(SceneIOError) in Int(try cursor.u32()) }
        let depthShift = try cursor.f32()
        header = Header(version: version, sensorName: name, colorIntrinsics: matrices[0], colorExtrinsics: matrices[1],
                        depthIntrinsics: matrices[2], depthExtrinsics: matrices[3], colorCompression: colorCompression,
                        depthCompression: depthCompression, colorWidth: sizes[0], colorHeight: sizes[1],
                        depthWidth: sizes[2], depthHeight: sizes[3], depthShift: depthShift)
        guard sizes.allSatisfy({ $0 > 0 && $0 <= 16384 }), depthShift.isFinite, depthShift > 0 else {
            throw .sensMalformed(url: url, reason: "image sizes \(sizes) or depth_shift \(depthShift) out of range")
        }
        for (name, k) in [("color", matrices[0]), ("depth", matrices[2])] {
            // fx, fy divide every unprojection; NaN, infinite or non-positive values would poison (or crash) recon.
            for (field, index) in [("fx", 0), ("fy", 5), ("cx", 2), ("cy", 6)] {
                let value = k[index]
                guard value.isFinite, value > 0 || index == 2 || index == 6 else {
                    throw .sensMalformed(url: url, reason: "\(name) intrinsics \(field) (matrix entry \(index)) is \(value); expected a finite\(index == 0 || index == 5 ? " positive" : "") number")
                }
            }
        }
        let count = try cursor.u64()
        // Each frame needs at least 96 bytes, so a count beyond that is corruption, not a big file.
        guard count <= UInt64(max(0, fileSize - cursor.offset) / 96) else {
            throw .sensMalformed(url: url, reason: "header claims \(count) frames, more than the file can hold")
        }
        var frames: [Frame] = []
        frames.reserveCapacity(Int(count))
        for index in 0..<Int(count) {
            let pose = try cursor.floats(16)
            let colorTimestamp = try cursor.u64(), depthTimestamp = try cursor.u64()
            let colorSize = try cursor.u64(), depthSize = try cursor.u64()
            let remaining = UInt64(max(0, fileSize - cursor.offset))
            guard colorSize <= remaining, depthSize <= remaining - colorSize else {
                throw .sensFrame(url: url, frame: index, reason: "image data runs past the end of the file (truncated)")
            }
            let colorOffset = cursor.offset
            cursor.offset += Int(colorSize) + Int(depthSize)
            frames.append(Frame(cameraToWorld: pose, colorTimestamp: colorTimestamp, depthTimestamp: depthTimestamp,
                                colorOffset: colorOffset, colorSize: Int(colorSize),
                                depthOffset: colorOffset + Int(colorSize), depthSize: Int(depthSize)))
        }
        self.frames = frames
    }

    // MARK: - Frames

    /// The color image of frame `index` at the color camera's resolution.
    public func color(_ index: Int) throws(SceneIOError) -> RGBImage {
        let frame = try self.frame(index)
        let bytes = try PosixFile(reading: url).readBytes(count: frame.colorSize, at: frame.colorOffset)
        let image: RGBImage
        do {
            switch header.colorCompression {
            case 2: image = try JPEG.decode(bytes, url: url)
            case 1: image = try ColorImageFile.decodeRGB(bytes, url: url)
            case 0: image = try RGBImage(width: header.colorWidth, height: header.colorHeight, pixels: bytes)
            default: throw SceneIOError.sensFrame(url: url, frame: index, reason: "color compression \(header.colorCompression) unsupported")
            }
        } catch {
            throw .sensFrame(url: url, frame: index, reason: "color: \(error)")
        }
        guard image.width == header.colorWidth, image.height == header.colorHeight else {
            throw .sensFrame(url: url, frame: index, reason: "color is \(image.width)x\(image.height), header says \(header.colorWidth)x\(header.colorHeight)")
        }
        return image
    }

    /// The raw depth image of frame `index` (divide by `header.depthShift` for metres; 0 = none).
    public func depth(_ index: Int) throws(SceneIOError) -> GrayImage16 {
        let frame = try self.frame(index)
        let bytes = try PosixFile(reading: url).readBytes(count: frame.depthSize, at: frame.depthOffset)
        let count = header.depthWidth * header.depthHeight
        var pixels = [UInt16](repeating: 0, count: count)
        switch header.depthCompression {
        case 0:
            guard bytes.count == count * 2 else {
                throw .sensFrame(url: url, frame: index, reason: "raw depth is \(bytes.count) bytes, expected \(count * 2)")
            }
            bytes.withUnsafeBytes { source in pixels.withUnsafeMutableBytes { $0.copyMemory(from: source) } }
        case 1:
            var message = [CChar](repeating: 0, count: CodecBridge.messageCapacity)
            var written = 0
            let status = pixels.withUnsafeMutableBytes { out in
                bytes.withUnsafeBufferPointer { input in
                    message.withUnsafeMutableBufferPointer { text in
                        ic_zlib_uncompress(input.baseAddress, input.count, out.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                           out.count, &written, text.baseAddress, text.count)
                    }
                }
            }
            guard status == Int32(IC_OK), written == count * 2 else {
                let reason = status == Int32(IC_OK) ? "depth inflates to \(written) bytes, expected \(count * 2)" : CodecBridge.text(message)
                throw .sensFrame(url: url, frame: index, reason: "depth: \(reason)")
            }
        default:
            throw .sensFrame(url: url, frame: index, reason: "depth compression \(header.depthCompression) unsupported (raw 0 and zlib 1 are read)")
        }
        return try GrayImage16(width: header.depthWidth, height: header.depthHeight, pixels: pixels)
    }

    private func frame(_ index: Int) throws(SceneIOError) -> Frame {
        guard frames.indices.contains(index) else {
            throw .sensFrame(url: url, frame: index, reason: "no such frame (the file has \(frames.count))")
        }
        return frames[index]
    }
}

/// Sequential little-endian reads through a `PosixFile`, with typed errors at the end of the file.
private struct ByteCursor: ~Copyable {
    let file: PosixFile
    let url: URL
    var offset = 0

    init(file: consuming PosixFile, url: URL) {
        self.file = file
        self.url = url
    }

    mutating func bytes(_ count: Int) throws(SceneIOError) -> [UInt8] {
        let bytes = try file.readBytes(count: count, at: offset)
        guard bytes.count == count else {
            throw .sensMalformed(url: url, reason: "file ends at byte \(offset + bytes.count) inside the header or frame table")
        }
        offset += count
        return bytes
    }

    private mutating func load<T: FixedWidthInteger>(_: T.Type) throws(SceneIOError) -> T {
        let raw = try bytes(MemoryLayout<T>.size)
        return raw.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
    }

    mutating func u32() throws(SceneIOError) -> UInt32 { try load(UInt32.self) }
    mutating func u64() throws(SceneIOError) -> UInt64 { try load(UInt64.self) }
    mutating func i32() throws(SceneIOError) -> Int32 { try load(Int32.self) }
    mutating func f32() throws(SceneIOError) -> Float { Float(bitPattern: try load(UInt32.self)) }
    mutating func floats(_ count: Int) throws(SceneIOError) -> [Float] {
        let raw = try bytes(4 * count)
        return (0..<count).map { i in raw.withUnsafeBytes { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) } }
    }
}
