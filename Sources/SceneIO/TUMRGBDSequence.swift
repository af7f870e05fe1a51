import Foundation
import Support

/// A sequence in the TUM RGB-D benchmark layout: `rgb.txt` and `depth.txt` (lines
/// `timestamp filename`), `rgb/*.png`, `depth/*.png` (uint16, 5000 units per metre, registered to
/// the color camera) and optionally `groundtruth.txt` (TUM trajectory, world_from_camera).
///
/// Color and depth images are paired as the benchmark's `associate.py` does: candidate pairs closer
/// than `maxDifference` seconds, taken greedily from the closest, each image used once.
public struct TUMRGBDSequence: Sendable {
    public struct Frame: Sendable, Equatable {
        public var colorTimestamp: String
        public var colorURL: URL
        public var depthTimestamp: String
        public var depthURL: URL
        /// The ground-truth pose closest in time to the color image, when within `maxDifference`.
        public var groundTruth: TUMPose?
    }

    public let url: URL
    /// Associated frames in color-time order.
    public let frames: [Frame]
    /// Whether `groundtruth.txt` exists.
    public let hasGroundTruth: Bool

    /// Depth units per metre of the benchmark's depth PNGs.
    public static let depthScale = 5000.0

    /// Calibrated intrinsics the benchmark publishes for its three cameras (640x480; the depth is
    /// registered to color, so one pinhole serves both). Radial distortion is not modelled.
    public static func intrinsics(camera: String) -> CameraIntrinsicsFile? {
        switch camera.lowercased() {
        case "fr1", "freiburg1": return CameraIntrinsicsFile(width: 640, height: 480, fx: 517.3, fy: 516.5, cx: 318.6, cy: 255.3, depthScale: depthScale)
        case "fr2", "freiburg2": return CameraIntrinsicsFile(width: 640, height: 480, fx: 520.9, fy: 521.0, cx: 325.1, cy: 249.7, depthScale: depthScale)
        case "fr3", "freiburg3": return CameraIntrinsicsFile(width: 640, height: 480, fx: 535.4, fy: 539.2, cx: 320.1, cy: 247.6, depthScale: depthScale)
        case "ros", "default": return CameraIntrinsicsFile(width: 640, height: 480, fx: 525.0, fy: 525.0, cx: 319.5, cy: 239.5, depthScale: depthScale)
        default: return nil
        }
    }

    /// Reads the lists and associates color, depth and (if present) ground truth.
    public init(_ url: URL, maxDifference: Double = 0.02) throws(SceneIOError) {
        self.url = url
        let colors = try Self.readList(url.appendingPathComponent("rgb.txt"))
        let depths = try Self.readList(url.appendingPathComponent("depth.txt"))
        let pairs = Self.associate(colors.map(\.seconds), depths.map(\.seconds), maxDifference: maxDifference)
        let groundTruthURL = url.appendingPathComponent("groundtruth.txt")
        hasGroundTruth = FileManager.default.fileExists(atPath: groundTruthURL.path)
        let poses = hasGroundTruth ? try TUMTrajectory.read(groundTruthURL).poses : []
        let poseTimes = poses.map { $0.seconds ?? .nan }
        frames = pairs.map { pair in
            let color = colors[pair.0], depth = depths[pair.1]
            let pose = Self.nearest(color.seconds, in: poseTimes, maxDifference: maxDifference).map { poses[$0] }
            return Frame(colorTimestamp: color.timestamp, colorURL: url.appendingPathComponent(color.file),
                         depthTimestamp: depth.timestamp, depthURL: url.appendingPathComponent(depth.file),
                         groundTruth: pose)
        }
    }

    struct ListEntry {
        var timestamp: String
        var seconds: Double
        var file: String
    }

    static func readList(_ url: URL) throws(SceneIOError) -> [ListEntry] {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw .missingFile(url: url, purpose: "TUM RGB-D image list (lines 'timestamp filename')")
        }
        let text = String(decoding: try PosixFile(reading: url).readAll(), as: UTF8.self)
        var entries: [ListEntry] = []
        for (index, raw) in TextLines.split(text).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2, let seconds = Double(fields[0]), seconds.isFinite else {
                throw .tumBadLine(url: url, line: index + 1, reason: "expected 'timestamp filename'")
            }
            guard !fields[1].hasPrefix("/"), !fields[1].split(separator: "/").contains("..") else {
                throw .tumBadLine(url: url, line: index + 1, reason: "file name must be relative to the sequence folder")
            }
            entries.append(ListEntry(timestamp: String(fields[0]), seconds: seconds, file: String(fields[1])))
        }
        return entries
    }

    /// Greedy one-to-one association by smallest time difference (as `associate.py`), sorted by `a`.
    static func associate(_ a: [Double], _ b: [Double], maxDifference: Double) -> [(Int, Int)] {
        let bOrder = b.indices.sorted { b[$0] < b[$1] }
        let bSorted = bOrder.map { b[$0] }
        var candidates: [(difference: Double, i: Int, j: Int)] = []
        for (i, t) in a.enumerated() {
            var k = lowerBound(bSorted, t - maxDifference)
            while k < bSorted.count, bSorted[k] <= t + maxDifference {
                candidates.append((abs(bSorted[k] - t), i, bOrder[k]))
                k += 1
            }
        }
        candidates.sort { ($0.difference, $0.i, $0.j) < ($1.difference, $1.i, $1.j) }
        var usedA = Set<Int>(), usedB = Set<Int>(), pairs: [(Int, Int)] = []
        for candidate in candidates where !usedA.contains(candidate.i) && !usedB.contains(candidate.j) {
            usedA.insert(candidate.i)
            usedB.insert(candidate.j)
            pairs.append((candidate.i, candidate.j))
        }
        return pairs.sorted { a[$0.0] < a[$1.0] }
    }

    /// Index of the value in `times` closest to `t`, if within `maxDifference`.
    static func nearest(_ t: Double, in times: [Double], maxDifference: Double) -> Int? {
        var best: Int?
        var bestDifference = maxDifference
        for (i, time) in times.enumerated() where abs(time - t) <= bestDifference {
            best = i
            bestDifference = abs(time - t)
        }
        return best
    }

    private static func lowerBound(_ sorted: [Double], _ value: Double) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    // MARK: - Conversion

    /// Writes the sequence as a toolkit video folder: frames renumbered from 000000 in time order,
    /// color and depth PNGs copied byte for byte, `intrinsics.json`, and `poses.txt` from the ground
    /// truth. With ground truth present, frames without a pose within tolerance are dropped (the
    /// benchmark's own tools do the same), so every frame has a pose. Returns the opened folder.
    public func writeVideoFolder(to destination: URL, intrinsics: CameraIntrinsicsFile) throws(SceneIOError) -> VideoFolder {
        let kept = hasGroundTruth ? frames.filter { $0.groundTruth != nil } : frames
        try VideoFolderWriter.makeDirectory(destination.appendingPathComponent("color"))
        try VideoFolderWriter.makeDirectory(destination.appendingPathComponent("depth"))
        try intrinsics.write(to: destination.appendingPathComponent("intrinsics.json"))
        var poses: [TUMPose] = []
        for (index, frame) in kept.enumerated() {
            let stem = VideoFrame.stem(index)
            let colorExtension = frame.colorURL.pathExtension.lowercased() == "png" ? "png" : "jpg"
            try copy(frame.colorURL, to: destination.appendingPathComponent("color/\(stem).\(colorExtension)"))
            try copy(frame.depthURL, to: destination.appendingPathComponent("depth/\(stem).png"))
            if let pose = frame.groundTruth {
                // The pose keeps the color image's timestamp so the video folder stays self-describing.
                poses.append(TUMPose(timestamp: frame.colorTimestamp, translation: pose.translation, rotationXYZW: pose.rotationXYZW))
            }
        }
        if hasGroundTruth {
            try TUMTrajectory(poses: poses).write(to: destination.appendingPathComponent("poses.txt"))
        }
        return try VideoFolder(destination)
    }

    private func copy(_ source: URL, to destination: URL) throws(SceneIOError) {
        guard FileManager.default.fileExists(atPath: source.path) else {
            throw .missingFile(url: source, purpose: "image listed in rgb.txt/depth.txt")
        }
        try AtomicFile.write(Data(try PosixFile(reading: source).readAll()), to: destination)
    }
}
