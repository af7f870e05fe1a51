import Foundation

/// Image dimensions read from the first bytes of a PNG or JPEG file, without decoding pixels.
/// Used to validate whole video folders cheaply.
public enum ImageHeader {
    /// (width, height) of the PNG or JPEG at `url`.
    public static func size(of url: URL) throws(SceneIOError) -> (width: Int, height: Int) {
        let file = try PosixFile(reading: url)
        let prefix = try file.readBytes(count: min(file.size, 32), at: 0)
        if prefix.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            guard prefix.count >= 24, Array(prefix[12..<16]) == Array("IHDR".utf8) else {
                throw .imageDecode(url: url, format: "PNG", reason: "missing IHDR chunk")
            }
            return (bigEndian(prefix, 16, 4), bigEndian(prefix, 20, 4))
        }
        if prefix.starts(with: [0xFF, 0xD8]) {
            // The frame header usually sits within the first few kB (after EXIF and quantisation
            // tables); a large EXIF thumbnail can push it further, so widen the window if needed.
            for window in [1 << 14, 1 << 20] {
                let bytes = try file.readBytes(count: min(file.size, window), at: 0)
                if let size = jpegSize(bytes) { return size }
                if bytes.count < window { break }
            }
            throw .imageDecode(url: url, format: "JPEG", reason: "no frame header (SOF) found")
        }
        throw .imageDecode(url: url, format: "PNG or JPEG", reason: "unknown file signature")
    }

    private static func bigEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int {
        var value = 0
        for i in 0..<count { value = value << 8 | Int(bytes[offset + i]) }
        return value
    }

    /// Walks the JPEG marker segments to the first SOFn marker.
    private static func jpegSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        var i = 2
        while i + 9 < bytes.count {
            guard bytes[i] == 0xFF else { return nil }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill byte
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            let length = bigEndian(bytes, i + 2, 2)
            let isFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isFrame { return (bigEndian(bytes, i + 7, 2), bigEndian(bytes, i + 5, 2)) }
            i += 2 + length
        }
        return nil
    }
}
