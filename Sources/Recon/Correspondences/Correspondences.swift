import Foundation
import Geometry
import SceneIO

extension PinholeIntrinsics {
    /// The row-major index of the pixel nearest to `pixel` (which must satisfy `contains`).
    func nearestPixelIndex(_ pixel: SIMD2<Double>) -> Int {
        let u = min(max(Int(pixel.x.rounded()), 0), width - 1)
        let v = min(max(Int(pixel.y.rounded()), 0), height - 1)
        return v * width + u
    }
}

/// The 2D↔3D correspondence table C, compressed by view (CSR), plus each point's best view.
///
/// View `v` sees points `points[offsets[v] ..< offsets[v+1]]`, at pixels `uv[2·i], uv[2·i+1]` (x right, y down,
/// pixel centres at integers; the exact projection, not rounded). A point is seen by a view when it projects
/// inside the image, in front of the camera, and the depth image there agrees with its depth:
/// `|D(u,v) − z| < toleranceVoxels·voxel + toleranceFraction·z` (D at the nearest pixel).
///
/// The table is SceneIO's `SceneCorrespondences` (the scene contract's type, docs/SCENE_FORMAT.md), so the same value
/// runs from reconstruction to the scene folder and on to IBSp, VIP and Train: `offsets` `[V + 1]` from 0,
/// non-decreasing; `points` `[M]` increasing within each view; `uv` `[M · 2]`; `sourceView` `[N]` the view each point
/// is seen best from (largest |cos(normal, ray)| / depth), −1 if never seen; `sourceUV` `[N · 2]` its pixel there,
/// (−1, −1) if never seen.
public typealias CorrespondenceTable = SceneCorrespondences

extension CorrespondenceTable {
    /// One view's contribution.
    struct ViewEntries: Sendable {
        var points: [Int32] = []
        var uv: [Float] = []
        var score: [Float] = []
        /// Per label map, the label at each entry's nearest pixel (nil: no label maps asked for or none for this view).
        var labels: [[UInt16]]?
    }

    /// Builds the table for `points` (world, metres) with `normals`, over views given by pose and raw depth.
    public static func build(points: [SIMD3<Float>], normals: [SIMD3<Float>], worldFromCamera: [RigidTransform],
                             depths: [[UInt16]], intrinsics: PinholeIntrinsics, depthScale: Double,
                             tolerance: (absolute: Double, fraction: Double), threads: Int) -> CorrespondenceTable {
        let table = try? build(points: points, normals: normals, worldFromCamera: worldFromCamera,
                               depth: { (view) throws(ReconError) in depths[view] }, intrinsics: intrinsics,
                               depthScale: depthScale, tolerance: tolerance, threads: threads)
        return table ?? CorrespondenceTable(offsets: [0], points: [], uv: [], sourceView: [], sourceUV: [])
    }

    /// The same table with each view's depth fetched when its worker reaches it (`depth(view)`, e.g. re-read from
    /// the input), so no more than one batch of depth frames is held at once (`stream`). Identical to the array
    /// form for the same depths; the first failing view's error is thrown. The table itself is in memory: `recon`
    /// writes it to disk view by view instead (`stream` into a `SceneCorrespondenceWriter`).
    public static func build(points: [SIMD3<Float>], normals: [SIMD3<Float>], worldFromCamera: [RigidTransform],
                             depth: @escaping @Sendable (Int) throws(ReconError) -> [UInt16], intrinsics: PinholeIntrinsics,
                             depthScale: Double, tolerance: (absolute: Double, fraction: Double),
                             threads: Int) throws(ReconError) -> CorrespondenceTable {
        var table = CorrespondenceTable(offsets: [0], points: [], uv: [])
        var best = BestViews(pointCount: points.count)
        table.offsets.reserveCapacity(worldFromCamera.count + 1)
        try stream(points: points, normals: normals, worldFromCamera: worldFromCamera, depth: depth, intrinsics: intrinsics,
                   depthScale: depthScale, tolerance: tolerance, threads: threads) { (view, e) throws(ReconError) in
            table.points += e.points
            table.uv += e.uv
            table.offsets.append(Int64(table.points.count))
            best.add(view: view, e)
        }
        table.sourceView = best.view
        table.sourceUV = best.uv
        return table
    }

    static func entries(points: [SIMD3<Float>], normals: [SIMD3<Float>], worldFromCamera: RigidTransform,
                        depth: [UInt16], intrinsics k: PinholeIntrinsics, depthScale: Double,
                        tolerance: (absolute: Double, fraction: Double)) -> ViewEntries {
        let cameraFromWorld = worldFromCamera.inverse
        let r = cameraFromWorld.rotation.rotationMatrix
        let r0 = SIMD3<Float>(r.row0), r1 = SIMD3<Float>(r.row1), r2 = SIMD3<Float>(r.row2)
        let t = SIMD3<Float>(cameraFromWorld.translation)
        let centre = SIMD3<Float>(worldFromCamera.translation)
        let fx = Float(k.fx), fy = Float(k.fy), cx = Float(k.cx), cy = Float(k.cy)
        let maxU = Float(k.width) - 0.5, maxV = Float(k.height) - 0.5
        let metresPerUnit = Float(1 / depthScale)
        let absolute = Float(tolerance.absolute), fraction = Float(tolerance.fraction)
        var e = ViewEntries()
        for (i, p) in points.enumerated() {
            let q = SIMD3(dot3(r0, p), dot3(r1, p), dot3(r2, p)) + t
            guard q.z > 1e-4 else { continue }
            let u = fx * q.x / q.z + cx, v = fy * q.y / q.z + cy
            guard u >= -0.5, u < maxU, v >= -0.5, v < maxV else { continue }
            let ui = min(max(Int(u.rounded()), 0), k.width - 1), vi = min(max(Int(v.rounded()), 0), k.height - 1)
            let raw = depth[vi * k.width + ui]
            guard raw != 0 else { continue }
            let d = Float(raw) * metresPerUnit
            guard abs(d - q.z) < absolute + fraction * q.z else { continue }
            let ray = p - centre
            let cosine = abs(dot3(ray, normals[i])) / max(length3(ray), 1e-6)
            e.points.append(Int32(i))
            e.uv.append(u)
            e.uv.append(v)
            e.score.append(cosine / q.z)
        }
        return e
    }

    /// Per-point majority of each label map over the point's correspondences (the whole table in memory; `recon`
    /// counts the same votes view by view with `MajorityVote`): for map `m`, point `p` gets the
    /// label that `maps(view)[m]` shows most often at the pixels of `p`'s correspondences (label 0 = none votes
    /// too; ties go to the smaller id). Points without correspondences get 0. nil when no view has maps.
    public func majorityLabels(pointCount: Int, intrinsics: PinholeIntrinsics, mapCount: Int,
                               maps: (Int) throws(ReconError) -> [[UInt16]]?) throws(ReconError) -> [[Int32]]? {
        var votes = [[[UInt16]]](repeating: [[UInt16]](repeating: [], count: pointCount), count: mapCount)
        var any = false
        for view in 0..<viewCount {
            guard let viewMaps = try maps(view), viewMaps.count == mapCount else { continue }
            any = true
            for i in Int(offsets[view])..<Int(offsets[view + 1]) {
                let pixel = intrinsics.nearestPixelIndex(SIMD2(Double(uv[2 * i]), Double(uv[2 * i + 1])))
                for m in 0..<mapCount { votes[m][Int(points[i])].append(viewMaps[m][pixel]) }
            }
        }
        guard any else { return nil }
        return votes.map { perPoint in
            perPoint.map { list in
                guard !list.isEmpty else { return 0 }
                var counts: [UInt16: Int] = [:]
                for label in list { counts[label, default: 0] += 1 }
                let best = counts.max { ($0.value, -Int($0.key)) < ($1.value, -Int($1.key)) }
                return Int32(best?.key ?? 0)
            }
        }
    }
}
