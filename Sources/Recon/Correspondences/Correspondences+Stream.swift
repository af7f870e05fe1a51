import Foundation
import Geometry
import SceneIO
import Support

extension CorrespondenceTable {
    /// The per-view pass behind every form of the table, in bounded memory: views are processed in batches of
    /// `batchViews(threads:)` on `threads` workers (each view's depth fetched when a worker reaches it, and its
    /// ground-truth label maps when `labels` is given), and `consume(view, entries)` receives the views one by one
    /// in view order on the calling thread before the next batch starts. So no more than one batch of views'
    /// entries and depth frames is held, however long the video; `consume` writes them out (`recon`) or collects
    /// them (`build`). The first failing view's error is thrown (views after it are not consumed).
    ///
    /// `labels(view)` gives the view's label maps (nil: none for this view); each entry then carries the label of
    /// every map at the entry's nearest pixel (`ViewEntries.labels`).
    static func stream(points: [SIMD3<Float>], normals: [SIMD3<Float>], worldFromCamera: [RigidTransform],
                       depth: @escaping @Sendable (Int) throws(ReconError) -> [UInt16],
                       labels: (@Sendable (Int) throws(ReconError) -> [[UInt16]]?)? = nil,
                       intrinsics: PinholeIntrinsics, depthScale: Double, tolerance: (absolute: Double, fraction: Double),
                       threads: Int, consume: (Int, ViewEntries) throws(ReconError) -> Void) throws(ReconError) {
        let viewCount = worldFromCamera.count
        let workers = max(1, min(threads, viewCount))
        let batch = batchViews(threads: workers)
        for start in stride(from: 0, to: viewCount, by: batch) {
            let end = min(start + batch, viewCount)
            let box = IndexedResults<ViewEntries>(count: end - start)
            let failures = IndexedResults<ReconError>(count: end - start)
            let claims = ViewClaims(start: start, end: end)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let view = claims.next() {
                    do throws(ReconError) {
                        let raw = try depth(view)
                        guard raw.count == intrinsics.pixelCount else {
                            throw .sizeMismatch(url: URL(fileURLWithPath: "view \(view)"), frame: view,
                                                expected: "\(intrinsics.pixelCount) depth pixels", actual: "\(raw.count)")
                        }
                        var e = entries(points: points, normals: normals, worldFromCamera: worldFromCamera[view],
                                        depth: raw, intrinsics: intrinsics, depthScale: depthScale, tolerance: tolerance)
                        if let labels, let maps = try labels(view) {
                            let uv = e.uv
                            let pixels = (0..<e.points.count).map { i in
                                intrinsics.nearestPixelIndex(SIMD2(Double(uv[2 * i]), Double(uv[2 * i + 1])))
                            }
                            e.labels = maps.map { map in pixels.map { map[$0] } }
                        }
                        box.set(view - start, e)
                    } catch {
                        failures.set(view - start, error)
                        claims.stop()
                    }
                }
            }
            if let failure = failures.values.compactMap({ $0 }).first { throw failure }
            for view in start..<end { try consume(view, box.take(view - start) ?? ViewEntries()) }
        }
    }

    /// Views per batch: enough that uneven views even out across the workers, few enough that their entries
    /// (≈ 20 k rows of 20 bytes per 640×480 view) and depth frames stay a few megabytes.
    static func batchViews(threads: Int) -> Int { 8 * max(1, threads) }
}

/// Hands out the views of a batch to workers in increasing order; `stop()` ends the batch early (a view failed).
final class ViewClaims: @unchecked Sendable {
    private let lock = NSLock()
    private var cursor: Int
    private let end: Int

    init(start: Int, end: Int) {
        cursor = start
        self.end = end
    }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard cursor < end else { return nil }
        cursor += 1
        return cursor - 1
    }

    func stop() {
        lock.lock()
        cursor = end
        lock.unlock()
    }
}

/// Each point's best view (largest `ViewEntries.score`; the earliest view on ties) and its pixel there, filled
/// view by view in view order: the table's `sourceView` and `sourceUV`.
struct BestViews {
    private(set) var view: [Int32]
    private(set) var uv: [Float]
    private var score: [Float]

    init(pointCount: Int) {
        view = [Int32](repeating: -1, count: pointCount)
        uv = [Float](repeating: -1, count: 2 * pointCount)
        score = [Float](repeating: -1, count: pointCount)
    }

    mutating func add(view v: Int, _ e: CorrespondenceTable.ViewEntries) {
        for (i, point) in e.points.enumerated() where e.score[i] > score[Int(point)] {
            let p = Int(point)
            score[p] = e.score[i]
            view[p] = Int32(v)
            uv[2 * p] = e.uv[2 * i]
            uv[2 * p + 1] = e.uv[2 * i + 1]
        }
    }
}

/// The per-point majority of label maps over the correspondences, counted view by view (the streamed form of
/// `CorrespondenceTable.majorityLabels`, same result): for each map and point a short list of (label, votes),
/// not every vote.
struct MajorityVote {
    let pointCount: Int
    let mapCount: Int
    /// `[map · pointCount + point]`: label in the high 32 bits, its votes in the low 32.
    private var tallies: [[UInt64]]
    /// Whether any view had label maps.
    private(set) var any = false

    init(pointCount: Int, mapCount: Int) {
        self.pointCount = pointCount
        self.mapCount = mapCount
        tallies = [[UInt64]](repeating: [], count: pointCount * mapCount)
    }

    /// Counts one view's votes; views without maps (or with another number of maps) do not vote.
    mutating func add(_ e: CorrespondenceTable.ViewEntries) {
        guard let labels = e.labels, labels.count == mapCount else { return }
        any = true
        for m in 0..<mapCount {
            let base = m * pointCount
            for (i, point) in e.points.enumerated() {
                let key = UInt64(labels[m][i]) << 32
                let slot = base + Int(point)
                if let j = tallies[slot].firstIndex(where: { $0 & ~0xffff_ffff == key }) {
                    tallies[slot][j] += 1
                } else {
                    tallies[slot].append(key | 1)
                }
            }
        }
    }

    /// Per map, per point: the label with most votes (ties to the smaller label; 0 without votes); nil when no
    /// view voted.
    func result() -> [[Int32]]? {
        guard any else { return nil }
        return (0..<mapCount).map { m in
            (0..<pointCount).map { p in
                var best: UInt64 = 0, bestVotes: UInt64 = 0
                for entry in tallies[m * pointCount + p] {
                    let label = entry >> 32, votes = entry & 0xffff_ffff
                    if votes > bestVotes || (votes == bestVotes && label < best) {
                        best = label
                        bestVotes = votes
                    }
                }
                return Int32(best)
            }
        }
    }
}
