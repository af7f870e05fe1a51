import Foundation
import Geometry

/// Open3D's `PinholeCameraIntrinsic` JSON: image size and the 3×3 matrix stored column-major.
struct Open3DIntrinsicJSON: Decodable {
    var width: Int
    var height: Int
    var intrinsic_matrix: [Double]
}

extension RGBDFrameFolder {
    /// Names Open3D's examples and the Redwood datasets give the camera intrinsic JSON, in the order tried.
    static let open3DIntrinsicNames = ["camera_intrinsic.json", "intrinsic.json", "intrinsics_open3d.json"]

    /// The camera intrinsic JSON of an Open3D folder: a known name, else the only top-level JSON holding
    /// `intrinsic_matrix`.
    static func open3DIntrinsicFile(in url: URL) -> URL? {
        let manager = FileManager.default
        for name in open3DIntrinsicNames where manager.fileExists(atPath: url.appendingPathComponent(name).path) {
            return url.appendingPathComponent(name)
        }
        let names = (try? manager.contentsOfDirectory(atPath: url.path)) ?? []
        let candidates = names.sorted().filter { $0.lowercased().hasSuffix(".json") }.map { url.appendingPathComponent($0) }
        return candidates.first { file in
            guard let data = try? Data(contentsOf: file), data.count < 65536 else { return false }
            return String(decoding: data, as: UTF8.self).contains("\"intrinsic_matrix\"")
        }
    }

    static func openOpen3D(_ url: URL) throws(SceneIOError) -> FrameFolderParts {
        guard let intrinsicURL = open3DIntrinsicFile(in: url) else {
            throw .missingFile(url: url.appendingPathComponent("camera_intrinsic.json"), purpose: "Open3D camera intrinsic JSON")
        }
        let json = try JSONFile.read(Open3DIntrinsicJSON.self, from: intrinsicURL)
        let m = json.intrinsic_matrix
        guard m.count == 9, m.allSatisfy(\.isFinite) else {
            throw .invalidIntrinsics(url: intrinsicURL, field: "intrinsic_matrix", value: "\(m.count) values",
                                     expected: "9 finite numbers (3×3, column-major)")
        }
        // Column-major: [fx, 0, 0, 0, fy, 0, cx, cy, 1].
        let camera = PinholeIntrinsics(width: json.width, height: json.height, fx: m[0], fy: m[4], cx: m[6], cy: m[7])
        let colorDirName = FileManager.default.fileExists(atPath: url.appendingPathComponent("color").path) ? "color" : "image"
        let colorDir = url.appendingPathComponent(colorDirName), depthDir = url.appendingPathComponent("depth")
        let colors = try listFiles(in: colorDir, extensions: ["jpg", "jpeg", "png"], numeric: false,
                                   purpose: "colour frames (\(colorDirName)/)")
        let depths = try listFiles(in: depthDir, extensions: ["png"], numeric: false, purpose: "16-bit depth frames (depth/)")
        guard colors.count == depths.count else {
            let first = min(colors.count, depths.count)
            let (dir, have) = colors.count < depths.count ? (colorDir, colors.count) : (depthDir, depths.count)
            throw .missingFrameFile(url: dir.appendingPathComponent("(\(have) files; frame \(first) of "
                                                                     + "\(max(colors.count, depths.count)) has no partner)"),
                                    frame: first)
        }
        let frames = try pair(colors, depths, colorDir: colorDir, depthDir: depthDir, index: { _ in nil })
        let depthFile = CameraIntrinsicsFile(camera: camera, depthScale: 1000)
        try depthFile.validate(url: intrinsicURL)
        try checkCamera(camera, statedSize: true, against: frames[0].depthURL, frame: 0, source: intrinsicURL)
        // One camera for both images: colour of another size cannot be registered with it.
        let colorSize = try ImageHeader.size(of: frames[0].colorURL)
        guard colorSize.width == camera.width, colorSize.height == camera.height else {
            throw .frameSizeMismatch(url: frames[0].colorURL, frame: 0, expectedWidth: camera.width,
                                     expectedHeight: camera.height, actualWidth: colorSize.width, actualHeight: colorSize.height)
        }
        let logURL = url.appendingPathComponent("trajectory.log")
        var poses: [[Double]?]?, poseFiles: [URL]?
        if FileManager.default.fileExists(atPath: logURL.path) {
            let trajectory = try readTrajectoryLog(logURL)
            guard trajectory.count == frames.count else {
                throw .poseCountMismatch(url: logURL, poses: trajectory.count, frames: frames.count)
            }
            poses = trajectory.map { $0.allSatisfy(\.isFinite) ? $0 : nil }
            poseFiles = Array(repeating: logURL, count: frames.count)
        }
        return FrameFolderParts(frames: frames, depth: depthFile, color: camera, colorFromDepth: nil,
                                poses: poses, poseFiles: poseFiles)
    }

    /// Open3D's `.log` trajectory: per entry a metadata line (three integers) and four rows of the 4×4
    /// camera-to-world matrix. Non-finite entries are kept (the caller reports them).
    static func readTrajectoryLog(_ url: URL) throws(SceneIOError) -> [[Double]] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .missingFile(url: url, purpose: "Open3D trajectory log")
        }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(whereSeparator: \.isWhitespace) }
            .enumerated().filter { !$0.element.isEmpty }
        guard lines.count % 5 == 0 else {
            throw .tumBadLine(url: url, line: (lines.last?.offset ?? 0) + 1,
                              reason: "\(lines.count) non-empty lines; a trajectory log has 5 per frame (metadata + 4×4)")
        }
        var poses: [[Double]] = []
        for entry in stride(from: 0, to: lines.count, by: 5) {
            let meta = lines[entry]
            guard meta.element.count == 3, meta.element.allSatisfy({ Int($0) != nil }) else {
                throw .tumBadLine(url: url, line: meta.offset + 1, reason: "expected the metadata line 'i j n' of frame \(entry / 5)")
            }
            var m: [Double] = []
            for row in lines[(entry + 1)...(entry + 4)] {
                let values = row.element.compactMap { Double($0) }
                guard row.element.count == 4, values.count == 4 else {
                    throw .tumBadLine(url: url, line: row.offset + 1, reason: "frame \(entry / 5): a matrix row needs 4 numbers")
                }
                m += values
            }
            poses.append(m)
        }
        return poses
    }
}
