import Foundation
import SceneIO
@testable import VIP

/// Small generated scenes for mask tracking: `superpoints` superpoints of `pointsPer` points each (point p is in
/// superpoint p / pointsPer), views that see whole superpoints, and lifted masks (view, label, score, superpoints)
/// whose lifted-mask rows are their order in `masks`.
struct TrackFixture {
    var superpoints: Int
    var pointsPer = 50
    var visible: [[Int32]]
    var masks: [(view: Int, label: String, score: Double, superpoints: [Int32])]

    var pointSuperpoints: [Int32] { (0..<(superpoints * pointsPer)).map { Int32($0 / pointsPer) } }

    /// C: every point of a visible superpoint has a correspondence in the view.
    var correspondences: (offsets: [Int64], points: [Int32]) {
        var offsets: [Int64] = [0], points: [Int32] = []
        for row in visible {
            for s in row { points += (0..<pointsPer).map { Int32(Int(s) * pointsPer + $0) } }
            offsets.append(Int64(points.count))
        }
        return (offsets, points)
    }

    func inputs() throws -> TrackInputs {
        let detections = masks.enumerated().map { row, m in
            TrackInputs.Detection(view: m.view, row: row, label: m.label, score: m.score, superpoints: m.superpoints)
        }
        let c = correspondences
        return try TrackInputs(detections: detections, corrOffsets: c.offsets, corrPoints: c.points,
                               pointSuperpoints: pointSuperpoints, superpointCount: superpoints, maskCount: masks.count)
    }

    /// Writes the scene folder (points, C, superpoints, lifted labels, views.json) through the scene contract.
    func write(to url: URL) throws -> URL {
        var folder = try SceneFolder.create(at: url)
        let n = superpoints * pointsPer
        try folder.write((0..<(3 * n)).map { Float($0 % 97) * 0.01 }, shape: [n, 3], named: SceneFile.coord.stem)
        let c = correspondences
        let uv = [Float](repeating: 1, count: 2 * c.points.count)
        try SceneCorrespondences(offsets: c.offsets, points: c.points, uv: uv).write(to: &folder, pointCount: n)
        try SceneSuperpoints(ids: pointSuperpoints, file: folder.url(of: .superpoints)).write(to: &folder)
        var views: [LiftedView] = visible.indices.map { LiftedView(view: $0, frame: 10 * $0, instances: []) }
        var offsets: [Int64] = [0], members: [Int32] = []
        for (row, m) in masks.enumerated() {
            views[m.view].instances.append(LiftedInstance(label: m.label, score: m.score, object: -1, mask: row))
            members += m.superpoints
            offsets.append(Int64(members.count))
        }
        var visibleOffsets: [Int64] = [0]
        for row in visible { visibleOffsets.append(visibleOffsets[visibleOffsets.count - 1] + Int64(row.count)) }
        let lifted = SceneLiftedLabels(labels: ViewLabelsFile(views: views), maskOffsets: offsets, maskSuperpoints: members,
                                       visibleOffsets: visibleOffsets, visibleSuperpoints: visible.flatMap { $0 })
        try lifted.write(to: &folder, pointCount: n, superpointCount: superpoints)
        try Data("{\"views\": []}".utf8).write(to: folder.url(of: .views))
        return url
    }

    /// Two objects seen by every one of `views` views: A = superpoints 0–3 ("chair"), B = 4–7 ("table").
    static func twoObjects(views: Int, masks: [(view: Int, label: String, score: Double, superpoints: [Int32])]) -> TrackFixture {
        TrackFixture(superpoints: 8, visible: Array(repeating: Array(0..<8), count: views), masks: masks)
    }

    static let a: [Int32] = [0, 1, 2, 3], b: [Int32] = [4, 5, 6, 7]
}
