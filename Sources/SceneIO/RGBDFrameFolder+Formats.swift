import Foundation
import Geometry

/// The parts one layout yields.
struct FrameFolderParts {
    var frames: [VideoFrame]
    var depth: CameraIntrinsicsFile
    var color: PinholeIntrinsics
    var colorFromDepth: [Double]?
    var poses: [[Double]?]?
    var poseFiles: [URL]?
}

extension RGBDFrameFolder {
    // MARK: - ScanNet's SensReader export

    static func openScanNet(_ url: URL) throws(SceneIOError) -> FrameFolderParts {
        let colorFiles = try listFiles(in: url.appendingPathComponent("color"), extensions: ["jpg", "jpeg", "png"],
                                       numeric: true, purpose: "colour frames (color/N.jpg)")
        let depthFiles = try listFiles(in: url.appendingPathComponent("depth"), extensions: ["png"],
                                       numeric: true, purpose: "16-bit depth frames (depth/N.png)")
        let frames = try pair(colorFiles, depthFiles, colorDir: url.appendingPathComponent("color"),
                              depthDir: url.appendingPathComponent("depth"), index: { Int($0) ?? 0 })
        let intrinsicDir = url.appendingPathComponent("intrinsic")
        let depthMatrix = try readMatrix4x4(intrinsicDir.appendingPathComponent("intrinsic_depth.txt"))
        let colorMatrix = try readMatrix4x4(intrinsicDir.appendingPathComponent("intrinsic_color.txt"))
        let depthSize = try ImageHeader.size(of: frames[0].depthURL)
        let colorSize = try ImageHeader.size(of: frames[0].colorURL)
        func pinhole(_ m: [Double], _ size: (width: Int, height: Int)) -> PinholeIntrinsics {
            PinholeIntrinsics(width: size.width, height: size.height, fx: m[0], fy: m[5], cx: m[2], cy: m[6])
        }
        let depth = pinhole(depthMatrix, depthSize), color = pinhole(colorMatrix, colorSize)
        try checkCamera(depth, statedSize: false, against: frames[0].depthURL, frame: frames[0].index,
                        source: intrinsicDir.appendingPathComponent("intrinsic_depth.txt"))
        try checkCamera(color, statedSize: false, against: frames[0].colorURL, frame: frames[0].index,
                        source: intrinsicDir.appendingPathComponent("intrinsic_color.txt"))
        let depthFile = CameraIntrinsicsFile(camera: depth, depthScale: 1000)
        try depthFile.validate(url: intrinsicDir.appendingPathComponent("intrinsic_depth.txt"))
        // Each extrinsic is the camera's pose in the device frame; colour-from-depth = inverse(colour) · depth.
        var colorFromDepth: [Double]?
        let colorExtrinsic = intrinsicDir.appendingPathComponent("extrinsic_color.txt")
        let depthExtrinsic = intrinsicDir.appendingPathComponent("extrinsic_depth.txt")
        if FileManager.default.fileExists(atPath: colorExtrinsic.path) || FileManager.default.fileExists(atPath: depthExtrinsic.path) {
            let c = try optionalRigid(colorExtrinsic), d = try optionalRigid(depthExtrinsic)
            let relative = c.inverse * d
            colorFromDepth = relative.matrix4x4
        }
        let poseDir = url.appendingPathComponent("pose")
        var poses: [[Double]?]?, poseFiles: [URL]?
        if FileManager.default.fileExists(atPath: poseDir.path) {
            var list: [[Double]?] = [], files: [URL] = []
            for frame in frames {
                let file = poseDir.appendingPathComponent("\(frame.index).txt")
                guard FileManager.default.fileExists(atPath: file.path) else {
                    let count = (try? FileManager.default.contentsOfDirectory(atPath: poseDir.path).count) ?? 0
                    throw .poseCountMismatch(url: file, poses: count, frames: frames.count)
                }
                let m = try readMatrix4x4(file, allowNonFinite: true)
                list.append(m.allSatisfy(\.isFinite) ? m : nil)
                files.append(file)
            }
            poses = list
            poseFiles = files
        }
        return FrameFolderParts(frames: frames, depth: depthFile, color: color, colorFromDepth: colorFromDepth,
                                poses: poses, poseFiles: poseFiles)
    }

    private static func optionalRigid(_ url: URL) throws(SceneIOError) -> RigidTransform {
        guard FileManager.default.fileExists(atPath: url.path) else { return .identity }
        let m = try readMatrix4x4(url)
        do { return try RigidTransform(matrix: m, tolerance: 1e-3) } catch {
            throw .unreadable(url: url, reason: "not a rigid 4×4 transform: \(error)")
        }
    }

    /// 16 numbers in 4 rows (whitespace-separated). Non-finite values (`-inf`, `nan`) are errors unless allowed.
    static func readMatrix4x4(_ url: URL, allowNonFinite: Bool = false) throws(SceneIOError) -> [Double] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .missingFile(url: url, purpose: "a 4×4 matrix")
        }
        let rows = text.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }
        guard rows.count == 4 else { throw .unreadable(url: url, reason: "\(rows.count) rows; a 4×4 matrix has 4") }
        var values: [Double] = []
        for (line, row) in rows.enumerated() {
            let tokens = row.split(whereSeparator: \.isWhitespace)
            guard tokens.count == 4 else {
                throw .unreadable(url: url, reason: "line \(line + 1): \(tokens.count) numbers; a 4×4 matrix row has 4")
            }
            for token in tokens {
                guard let v = Double(token), allowNonFinite || v.isFinite else {
                    throw .unreadable(url: url, reason: "line \(line + 1): '\(token)' is not a finite number")
                }
                values.append(v)
            }
        }
        return values
    }

    /// Pairs colour and depth files by key (ScanNet's N) or by position (Open3D); a partner missing on either
    /// side is reported with the frame it belongs to.
    static func pair(_ colors: [(key: String, url: URL)], _ depths: [(key: String, url: URL)], colorDir: URL,
                     depthDir: URL, index: (String) -> Int?) throws(SceneIOError) -> [VideoFrame] {
        var frames: [VideoFrame] = []
        if colors.count != depths.count || zip(colors, depths).contains(where: { $0.key != $1.key && index($0.key) != nil }) {
            let colorKeys = Set(colors.map(\.key)), depthKeys = Set(depths.map(\.key))
            if let c = colors.first(where: { !depthKeys.contains($0.key) }), index(c.key) != nil {
                throw .missingFrameFile(url: depthDir.appendingPathComponent(c.key + ".png"), frame: index(c.key) ?? 0)
            }
            if let d = depths.first(where: { !colorKeys.contains($0.key) }), index(d.key) != nil {
                throw .missingFrameFile(url: colorDir.appendingPathComponent(d.key + ".jpg"), frame: index(d.key) ?? 0)
            }
            if colors.count != depths.count {
                let first = min(colors.count, depths.count)
                let url = colors.count < depths.count ? colorDir : depthDir
                throw .missingFrameFile(url: url.appendingPathComponent("(frame \(first) of \(max(colors.count, depths.count)))"),
                                        frame: first)
            }
        }
        for (position, (color, depth)) in zip(colors, depths).enumerated() {
            frames.append(VideoFrame(index: index(color.key) ?? position, colorURL: color.url, depthURL: depth.url))
        }
        return frames
    }
}
