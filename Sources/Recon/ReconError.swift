import Foundation

/// Errors of the reconstruction stage. Every case names the file and, where one is involved, the frame.
public enum ReconError: Error, Equatable, CustomStringConvertible {
    /// The input path is neither a video folder, a TUM RGB-D folder nor a ScanNet `.sens` file.
    case unrecognizedInput(url: URL, reason: String)
    /// A frame's colour or depth could not be read or decoded.
    case unreadableFrame(url: URL, index: Int, reason: String)
    /// Colour and depth of a frame (or a frame and the intrinsics) disagree in size.
    case sizeMismatch(url: URL, frame: Int, expected: String, actual: String)
    /// A `.sens` file ends inside frame `frame` (or inside the header when `frame` is nil).
    case truncatedFile(url: URL, frame: Int?, reason: String)
    /// A file of the input is malformed (`line` is 1-based when known).
    case malformedFile(url: URL, line: Int?, reason: String)
    /// An option is out of range.
    case invalidOption(name: String, value: String, expected: String)
    /// `--poses given|refine` needs poses that the input does not have.
    case missingPoses(url: URL, mode: String)
    /// Nothing usable remained (e.g. every frame lacked depth).
    case noUsableFrames(url: URL, reason: String)
    /// A CBridge call (fusion, odometry, pose graph) failed.
    case bridgeFailure(function: String, status: Int32, message: String)
    /// The depth of frame `frame` in metres (raw / depth scale) is not an indoor capture's: the depth unit is not
    /// what the input states (pass `--depth-scale`).
    case implausibleDepth(url: URL, frame: Int, medianMetres: Double, depthScale: Double)
    /// Writing the scene failed; the previous contents of `url` (if any) are untouched.
    case unwritableOutput(url: URL, reason: String)

    public var description: String {
        switch self {
        case let .unrecognizedInput(url, reason):
            return "\(url.path): not a recognised RGB-D input (\(reason)); expected a video folder (intrinsics.json, color/, depth/), a TUM RGB-D folder (rgb.txt, depth.txt), a ScanNet .sens file, a ScanNet frame export (color/, depth/, pose/, intrinsic/) or an Open3D RGB-D folder (color/ or image/, depth/, camera intrinsic JSON)"
        case let .unreadableFrame(url, index, reason):
            return "\(url.path): frame \(index) cannot be read: \(reason)"
        case let .sizeMismatch(url, frame, expected, actual):
            return "\(url.path): frame \(frame) has size \(actual), expected \(expected)"
        case let .truncatedFile(url, frame, reason):
            return "\(url.path): truncated \(frame.map { "in frame \($0)" } ?? "in the header"): \(reason)"
        case let .malformedFile(url, line, reason):
            return "\(url.path)\(line.map { ":\($0)" } ?? ""): \(reason)"
        case let .invalidOption(name, value, expected):
            return "invalid option \(name) = \(value); expected \(expected)"
        case let .missingPoses(url, mode):
            return "\(url.path): --poses \(mode) needs per-frame poses (poses.txt / .sens poses), but the input has none"
        case let .noUsableFrames(url, reason):
            return "\(url.path): no usable frames: \(reason)"
        case let .bridgeFailure(function, status, message):
            return "\(function) failed with status \(status): \(message)"
        case let .implausibleDepth(url, frame, median, scale):
            let suggested = pow(10, (log10(scale * median / 2.5)).rounded())
            return "\(url.path): frame \(frame): median depth \(String(format: "%.1f", median)) m at depth scale \(scale) units per metre "
                + "is not a room; the depth is in another unit (e.g. --depth-scale \(String(format: "%g", suggested)) for a 2.5 m median)"
        case let .unwritableOutput(url, reason):
            return "\(url.path): cannot write the scene: \(reason)"
        }
    }
}
