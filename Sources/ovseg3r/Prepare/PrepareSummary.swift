import Foundation
import SceneIO

/// What `ovseg3r prepare` did: printed at the end (text or `--json`) and, after a complete run, stored as
/// `SCENE/prepare.json` (the marker `tools/ray_prepare.py` uses to skip prepared videos).
struct PrepareSummary: Codable, Sendable {
    /// What became of one stage (written as its raw value).
    enum StageStatus: String, Codable, Sendable {
        case ran, skipped, failed
    }

    /// How the whole command ended (written as its raw value; `tools/ray_prepare.py` skips a video whose
    /// `prepare.json` says "ok").
    enum RunStatus: String, Codable, Sendable {
        case running, ok, failed
    }

    struct Stage: Codable, Sendable {
        /// recon, superpoints or lift.
        var name: String
        var status: StageStatus
        /// Wall-clock seconds (0 when skipped).
        var seconds: Double
        /// A one-line result, or the error of a failed stage.
        var detail: String
    }

    static let fileName = SceneFile.prepare.fileName

    var formatVersion = 1
    var video: String
    var scene: String
    var pred2d: String
    var status = RunStatus.running
    var stages: [Stage] = []
    /// Wall-clock seconds of the whole command.
    var seconds = 0.0
    /// Scene counts after the run: points N, superpoints S, lifted view-level instances L.
    var points: Int?
    var superpoints: Int?
    var viewInstances: Int?
    var error: String?

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case video, scene, pred2d, status, stages, seconds, points, superpoints, error
        case viewInstances = "view_instances"
    }

    init(video: String, scene: String, pred2d: String) {
        self.video = video
        self.scene = scene
        self.pred2d = pred2d
    }

    mutating func readCounts(scene url: URL) throws {
        let folder = try SceneFolder(url)
        points = folder.manifest.arrays["coord"]?.shape.first
        superpoints = folder.manifest.counts["superpoints"]
        viewInstances = folder.manifest.counts["view_instances"]
    }

    func write(to url: URL) throws(PrepareError) {
        do { try JSONFile.write(self, to: url) } catch { throw .unwritableSummary(url: url, reason: "\(error)") }
    }

    func jsonString() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    var text: String {
        var lines = ["", "Prepare summary: \(video) → \(scene)", String(repeating: "─", count: 60)]
        for stage in stages {
            let time = stage.status == .ran ? String(format: "%7.1f s", stage.seconds) : "       –"
            lines.append("\(stage.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(time)  "
                         + "\(stage.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(stage.detail)")
        }
        if let points, let superpoints, let viewInstances {
            lines.append("scene: \(points) points, \(superpoints) superpoints, \(viewInstances) view-level instances")
        }
        lines.append(String(format: "total %.1f s, %@", seconds, status.rawValue))
        if let error { lines.append("error: \(error)") }
        return lines.joined(separator: "\n")
    }
}
