import Foundation
import Geometry
import SceneIO

/// Published calibrations of the TUM RGB-D cameras (pixels, 640×480; distortion is ignored). The same values
/// live in `recon/presets/tum_fr{1,2,3}.json` for use with `--preset`.
public enum TUMCalibration: String, Sendable, CaseIterable {
    case freiburg1, freiburg2, freiburg3, ros

    public var values: (fx: Double, fy: Double, cx: Double, cy: Double) {
        switch self {
        case .freiburg1: return (517.3, 516.5, 318.6, 255.3)
        case .freiburg2: return (520.9, 521.0, 325.1, 249.7)
        case .freiburg3: return (535.4, 539.2, 320.1, 247.6)
        case .ros: return (525.0, 525.0, 319.5, 239.5)
        }
    }

    /// The calibration a sequence folder's name implies (`rgbd_dataset_freiburg2_xyz` → freiburg2), else ROS defaults.
    public static func guess(folderName: String) -> TUMCalibration {
        let name = folderName.lowercased()
        for calibration in [TUMCalibration.freiburg1, .freiburg2, .freiburg3] {
            let short = "fr" + String(calibration.rawValue.last ?? "0")
            if name.contains(calibration.rawValue) || name.contains(short) { return calibration }
        }
        return .ros
    }
}

/// A TUM RGB-D benchmark folder. Colour and depth are paired like the benchmark's associate tool: all pairs
/// closer than 0.02 s are candidates, accepted greedily from the closest, each image used once, then ordered by
/// colour time. Depth scale 5000 units per metre. `groundtruth.txt`, when present, gives each frame the
/// ground-truth pose nearest in time (within 0.02 s).
public struct TUMSource: RGBDSource {
    public static let maxTimeDifference = 0.02
    public var kind: InputKind { .tum }
    public let url: URL
    public let intrinsics: PinholeIntrinsics
    public let calibration: TUMCalibration
    public var depthScale: Double { 5000 }
    public var frameCount: Int { pairs.count }
    public var devicePoses: [RigidTransform?]? { nil }
    public let groundTruthPoses: [RigidTransform?]?
    /// (colour time, colour file, depth file), relative paths, ordered by colour time.
    let pairs: [(time: String, color: String, depth: String)]

    public init(_ url: URL) throws(ReconError) {
        self.url = url
        let rgb = try Self.readList(url.appendingPathComponent("rgb.txt"))
        let depth = try Self.readList(url.appendingPathComponent("depth.txt"))
        pairs = Self.associate(rgb, depth).map { (rgb[$0.0].stamp, rgb[$0.0].file, depth[$0.1].file) }
        guard let first = pairs.first else {
            throw .noUsableFrames(url: url, reason: "no colour/depth pair within \(Self.maxTimeDifference) s")
        }
        let size: (width: Int, height: Int)
        let firstURL = url.appendingPathComponent(first.color)
        do { size = try ImageHeader.size(of: firstURL) } catch {
            throw .unreadableFrame(url: firstURL, index: 0, reason: error.description)
        }
        calibration = TUMCalibration.guess(folderName: url.lastPathComponent)
        let k = calibration.values
        intrinsics = PinholeIntrinsics(width: size.width, height: size.height, fx: k.fx, fy: k.fy, cx: k.cx, cy: k.cy)
        let gtURL = url.appendingPathComponent("groundtruth.txt")
        if FileManager.default.fileExists(atPath: gtURL.path) {
            let trajectory: TUMTrajectory
            do { trajectory = try TUMTrajectory.read(gtURL) } catch {
                throw .malformedFile(url: gtURL, line: nil, reason: error.description)
            }
            let times = trajectory.poses.map { $0.seconds ?? .nan }
            groundTruthPoses = pairs.map { pair in
                guard let t = Double(pair.time) else { return nil }
                return Self.nearest(times, to: t).flatMap { i in
                    abs(times[i] - t) <= Self.maxTimeDifference ? rigidTransform(trajectory.poses[i]) : nil
                }
            }
        } else {
            groundTruthPoses = nil
        }
    }

    /// Reads a `timestamp filename` list; `#` lines are comments.
    static func readList(_ url: URL) throws(ReconError) -> [(seconds: Double, stamp: String, file: String)] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .malformedFile(url: url, line: nil, reason: "cannot read: \(error.localizedDescription)")
        }
        var entries: [(Double, String, String)] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let seconds = Double(fields[0]), seconds.isFinite else {
                throw .malformedFile(url: url, line: number + 1, reason: "expected 'timestamp filename', found '\(trimmed)'")
            }
            entries.append((seconds, String(fields[0]), String(fields[1])))
        }
        return entries
    }

    /// Greedy nearest-time pairing (each side used once), ordered by the first list's time.
    static func associate(_ a: [(seconds: Double, stamp: String, file: String)],
                          _ b: [(seconds: Double, stamp: String, file: String)]) -> [(Int, Int)] {
        var candidates: [(difference: Double, i: Int, j: Int)] = []
        let bTimes = b.map(\.seconds)
        let order = bTimes.indices.sorted { bTimes[$0] < bTimes[$1] }
        let sorted = order.map { bTimes[$0] }
        for (i, entry) in a.enumerated() {
            // Binary search for the window [t − δ, t + δ] in the sorted second list.
            var lo = 0, hi = sorted.count
            while lo < hi { let mid = (lo + hi) / 2; if sorted[mid] < entry.seconds - maxTimeDifference { lo = mid + 1 } else { hi = mid } }
            var k = lo
            while k < sorted.count, sorted[k] <= entry.seconds + maxTimeDifference {
                candidates.append((abs(sorted[k] - entry.seconds), i, order[k]))
                k += 1
            }
        }
        candidates.sort { ($0.difference, $0.i, $0.j) < ($1.difference, $1.i, $1.j) }
        var usedA = Set<Int>(), usedB = Set<Int>(), pairs: [(Int, Int)] = []
        for c in candidates where !usedA.contains(c.i) && !usedB.contains(c.j) {
            usedA.insert(c.i); usedB.insert(c.j)
            pairs.append((c.i, c.j))
        }
        return pairs.sorted { a[$0.0].seconds < a[$1.0].seconds }
    }

    static func nearest(_ times: [Double], to t: Double) -> Int? {
        var best: Int?
        for (i, time) in times.enumerated() where time.isFinite {
            if best == nil || abs(time - t) < abs(times[best ?? 0] - t) { best = i }
        }
        return best
    }

    public func timestamp(of index: Int) -> String { pairs[index].time }
    public func colorPath(of index: Int) -> String { pairs[index].color }

    public func frame(_ index: Int) throws(ReconError) -> RGBDFrame {
        guard pairs.indices.contains(index) else {
            throw .unreadableFrame(url: url, index: index, reason: "no such frame (the sequence has \(frameCount))")
        }
        let colorURL = url.appendingPathComponent(pairs[index].color)
        let depthURL = url.appendingPathComponent(pairs[index].depth)
        let color: RGBImage, depth: GrayImage16
        do { color = try ColorImageFile.readRGB(colorURL) } catch { throw frameError(error, url: colorURL, index: index) }
        do { depth = try PNG.readGray16(depthURL) } catch { throw frameError(error, url: depthURL, index: index) }
        guard depth.width == intrinsics.width, depth.height == intrinsics.height else {
            throw .sizeMismatch(url: depthURL, frame: index, expected: "\(intrinsics.width)×\(intrinsics.height)",
                                actual: "\(depth.width)×\(depth.height)")
        }
        guard color.width == depth.width, color.height == depth.height else {
            throw .sizeMismatch(url: colorURL, frame: index, expected: "\(depth.width)×\(depth.height) (the depth image)",
                                actual: "\(color.width)×\(color.height)")
        }
        return RGBDFrame(index: index, color: color, depth: depth.pixels)
    }
}
