import Foundation
import _TestSupport
import Testing
import Geometry
@testable import SceneIO

/// A smooth synthetic photo: gradients plus a few soft discs, like a rendered room.
func smoothImage(width: Int = 96, height: Int = 64) -> RGBImage {
    var image = RGBImage(width: width, height: height)
    for y in 0..<height {
        for x in 0..<width {
            let fx = Double(x) / Double(width), fy = Double(y) / Double(height)
            let disc = max(0, 1 - hypot(fx - 0.6, fy - 0.4) * 4)
            image[x, y] = SIMD3(UInt8(40 + 150 * fx), UInt8(60 + 120 * fy * (1 - disc)), UInt8(80 + 170 * disc))
        }
    }
    return image
}

func psnr(_ a: RGBImage, _ b: RGBImage) -> Double {
    let squared = zip(a.pixels, b.pixels).reduce(0.0) { $0 + pow(Double($1.0) - Double($1.1), 2) }
    let mse = squared / Double(a.pixels.count)
    return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
}

@Suite struct ImageCodecTests {
    @Test func pngRoundTripsEveryLayoutExactly() throws {
        let dir = try TemporaryDirectory()
        var rng = SeededGenerator(seed: 11)
        let (w, h) = (37, 23)  // odd sizes catch row-stride mistakes
        let rgb = try RGBImage(width: w, height: h, pixels: (0..<(w * h * 3)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let rgba = try RGBAImage(width: w, height: h, pixels: (0..<(w * h * 4)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let gray = try GrayImage8(width: w, height: h, pixels: (0..<(w * h)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        var depthValues = (0..<(w * h)).map { _ in UInt16.random(in: 0...UInt16.max, using: &rng) }
        depthValues[0] = 0; depthValues[1] = 65535; depthValues[2] = 0x0102  // byte order shows in 0x0102
        let depth = try GrayImage16(width: w, height: h, pixels: depthValues)

        try PNG.write(rgb, to: dir.file("rgb.png"))
        try PNG.write(rgba, to: dir.file("rgba.png"))
        try PNG.write(gray, to: dir.file("gray.png"), compressionLevel: 9)
        try PNG.write(depth, to: dir.file("depth.png"))
        #expect(try PNG.read(dir.file("rgb.png")) == .rgb(rgb))
        #expect(try PNG.read(dir.file("rgba.png")) == .rgba(rgba))
        #expect(try PNG.read(dir.file("gray.png")) == .gray8(gray))
        #expect(try PNG.readGray16(dir.file("depth.png")) == depth)
        #expect(try PNG.readRGB(dir.file("rgba.png")) == rgba.rgb)
        #expect(try PNG.readRGB(dir.file("gray.png")) == gray.rgb)
        #expect(try ColorImageFile.readRGB(dir.file("rgb.png")) == rgb)
    }

    @Test func pngStoresSixteenBitSamplesBigEndianAsTheStandardSays() throws {
        // A 1x1 image is one filter byte + two sample bytes in the zlib stream; Python's zlib decodes it.
        let dir = try TemporaryDirectory()
        try PNG.write(try GrayImage16(width: 1, height: 1, pixels: [0x0102]), to: dir.file("one.png"))
        let out = try Python.check("""
        import sys, zlib, struct
        data = open(sys.argv[1], 'rb').read()
        pos, idat = 8, b''
        while pos < len(data):
            n, kind = struct.unpack('>I4s', data[pos:pos + 8])
            if kind == b'IHDR': print('depth', data[pos + 16], 'color', data[pos + 17])
            if kind == b'IDAT': idat += data[pos + 8:pos + 8 + n]
            pos += 12 + n
        print('raw', zlib.decompress(idat).hex())
        """, arguments: [dir.file("one.png").path])
        #expect(out.contains("depth 16 color 0"))
        #expect(out.contains("raw 000102"))
    }

    @Test func jpegQuality95KeepsPSNRAbove35dB() throws {
        let dir = try TemporaryDirectory()
        let image = smoothImage()
        try JPEG.write(image, to: dir.file("a.jpg"), quality: 95)
        let back = try JPEG.read(dir.file("a.jpg"))
        #expect(back.width == image.width && back.height == image.height)
        #expect(psnr(image, back) > 35)
        #expect(try ColorImageFile.readRGB(dir.file("a.jpg")) == back)
        // Lower quality must cost fidelity, or the quality argument is not reaching the encoder.
        try JPEG.write(image, to: dir.file("b.jpg"), quality: 10)
        #expect(psnr(image, try JPEG.read(dir.file("b.jpg"))) < psnr(image, back))
    }

    @Test func headerSizeFindsTheFrameBehindLargeMetadata() throws {
        let dir = try TemporaryDirectory()
        let jpeg = try JPEG.encode(smoothImage(width: 40, height: 30), url: dir.file("x.jpg"))
        // An APP1 (EXIF-like) segment of 30 000 bytes pushes the SOF marker past the first read window.
        let payload = 30_000
        let app1: [UInt8] = [0xFF, 0xE1, UInt8((payload + 2) >> 8), UInt8((payload + 2) & 0xFF)] + [UInt8](repeating: 0x41, count: payload)
        let bytes = Array(jpeg.prefix(2)) + app1 + Array(jpeg.dropFirst(2))
        try Data(bytes).write(to: dir.file("exif.jpg"))
        let size = try ImageHeader.size(of: dir.file("exif.jpg"))
        #expect(size.width == 40 && size.height == 30)
        #expect(try JPEG.read(dir.file("exif.jpg")).width == 40)
        try PNG.write(RGBImage(width: 3, height: 2), to: dir.file("p.png"))
        let png = try ImageHeader.size(of: dir.file("p.png"))
        #expect(png.width == 3 && png.height == 2)
    }

    @Test func corruptFilesGiveTypedErrorsNamingTheFile() throws {
        let dir = try TemporaryDirectory()
        try PNG.write(smoothImage(), to: dir.file("ok.png"))
        try JPEG.write(smoothImage(), to: dir.file("ok.jpg"))
        let png = try [UInt8](Data(contentsOf: dir.file("ok.png")))
        let jpg = try [UInt8](Data(contentsOf: dir.file("ok.jpg")))
        var flipped = png
        flipped[png.count / 2] ^= 0xFF  // breaks the IDAT CRC / zlib stream
        let damaged: [(String, [UInt8])] = [
            ("garbage.png", Array("definitely not an image".utf8)),
            ("cut.png", Array(png.prefix(png.count / 2))),
            ("flipped.png", flipped),
            ("empty.png", []),
        ]
        for (name, bytes) in damaged {
            let url = dir.file(name)
            try Data(bytes).write(to: url)
            #expect(performing: { try PNG.read(url) }, throws: { error in
                guard case .imageDecode(let u, "PNG", _)? = error as? SceneIOError else { return false }
                return u == url && "\(error)".contains(url.path)
            })
        }
        for (name, bytes) in [("cut.jpg", Array(jpg.prefix(jpg.count / 2))), ("garbage.jpg", Array(png.prefix(100)))] {
            let url = dir.file(name)
            try Data(bytes).write(to: url)
            #expect(performing: { try JPEG.read(url) }, throws: { error in
                guard case .imageDecode(let u, "JPEG", _)? = error as? SceneIOError else { return false }
                return u == url
            })
        }
        #expect(throws: SceneIOError.imageLayout(url: dir.file("ok.png"), expected: "16-bit gray", actual: "8-bit RGB")) {
            try PNG.readGray16(dir.file("ok.png"))
        }
        #expect(throws: SceneIOError.self) { try RGBImage(width: 2, height: 2, pixels: [1, 2, 3]) }
    }
}
