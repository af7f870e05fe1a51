import Foundation
import Support

/// One line of a TUM RGB-D trajectory: the pose `world_from_camera` at `timestamp`.
public struct TUMPose: Sendable, Equatable {
    /// The timestamp exactly as written in the file (e.g. "1305031102.175304"), so that
    /// association with image timestamps never suffers from float formatting.
    public var timestamp: String
    /// Camera centre in world coordinates, metres (tx ty tz).
    public var translation: SIMD3<Double>
    /// Rotation world_from_camera as a unit quaternion in TUM order (qx, qy, qz, qw) — scalar LAST.
    public var rotationXYZW: SIMD4<Double>

    public init(timestamp: String, translation: SIMD3<Double>, rotationXYZW: SIMD4<Double>) {
        self.timestamp = timestamp
        self.translation = translation
        self.rotationXYZW = rotationXYZW
    }

    /// The timestamp in seconds, when it parses as a number.
    public var seconds: Double? { Double(timestamp) }
}

/// A TUM-format trajectory file: `timestamp tx ty tz qx qy qz qw` per line, `#` comments.
public struct TUMTrajectory: Sendable, Equatable {
    public var poses: [TUMPose]

    public init(poses: [TUMPose] = []) {
        self.poses = poses
    }

    /// Reads and validates a trajectory file.
    public static func read(_ url: URL) throws(SceneIOError) -> TUMTrajectory {
        let bytes = try PosixFile(reading: url).readAll()
        return try parse(String(decoding: bytes, as: UTF8.self), url: url)
    }

    /// Parses trajectory text; `url` names the source in errors. Every value must be a finite
    /// number and the quaternion must not be zero.
    public static func parse(_ text: String, url: URL) throws(SceneIOError) -> TUMTrajectory {
        var poses: [TUMPose] = []
        var number = 0
        for rawLine in TextLines.split(text) {
            number += 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
            guard fields.count == 8 else {
                throw .tumBadLine(url: url, line: number,
                                  reason: "\(fields.count) fields, expected 8 (timestamp tx ty tz qx qy qz qw)")
            }
            let names = ["timestamp", "tx", "ty", "tz", "qx", "qy", "qz", "qw"]
            var values: [Double] = []
            for (field, name) in zip(fields, names) {
                guard let value = Double(field) else {
                    throw .tumBadLine(url: url, line: number, reason: "\(name) '\(field)' is not a number")
                }
                guard value.isFinite else {
                    throw .tumBadLine(url: url, line: number, reason: "\(name) is \(field), expected a finite number")
                }
                values.append(value)
            }
            let q = SIMD4(values[4], values[5], values[6], values[7])
            guard (q * q).sum() > 1e-12 else {
                throw .tumBadLine(url: url, line: number, reason: "quaternion (qx qy qz qw) is zero")
            }
            poses.append(TUMPose(timestamp: String(fields[0]),
                                 translation: SIMD3(values[1], values[2], values[3]), rotationXYZW: q))
        }
        return TUMTrajectory(poses: poses)
    }

    /// The file text: a comment header, then one line per pose with shortest round-trip numbers.
    public var text: String {
        var out = "# timestamp tx ty tz qx qy qz qw (world_from_camera)\n"
        for pose in poses {
            let t = pose.translation, q = pose.rotationXYZW
            out += "\(pose.timestamp) \(t.x) \(t.y) \(t.z) \(q.x) \(q.y) \(q.z) \(q.w)\n"
        }
        return out
    }

    /// Writes the trajectory atomically.
    public func write(to url: URL) throws(SceneIOError) {
        try AtomicFile.write(Data(text.utf8), to: url)
    }
}
