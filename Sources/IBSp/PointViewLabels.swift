/// The 2D instance id that each view's mask shows at each point's correspondence pixel, regrouped by point.
///
/// Built from the correspondence table C (CSR by view, contract `corr_*`) and one id map per view. Point `i`'s
/// observations are `views[offsets[i] ..< offsets[i+1]]` (ascending view index) with ids `ids[...]`
/// (0 = no instance). Ids are only comparable within one view: the 2D model numbers its masks per frame.
public struct PointViewLabels: Sendable, Equatable {
    /// `[N + 1]` CSR offsets by point.
    public var offsets: [Int]
    /// `[M]` view index of each observation, ascending within a point.
    public var views: [Int32]
    /// `[M]` 2D instance id at the observation's pixel (0 = none).
    public var ids: [UInt16]
    /// `[N]` whether any observation of the point carries a non-zero id.
    public var labelled: [Bool]

    public var pointCount: Int { offsets.count - 1 }

    /// Regroups per-correspondence ids by point.
    ///
    /// - Parameters:
    ///   - pointCount: N.
    ///   - viewOffsets: `[V + 1]` CSR offsets of C by view.
    ///   - viewPoints: `[M]` point index of each correspondence.
    ///   - ids: `[M]` the id read at each correspondence's pixel (see `read(mask:...)`).
    public init(pointCount: Int, viewOffsets: [Int64], viewPoints: [Int32], ids correspondenceIDs: [UInt16]) throws(IBSpError) {
        let m = viewPoints.count
        guard correspondenceIDs.count == m else { throw .sizeMismatch(field: "ids", expected: m, actual: correspondenceIDs.count) }
        guard let last = viewOffsets.last, Int(last) == m, viewOffsets.first == 0 else {
            throw .sizeMismatch(field: "corr_offsets (last entry)", expected: m, actual: Int(viewOffsets.last ?? -1))
        }
        var counts = [Int](repeating: 0, count: pointCount + 1)
        for p in viewPoints {
            guard p >= 0, Int(p) < pointCount else { throw .indexOutOfRange(field: "corr_point", index: Int(p), count: pointCount) }
            counts[Int(p) + 1] += 1
        }
        for i in 0..<pointCount { counts[i + 1] += counts[i] }
        offsets = counts
        var cursor = counts
        views = [Int32](repeating: 0, count: m)
        ids = [UInt16](repeating: 0, count: m)
        labelled = [Bool](repeating: false, count: pointCount)
        for v in 0..<(viewOffsets.count - 1) {
            let lo = Int(viewOffsets[v]), hi = Int(viewOffsets[v + 1])
            guard lo <= hi else { throw .invalidOption(name: "corr_offsets[\(v)]", value: "\(lo) > \(hi)", expected: "non-decreasing") }
            for c in lo..<hi {
                let p = Int(viewPoints[c])
                let slot = cursor[p]
                cursor[p] = slot + 1
                views[slot] = Int32(v)
                ids[slot] = correspondenceIDs[c]
                if correspondenceIDs[c] != 0 { labelled[p] = true }
            }
        }
    }

    /// The id of point `i` in view `v`, or nil when `v` does not see `i`.
    public func id(of i: Int, in v: Int32) -> UInt16? {
        var lo = offsets[i], hi = offsets[i + 1]
        while lo < hi {
            let mid = (lo + hi) / 2
            if views[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        return lo < offsets[i + 1] && views[lo] == v ? ids[lo] : nil
    }

    /// The ids a mask of `width × height` shows at pixel coordinates `uv` (`[M·2]`, x right, y down, pixel
    /// centres at integers) of an image of `imageWidth × imageHeight`; the mask may be a scaled copy
    /// (coordinates are scaled to it, then rounded to the nearest pixel and clamped).
    public static func read(mask: [UInt16], width: Int, height: Int, uv: ArraySlice<Float>,
                            imageWidth: Int, imageHeight: Int) -> [UInt16] {
        let sx = Float(width) / Float(imageWidth), sy = Float(height) / Float(imageHeight)
        var out = [UInt16]()
        out.reserveCapacity(uv.count / 2)
        var index = uv.startIndex
        while index + 1 < uv.endIndex {
            let x = (uv[index] + 0.5) * sx - 0.5, y = (uv[index + 1] + 0.5) * sy - 0.5
            let u = min(max(Int(x.rounded()), 0), width - 1), v = min(max(Int(y.rounded()), 0), height - 1)
            out.append(mask[v * width + u])
            index += 2
        }
        return out
    }
}
