import CImageCodecs
import Foundation

extension ScanNetSensFile {
    /// One frame to write: pose camera → world (row-major 4x4, 16 values), color at the header's
    /// color size, depth at its depth size.
    public struct FrameInput: Sendable {
        public var cameraToWorld: [Float]
        public var color: RGBImage
        public var depth: GrayImage16
        public var timestamp: UInt64

        public init(cameraToWorld: [Float], color: RGBImage, depth: GrayImage16, timestamp: UInt64 = 0) {
            self.cameraToWorld = cameraToWorld
            self.color = color
            self.depth = depth
            self.timestamp = timestamp
        }
    }

    /// Writes a version-4 `.sens` file with JPEG color and zlib depth, as ScanNet distributes them
    /// (used to test the reader and to hand synthetic scenes to ScanNet tooling). Compression fields
    /// in `header` are ignored: color is written as JPEG (2), depth as zlib (1).
    public static func write(header: Header, frames: [FrameInput], to url: URL, jpegQuality: Int = 95) throws(SceneIOError) {
        var bytes: [UInt8] = []
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        func append(matrix: [Float]) throws(SceneIOError) {
            guard matrix.count == 16 else { throw .sensMalformed(url: url, reason: "matrix with \(matrix.count) values, expected 16") }
            for value in matrix { append(value.bitPattern) }
        }
        append(UInt32(4))
        let name = Array(header.sensorName.utf8)
        append(UInt64(name.count))
        bytes += name
        for matrix in [header.colorIntrinsics, header.colorExtrinsics, header.depthIntrinsics, header.depthExtrinsics] {
            try append(matrix: matrix)
        }
        append(Int32(2))
        append(Int32(1))
        for size in [header.colorWidth, header.colorHeight, header.depthWidth, header.depthHeight] { append(UInt32(size)) }
        append(header.depthShift.bitPattern)
        append(UInt64(frames.count))
        for (index, frame) in frames.enumerated() {
            guard frame.color.width == header.colorWidth, frame.color.height == header.colorHeight,
                  frame.depth.width == header.depthWidth, frame.depth.height == header.depthHeight else {
                throw .sensFrame(url: url, frame: index, reason: "image sizes differ from the header's")
            }
            let color = try JPEG.encode(frame.color, quality: jpegQuality, url: url)
            let depth = try deflate(frame.depth.pixels, url: url)
            try append(matrix: frame.cameraToWorld)
            append(frame.timestamp)
            append(frame.timestamp)
            append(UInt64(color.count))
            append(UInt64(depth.count))
            bytes += color
            bytes += depth
        }
        try AtomicFile.write(Data(bytes), to: url)
    }

    static func deflate(_ pixels: [UInt16], url: URL) throws(SceneIOError) -> [UInt8] {
        try pixels.withUnsafeBytes { raw in
            Result { () throws(SceneIOError) in
                try CodecBridge.encode(url: url, format: "zlib") { out, size, text, capacity in
                    ic_zlib_compress(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count, 6, out, size, text, capacity)
                }
            }
        }.get()
    }
}
