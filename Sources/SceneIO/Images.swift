/// 8-bit RGB image, rows top to bottom; `pixels` is [height, width, 3] interleaved.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    /// Throws if `pixels.count != width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws(SceneIOError) {
        try checkImageBuffer("RGB image", width, height, 3, pixels.count)
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A black image.
    public init(width: Int, height: Int) {
        self.width = max(width, 0)
        self.height = max(height, 0)
        self.pixels = [UInt8](repeating: 0, count: self.width * self.height * 3)
    }

    /// The pixel at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> SIMD3<UInt8> {
        get {
            let i = (y * width + x) * 3
            return SIMD3(pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            let i = (y * width + x) * 3
            pixels[i] = newValue.x
            pixels[i + 1] = newValue.y
            pixels[i + 2] = newValue.z
        }
    }
}

/// 8-bit RGBA image, rows top to bottom; `pixels` is [height, width, 4] interleaved, alpha not premultiplied.
public struct RGBAImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) throws(SceneIOError) {
        try checkImageBuffer("RGBA image", width, height, 4, pixels.count)
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The RGB channels, alpha dropped.
    public var rgb: RGBImage {
        var out = RGBImage(width: width, height: height)
        for i in 0..<(width * height) {
            out.pixels[3 * i] = pixels[4 * i]
            out.pixels[3 * i + 1] = pixels[4 * i + 1]
            out.pixels[3 * i + 2] = pixels[4 * i + 2]
        }
        return out
    }
}

/// 8-bit single-channel image, [height, width].
public struct GrayImage8: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) throws(SceneIOError) {
        try checkImageBuffer("gray image", width, height, 1, pixels.count)
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The gray value replicated into three channels.
    public var rgb: RGBImage {
        var out = RGBImage(width: width, height: height)
        for (i, v) in pixels.enumerated() {
            out.pixels[3 * i] = v
            out.pixels[3 * i + 1] = v
            out.pixels[3 * i + 2] = v
        }
        return out
    }
}

/// 16-bit single-channel image, [height, width]: depth maps (units of 1/`depth_scale` metre,
/// 0 = no measurement) and 2D instance-id masks (0 = none).
public struct GrayImage16: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt16]

    public init(width: Int, height: Int, pixels: [UInt16]) throws(SceneIOError) {
        try checkImageBuffer("16-bit image", width, height, 1, pixels.count)
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The value at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> UInt16 {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }
}

/// Any image a PNG file can decode to.
public enum DecodedImage: Sendable, Equatable {
    case gray8(GrayImage8)
    case gray16(GrayImage16)
    case rgb(RGBImage)
    case rgba(RGBAImage)

    public var width: Int {
        switch self {
        case let .gray8(i): return i.width
        case let .gray16(i): return i.width
        case let .rgb(i): return i.width
        case let .rgba(i): return i.width
        }
    }

    public var height: Int {
        switch self {
        case let .gray8(i): return i.height
        case let .gray16(i): return i.height
        case let .rgb(i): return i.height
        case let .rgba(i): return i.height
        }
    }

    /// A short description of the pixel layout, e.g. "16-bit gray".
    public var layout: String {
        switch self {
        case .gray8: return "8-bit gray"
        case .gray16: return "16-bit gray"
        case .rgb: return "8-bit RGB"
        case .rgba: return "8-bit RGBA"
        }
    }
}

func checkImageBuffer(_ name: String, _ width: Int, _ height: Int, _ channels: Int, _ count: Int) throws(SceneIOError) {
    guard width >= 0, height >= 0, width * height * channels == count else {
        throw .imageBufferSize(image: name, width: width, height: height, channels: channels, actualCount: count)
    }
}
