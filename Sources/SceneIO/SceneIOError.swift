import Foundation

/// Errors raised while reading or writing the toolkit's files. Every case names the file (or, for
/// arrays that live only in memory, says so) and states what was found against what was expected.
public enum SceneIOError: Error, Equatable, CustomStringConvertible {
    // MARK: - Operating system

    /// The file could not be opened or read; `reason` is the system's message.
    case unreadable(url: URL, reason: String)
    /// The file (or its temporary sibling) could not be created, written or renamed into place.
    case unwritable(url: URL, reason: String)

    // MARK: - NumPy .npy

    /// The file does not start with the `\x93NUMPY` magic string.
    case npyBadMagic(url: URL, found: [UInt8])
    /// The format version is not 1.0, 2.0 or 3.0.
    case npyUnsupportedVersion(url: URL, major: UInt8, minor: UInt8)
    /// The header dictionary could not be parsed or lacks a key.
    case npyMalformedHeader(url: URL, reason: String)
    /// The dtype descriptor is not one this toolkit reads (object, structured, complex, ...).
    case npyUnsupportedDType(url: URL, descr: String, supported: [String])
    /// The array is stored big-endian; the toolkit reads little-endian only.
    case npyBigEndian(url: URL, descr: String)
    /// The array is stored in Fortran (column-major) order; the toolkit reads C order only.
    case npyFortranOrder(url: URL, shape: [Int])
    /// The shape has a negative dimension or its element count overflows.
    case npyInvalidShape(url: URL, shape: [Int])
    /// The data after the header is not exactly `count * itemsize` bytes long.
    case npyDataSizeMismatch(url: URL, expectedBytes: Int, actualBytes: Int)
    /// A typed accessor asked for an element type the stored dtype cannot be converted to without loss.
    case npyWrongDType(array: String, requested: String, stored: String)
    /// The array's shape does not fit what the caller requires (e.g. `[N, 3]` for points).
    case npyUnexpectedShape(array: String, expected: String, actual: [Int])
    /// The number of values does not match the product of the shape.
    case npyShapeMismatch(array: String, shape: [Int], expectedCount: Int, actualCount: Int)

    // MARK: - PLY

    /// The PLY header is malformed; `line` is 1-based within the header.
    case plyMalformedHeader(url: URL, line: Int, reason: String)
    /// The PLY file uses something the toolkit does not read (e.g. list properties on vertices).
    case plyUnsupported(url: URL, reason: String)
    /// The body ends before record `record` of element `element` is complete.
    case plyTruncated(url: URL, element: String, record: Int, of: Int)
    /// The header declares more records than the body's bytes can hold (checked before any allocation).
    case plyElementTooLarge(url: URL, element: String, count: Int, minimumBytes: String, bodyBytes: Int)
    /// An ASCII value could not be parsed as the declared type.
    case plyBadValue(url: URL, element: String, record: Int, property: String, token: String)
    /// A face refers to a vertex that does not exist.
    case plyFaceIndexOutOfRange(url: URL, face: Int, index: Int64, vertexCount: Int)
    /// A face has fewer than three vertices.
    case plyDegenerateFace(url: URL, face: Int, cornerCount: Int)
    /// A required property is missing (e.g. vertex `x`).
    case plyMissingProperty(url: URL, element: String, property: String)
    /// A mesh handed to the writer is inconsistent (e.g. 10 positions but 9 colors).
    case plyInvalidMesh(url: URL, field: String, expectedCount: Int, actualCount: Int)

    // MARK: - Images

    /// The image file is not valid `format` (PNG/JPEG) data or is damaged; `reason` is the codec's message.
    case imageDecode(url: URL, format: String, reason: String)
    /// The image could not be encoded (invalid dimensions, codec failure).
    case imageEncode(url: URL, format: String, reason: String)
    /// The image decodes, but not to the pixel layout the caller needs (e.g. 8-bit RGB where 16-bit depth is required).
    case imageLayout(url: URL, expected: String, actual: String)
    /// A pixel buffer does not hold `width * height * channels` samples.
    case imageBufferSize(image: String, width: Int, height: Int, channels: Int, actualCount: Int)

    // MARK: - JSON, trajectories, video and scene folders

    /// A required file or folder does not exist.
    case missingFile(url: URL, purpose: String)
    /// A JSON file does not decode to the expected structure.
    case invalidJSON(url: URL, reason: String)
    /// `intrinsics.json` decodes but a field is out of range.
    case invalidIntrinsics(url: URL, field: String, value: String, expected: String)
    /// A TUM trajectory line is malformed; `line` is 1-based.
    case tumBadLine(url: URL, line: Int, reason: String)
    /// Frame files are not numbered 000000, 000001, ... without gaps; `url` is the folder.
    case frameNumbering(url: URL, expected: String, found: String)
    /// The file of frame `frame` is missing (`url` is the path that should exist).
    case missingFrameFile(url: URL, frame: Int)
    /// Two files claim the same frame (e.g. 000004.jpg and 000004.png).
    case duplicateFrame(url: URL, frame: Int)
    /// A frame image does not have the size `intrinsics.json` states.
    case frameSizeMismatch(url: URL, frame: Int, expectedWidth: Int, expectedHeight: Int, actualWidth: Int, actualHeight: Int)
    /// `poses.txt` does not have one pose per frame.
    case poseCountMismatch(url: URL, poses: Int, frames: Int)
    /// `scene.json` declares a format version this build does not read.
    case sceneFormatVersion(url: URL, found: Int, supported: Int)
    /// The manifest lists an array whose file is missing, or the caller asked for an unknown array.
    case sceneArrayMissing(url: URL, name: String)
    /// An array file's dtype or shape differs from what the manifest records.
    case sceneArrayMismatch(url: URL, name: String, manifest: String, file: String)
    /// A standard scene array (coord, color, ...) breaks the design's dtype/shape convention.
    case sceneConvention(url: URL, name: String, expected: String, actual: String)
    /// An array name that cannot be used as a file name in a scene folder.
    case invalidArrayName(name: String, reason: String)

    // MARK: - ScanNet .sens

    /// The .sens header or frame table is malformed.
    case sensMalformed(url: URL, reason: String)
    /// One frame of a .sens file cannot be decoded.
    case sensFrame(url: URL, frame: Int, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(url, reason):
            return "\(url.path): cannot read: \(reason)"
        case let .unwritable(url, reason):
            return "\(url.path): cannot write: \(reason)"
        case let .npyBadMagic(url, found):
            let hex = found.map { String(format: "%02x", $0) }.joined(separator: " ")
            return "\(url.path): not a .npy file: expected magic 93 4e 55 4d 50 59 (\\x93NUMPY), found \(hex)"
        case let .npyUnsupportedVersion(url, major, minor):
            return "\(url.path): unsupported .npy format version \(major).\(minor) (expected 1.0, 2.0 or 3.0)"
        case let .npyMalformedHeader(url, reason):
            return "\(url.path): malformed .npy header: \(reason)"
        case let .npyUnsupportedDType(url, descr, supported):
            return "\(url.path): unsupported dtype '\(descr)' (supported: \(supported.joined(separator: ", ")))"
        case let .npyBigEndian(url, descr):
            return "\(url.path): big-endian dtype '\(descr)' (only little-endian arrays are read; use arr.astype(arr.dtype.newbyteorder('<')))"
        case let .npyFortranOrder(url, shape):
            return "\(url.path): Fortran-ordered array of shape \(shape) (only C order is read; use numpy.ascontiguousarray)"
        case let .npyInvalidShape(url, shape):
            return "\(url.path): invalid shape \(shape)"
        case let .npyDataSizeMismatch(url, expected, actual):
            let what = actual < expected ? "truncated" : "trailing bytes"
            return "\(url.path): \(what): data is \(actual) bytes, header implies \(expected)"
        case let .npyWrongDType(array, requested, stored):
            return "\(array): requested \(requested) but the array stores \(stored)"
        case let .npyUnexpectedShape(array, expected, actual):
            return "\(array): expected shape \(expected), found \(actual)"
        case let .npyShapeMismatch(array, shape, expected, actual):
            return "\(array): shape \(shape) needs \(expected) values, given \(actual)"
        case let .plyMalformedHeader(url, line, reason):
            return "\(url.path): malformed PLY header at line \(line): \(reason)"
        case let .plyUnsupported(url, reason):
            return "\(url.path): unsupported PLY content: \(reason)"
        case let .plyElementTooLarge(url, element, count, minimumBytes, bodyBytes):
            return "\(url.path): element '\(element)' declares \(count) records, which need at least \(minimumBytes) bytes; the body has \(bodyBytes)"
        case let .plyTruncated(url, element, record, total):
            return "\(url.path): truncated PLY body: file ends in \(element) \(record) of \(total)"
        case let .plyBadValue(url, element, record, property, token):
            return "\(url.path): \(element) \(record) property '\(property)': cannot parse '\(token)'"
        case let .plyFaceIndexOutOfRange(url, face, index, vertexCount):
            return "\(url.path): face \(face) refers to vertex \(index), but there are \(vertexCount) vertices (valid 0..<\(vertexCount))"
        case let .plyDegenerateFace(url, face, corners):
            return "\(url.path): face \(face) has \(corners) corners (at least 3 expected)"
        case let .plyMissingProperty(url, element, property):
            return "\(url.path): element '\(element)' lacks required property '\(property)'"
        case let .plyInvalidMesh(url, field, expected, actual):
            return "\(url.path): cannot write mesh: \(field) has \(actual) entries, expected \(expected)"
        case let .imageDecode(url, format, reason):
            return "\(url.path): cannot decode \(format): \(reason)"
        case let .imageEncode(url, format, reason):
            return "\(url.path): cannot encode \(format): \(reason)"
        case let .imageLayout(url, expected, actual):
            return "\(url.path): expected \(expected) image, found \(actual)"
        case let .imageBufferSize(image, width, height, channels, actual):
            return "\(image): \(width)x\(height)x\(channels) image needs \(width * height * channels) samples, given \(actual)"
        case let .missingFile(url, purpose):
            return "\(url.path): missing (\(purpose))"
        case let .invalidJSON(url, reason):
            return "\(url.path): invalid JSON: \(reason)"
        case let .invalidIntrinsics(url, field, value, expected):
            return "\(url.path): field '\(field)' is \(value), expected \(expected)"
        case let .tumBadLine(url, line, reason):
            return "\(url.path):\(line): \(reason)"
        case let .frameNumbering(url, expected, found):
            return "\(url.path): frames must be numbered from 000000 without gaps: expected \(expected), found \(found)"
        case let .missingFrameFile(url, frame):
            return "\(url.path): missing file for frame \(frame)"
        case let .duplicateFrame(url, frame):
            return "\(url.path): frame \(frame) has more than one file"
        case let .frameSizeMismatch(url, frame, ew, eh, aw, ah):
            return "\(url.path): frame \(frame) is \(aw)x\(ah), intrinsics.json says \(ew)x\(eh)"
        case let .poseCountMismatch(url, poses, frames):
            return "\(url.path): \(poses) poses for \(frames) frames (expected one pose per frame)"
        case let .sceneFormatVersion(url, found, supported):
            return "\(url.path): scene format_version \(found) is newer than the supported \(supported)"
        case let .sceneArrayMissing(url, name):
            return "\(url.path): no array '\(name)'"
        case let .sceneArrayMismatch(url, name, manifest, file):
            return "\(url.path): array '\(name)' is \(file) on disk but scene.json records \(manifest)"
        case let .sensMalformed(url, reason):
            return "\(url.path): not a readable ScanNet .sens file: \(reason)"
        case let .sensFrame(url, frame, reason):
            return "\(url.path): frame \(frame): \(reason)"
        case let .sceneConvention(url, name, expected, actual):
            return "\(url.path): array '\(name)' should be \(expected), is \(actual)"
        case let .invalidArrayName(name, reason):
            return "invalid array name '\(name)': \(reason)"
        }
    }
}
