import IBSp
import SceneIO

/// Accumulates the lifting of one view after another (see `Lift`); `finish()` returns the arrays to write.
struct ViewLifter {
    let pointCount: Int
    let superpointCount: Int
    let majority: Double
    private(set) var featureChannels = 0

    private var views: [LiftedView] = []
    private var maskOffsets: [Int64] = [0]
    private var maskSuperpoints: [Int32] = []
    private var objectCenters: [SIMD3<Float>] = []
    private var objectViews: [Int32] = []
    private var objectFeatures: [Float] = []
    private var pointFeatures: [Float] = []
    private var featureCounts: [UInt16]
    private var detections = 0
    private var dropped = 0
    /// Scratch: points of each superpoint visible in the current view.
    private var visibleCount: [Int32]

    init(pointCount: Int, superpointCount: Int, majority: Double) {
        self.pointCount = pointCount
        self.superpointCount = superpointCount
        self.majority = majority
        featureCounts = [UInt16](repeating: 0, count: pointCount)
        visibleCount = [Int32](repeating: 0, count: superpointCount)
    }

    mutating func add(view v: Int, frame: Int, imageSize: (width: Int, height: Int), inputs: ViewFrameInputs,
                      points: ArraySlice<Int32>, uv: ArraySlice<Float>, superpoints: [Int32], positions: [SIMD3<Float>],
                      objects: Pred2DObjects?) throws(VIPError) {
        let ids: [UInt16]
        if let mask = inputs.mask {
            ids = PointViewLabels.read(mask: mask.pixels, width: mask.width, height: mask.height, uv: uv,
                                       imageWidth: imageSize.width, imageHeight: imageSize.height)
        } else {
            ids = [UInt16](repeating: 0, count: points.count)
        }
        if let map = inputs.features { try sampleFeatures(map, points: points, uv: uv, imageSize: imageSize) }

        // Per (superpoint, id) counts of the view's labelled points, and per-superpoint visible counts.
        var touched: [Int32] = []
        var pairs: [UInt64] = []
        var pointsOfID: [UInt16: [Int32]] = [:]
        for (k, p) in points.enumerated() {
            let s = superpoints[Int(p)]
            if visibleCount[Int(s)] == 0 { touched.append(s) }
            visibleCount[Int(s)] += 1
            let id = ids[k]
            guard id != 0 else { continue }
            pairs.append(UInt64(id) << 32 | UInt64(UInt32(s)))
            pointsOfID[id, default: []].append(p)
        }
        pairs.sort()
        var membersOfID: [UInt16: [Int32]] = [:]
        var i = 0
        while i < pairs.count {
            var j = i
            while j < pairs.count, pairs[j] == pairs[i] { j += 1 }
            let id = UInt16(pairs[i] >> 32), s = Int32(truncatingIfNeeded: pairs[i] & 0xFFFF_FFFF)
            if Double(j - i) > majority * Double(visibleCount[Int(s)]) { membersOfID[id, default: []].append(s) }
            i = j
        }
        for s in touched { visibleCount[Int(s)] = 0 }

        var lifted: [LiftedInstance] = []
        for instance in inputs.instances {
            detections += 1
            guard instance.id > 0, instance.id <= Int(UInt16.max) else { dropped += 1; continue }
            let id = UInt16(instance.id)
            var objectRow = -1
            if let row = instance.object, let objects, row >= 0, (row + 1) * objects.channels <= objects.values.count,
               let members = pointsOfID[id], !members.isEmpty {
                objectRow = objectCenters.count
                objectCenters.append(Self.median(members.map { positions[Int($0)] }))
                objectViews.append(Int32(v))
                objectFeatures += objects.values[(row * objects.channels)..<((row + 1) * objects.channels)]
            }
            guard let members = membersOfID[id], !members.isEmpty else { dropped += 1; continue }
            lifted.append(LiftedInstance(label: instance.label, score: instance.score, object: objectRow, mask: maskOffsets.count - 1))
            maskSuperpoints += members  // ascending: pairs were sorted by (id, superpoint)
            maskOffsets.append(Int64(maskSuperpoints.count))
        }
        views.append(LiftedView(view: v, frame: frame, instances: lifted))
    }

    /// Adds the bilinear sample of the `[h, w, C]` map at each correspondence pixel (scaled to the map).
    private mutating func sampleFeatures(_ map: Pred2DFeatureMap,
                                         points: ArraySlice<Int32>, uv: ArraySlice<Float>,
                                         imageSize: (width: Int, height: Int)) throws(VIPError) {
        let c = map.channels
        if featureChannels == 0 {
            featureChannels = c
            pointFeatures = [Float](repeating: 0, count: pointCount * c)
        }
        guard c == featureChannels else { throw .sizeMismatch(field: "pred2d/features channels", expected: featureChannels, actual: c) }
        let sx = Float(map.width) / Float(imageSize.width), sy = Float(map.height) / Float(imageSize.height)
        var index = uv.startIndex
        for p in points {
            let x = min(max((uv[index] + 0.5) * sx - 0.5, 0), Float(map.width - 1))
            let y = min(max((uv[index + 1] + 0.5) * sy - 0.5, 0), Float(map.height - 1))
            index += 2
            let x0 = Int(x), y0 = Int(y)
            let x1 = min(x0 + 1, map.width - 1), y1 = min(y0 + 1, map.height - 1)
            let fx = x - Float(x0), fy = y - Float(y0)
            let w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy
            let r00 = (y0 * map.width + x0) * c, r10 = (y0 * map.width + x1) * c
            let r01 = (y1 * map.width + x0) * c, r11 = (y1 * map.width + x1) * c
            let out = Int(p) * c
            for k in 0..<c {
                pointFeatures[out + k] += w00 * map.values[r00 + k] + w10 * map.values[r10 + k]
                    + w01 * map.values[r01 + k] + w11 * map.values[r11 + k]
            }
            featureCounts[Int(p)] &+= 1
        }
    }

    /// Per-axis median (the upper median for even counts).
    static func median(_ points: [SIMD3<Float>]) -> SIMD3<Float> {
        let xs = points.map(\.x).sorted(), ys = points.map(\.y).sorted(), zs = points.map(\.z).sorted()
        let m = points.count / 2
        return SIMD3(xs[m], ys[m], zs[m])
    }

    struct Output {
        var views: [LiftedView]
        var maskOffsets: [Int64]
        var maskSuperpoints: [Int32]
        var objectCenters: [SIMD3<Float>]
        var objectViews: [Int32]
        var objectFeatures: [Float]
        var pointFeatures: [Float]
        var featureCounts: [UInt16]
        var detections: Int
        var dropped: Int
    }

    /// The accumulated arrays; point features become means over the views that sampled them.
    func finish() -> Output {
        var features = pointFeatures
        if featureChannels > 0 {
            for p in 0..<pointCount where featureCounts[p] > 1 {
                let scale = 1 / Float(featureCounts[p])
                for k in 0..<featureChannels { features[p * featureChannels + k] *= scale }
            }
        }
        return Output(views: views, maskOffsets: maskOffsets, maskSuperpoints: maskSuperpoints, objectCenters: objectCenters,
                      objectViews: objectViews, objectFeatures: objectFeatures, pointFeatures: features,
                      featureCounts: featureCounts, detections: detections, dropped: dropped)
    }
}
