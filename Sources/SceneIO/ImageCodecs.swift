import CImageCodecs
import Foundation

/// Bridges the C codecs: status + message buffer in, typed errors out.
enum CodecBridge {
    static let messageCapacity = 512

    /// The NUL-terminated message a C codec wrote.
    static func text(_ message: [CChar]) -> String {
        let bytes = message.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Runs a C decoder on `bytes`; returns the decoded samples and their layout.
    static func decode(
        _ bytes: [UInt8], url: URL, format: String,
        _ decoder: (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<ic_image>, UnsafeMutablePointer<CChar>, Int) -> Int32
    ) throws(SceneIOError) -> ic_image {
        var image = ic_image()
        var message = [CChar](repeating: 0, count: messageCapacity)
        let status = bytes.withUnsafeBufferPointer { data in
            message.withUnsafeMutableBufferPointer { text in
                guard let base = text.baseAddress else { return Int32(IC_ERROR) }
                return decoder(data.baseAddress, data.count, &image, base, text.count)
            }
        }
        guard status == Int32(IC_OK) else {
            throw .imageDecode(url: url, format: format, reason: text(message))
        }
        return image
    }

    /// Runs a C encoder; returns the encoded file image.
    static func encode(
        url: URL, format: String,
        _ encoder: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>, UnsafeMutablePointer<CChar>, Int) -> Int32
    ) throws(SceneIOError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: messageCapacity)
        let status = message.withUnsafeMutableBufferPointer { text in
            guard let base = text.baseAddress else { return Int32(IC_ERROR) }
            return encoder(&output, &size, base, text.count)
        }
        defer { ic_free(output) }
        guard status == Int32(IC_OK), let output else {
            throw .imageEncode(url: url, format: format, reason: text(message))
        }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }
}

/// PNG files: 8-bit gray/RGB/RGBA and 16-bit gray, read and written without any gamma or colour
/// conversion (16-bit depth values come back exactly as stored).
public enum PNG {
    /// Decodes the PNG at `url` to whichever layout it stores (palette → RGB/RGBA, gray+alpha → RGBA).
    public static func read(_ url: URL) throws(SceneIOError) -> DecodedImage {
        try decode(PosixFile(reading: url).readAll(), url: url)
    }

    /// Decodes an in-memory PNG; `url` only names the source in errors.
    public static func decode(_ bytes: [UInt8], url: URL) throws(SceneIOError) -> DecodedImage {
        let image = try CodecBridge.decode(bytes, url: url, format: "PNG") { ic_png_decode($0, $1, $2, $3, $4) }
        defer { ic_free(image.pixels) }
        let width = Int(image.width), height = Int(image.height)
        let samples = UnsafeRawBufferPointer(start: image.pixels, count: image.size)
        switch (image.channels, image.bit_depth) {
        case (1, 8): return .gray8(try GrayImage8(width: width, height: height, pixels: Array(samples)))
        case (3, 8): return .rgb(try RGBImage(width: width, height: height, pixels: Array(samples)))
        case (4, 8): return .rgba(try RGBAImage(width: width, height: height, pixels: Array(samples)))
        case (2, 8):
            var rgba = [UInt8](repeating: 0, count: width * height * 4)
            for i in 0..<(width * height) {
                rgba[4 * i] = samples[2 * i]; rgba[4 * i + 1] = samples[2 * i]; rgba[4 * i + 2] = samples[2 * i]
                rgba[4 * i + 3] = samples[2 * i + 1]
            }
            return .rgba(try RGBAImage(width: width, height: height, pixels: rgba))
        case (1, 16):
            let values = [UInt16](unsafeUninitializedCapacity: width * height) { buffer, count in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: samples)
                count = width * height
            }
            return .gray16(try GrayImage16(width: width, height: height, pixels: values))
        default:
            throw .imageLayout(url: url, expected: "8-bit gray/RGB/RGBA or 16-bit gray",
                               actual: "\(image.bit_depth)-bit with \(image.channels) channels")
        }
    }

    /// Reads a color PNG as RGB: RGBA drops alpha, gray is replicated; 16-bit files are refused.
    public static func readRGB(_ url: URL) throws(SceneIOError) -> RGBImage {
        switch try read(url) {
        case let .rgb(image): return image
        case let .rgba(image): return image.rgb
        case let .gray8(image): return image.rgb
        case .gray16: throw .imageLayout(url: url, expected: "8-bit RGB", actual: "16-bit gray")
        }
    }

    /// Reads a 16-bit single-channel PNG (depth map or instance mask); any other layout is refused,
    /// because an 8-bit file here almost always means a wrongly exported depth map.
    public static func readGray16(_ url: URL) throws(SceneIOError) -> GrayImage16 {
        let image = try read(url)
        guard case let .gray16(gray) = image else {
            throw .imageLayout(url: url, expected: "16-bit gray", actual: image.layout)
        }
        return gray
    }

    /// zlib level used unless the caller asks otherwise: close to the default size, several times faster.
    public static let defaultCompressionLevel = 3

    public static func write(_ image: RGBImage, to url: URL, compressionLevel: Int = defaultCompressionLevel) throws(SceneIOError) {
        try AtomicFile.write(Data(encode(image.pixels, image.width, image.height, channels: 3, bitDepth: 8, level: compressionLevel, url: url)), to: url)
    }

    public static func write(_ image: RGBAImage, to url: URL, compressionLevel: Int = defaultCompressionLevel) throws(SceneIOError) {
        try AtomicFile.write(Data(encode(image.pixels, image.width, image.height, channels: 4, bitDepth: 8, level: compressionLevel, url: url)), to: url)
    }

    public static func write(_ image: GrayImage8, to url: URL, compressionLevel: Int = defaultCompressionLevel) throws(SceneIOError) {
        try AtomicFile.write(Data(encode(image.pixels, image.width, image.height, channels: 1, bitDepth: 8, level: compressionLevel, url: url)), to: url)
    }

    public static func write(_ image: GrayImage16, to url: URL, compressionLevel: Int = defaultCompressionLevel) throws(SceneIOError) {
        try AtomicFile.write(Data(encode(image.pixels, image.width, image.height, channels: 1, bitDepth: 16, level: compressionLevel, url: url)), to: url)
    }

    static func encode<T>(
        _ pixels: [T], _ width: Int, _ height: Int, channels: Int, bitDepth: Int, level: Int, url: URL
    ) throws(SceneIOError) -> [UInt8] {
        try pixels.withUnsafeBytes { raw in
            Result { () throws(SceneIOError) in
                try CodecBridge.encode(url: url, format: "PNG") { out, size, text, capacity in
                    ic_png_encode(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(width), Int32(height),
                                  Int32(channels), Int32(bitDepth), Int32(level), out, size, text, capacity)
                }
            }
        }.get()
    }
}

/// JPEG files: 8-bit RGB (grayscale JPEGs are expanded to RGB on reading).
public enum JPEG {
    public static func read(_ url: URL) throws(SceneIOError) -> RGBImage {
        try decode(PosixFile(reading: url).readAll(), url: url)
    }

    public static func decode(_ bytes: [UInt8], url: URL) throws(SceneIOError) -> RGBImage {
        let image = try CodecBridge.decode(bytes, url: url, format: "JPEG") { ic_jpeg_decode($0, $1, $2, $3, $4) }
        defer { ic_free(image.pixels) }
        guard image.channels == 3 else {
            throw .imageLayout(url: url, expected: "8-bit RGB", actual: "\(image.channels)-channel JPEG")
        }
        return try RGBImage(width: Int(image.width), height: Int(image.height),
                            pixels: Array(UnsafeRawBufferPointer(start: image.pixels, count: image.size)))
    }

    /// Writes `image` with `quality` 1...100 (95 keeps PSNR well above 35 dB on natural images).
    public static func write(_ image: RGBImage, to url: URL, quality: Int = 95) throws(SceneIOError) {
        try AtomicFile.write(Data(encode(image, quality: quality, url: url)), to: url)
    }

    /// The JPEG file image of `image`; `url` only names the destination in errors.
    public static func encode(_ image: RGBImage, quality: Int = 95, url: URL) throws(SceneIOError) -> [UInt8] {
        try image.pixels.withUnsafeBytes { raw in
            Result { () throws(SceneIOError) in
                try CodecBridge.encode(url: url, format: "JPEG") { out, size, text, capacity in
                    ic_jpeg_encode(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(image.width),
                                   Int32(image.height), 3, Int32(quality), out, size, text, capacity)
                }
            }
        }.get()
    }
}

/// Color frames may be JPEG or PNG; this picks the decoder from the file's first bytes.
public enum ColorImageFile {
    public static func readRGB(_ url: URL) throws(SceneIOError) -> RGBImage {
        try decodeRGB(PosixFile(reading: url).readAll(), url: url)
    }

    /// Decodes JPEG or PNG bytes to RGB (PNG RGBA drops alpha, gray is replicated).
    public static func decodeRGB(_ bytes: [UInt8], url: URL) throws(SceneIOError) -> RGBImage {
        if bytes.starts(with: [0xFF, 0xD8]) { return try JPEG.decode(bytes, url: url) }
        switch try PNG.decode(bytes, url: url) {
        case let .rgb(image): return image
        case let .rgba(image): return image.rgb
        case let .gray8(image): return image.rgb
        case .gray16: throw .imageLayout(url: url, expected: "8-bit RGB", actual: "16-bit gray")
        }
    }
}
