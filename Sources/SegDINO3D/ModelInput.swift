import Tensor

/// One scene as the model sees it: plain arrays, already augmented. Built by `Train` from a scene folder.
public struct ModelInput: Sendable {
    /// Point positions, metres, `[N, 3]` row-major.
    public var coords: [Float]
    /// Point colours in [0, 1], `[N, 3]`.
    public var colors: [Float]
    /// Unit normals, `[N, 3]`.
    public var normals: [Float]
    /// Lifted per-point 2D features `[N, C]` (C = `ModelConfig.feature2DWidth`), or empty for none (zeros are used).
    public var features2D: [Float]
    /// Superpoint id of every point, `[N]`, ids `0..<superpointCount`.
    public var superpoints: [Int32]
    /// Number of superpoints `S`.
    public var superpointCount: Int
    /// 2D object features `[O, C]` (may be empty: O = 0).
    public var objectFeatures: [Float]
    /// 3D centres of the 2D objects, metres, `[O, 3]`.
    public var objectCenters: [Float]
    /// Each 2D object's label as a score-weighted text embedding `[O, textWidth]` (a zero row for an object the 2D
    /// model named with a word outside the embeddings), or empty: read when `ModelConfig.objectLabels`.
    public var objectLabelEmbeddings: [Float] = []
    /// Superpoints used as query seeds `[Q]` (all of them at evaluation).
    public var querySeeds: [Int32]
    /// Text embeddings, L2-normalised rows `[T, textWidth]`: the class vocabulary of this step.
    public var textEmbeddings: Tensor
    /// Point positions before elastic distortion `[N, 3]`, metres, or empty when not distorted. Only the
    /// distance-aware 2D-object attention reads them.
    public var undistortedCoords: [Float] = []
    /// 2D object centres before elastic distortion `[O, 3]`, metres, or empty when not distorted.
    public var undistortedObjectCenters: [Float] = []

    public init(coords: [Float], colors: [Float], normals: [Float], features2D: [Float] = [], superpoints: [Int32],
                superpointCount: Int, objectFeatures: [Float] = [], objectCenters: [Float] = [], querySeeds: [Int32]? = nil,
                textEmbeddings: Tensor) {
        self.coords = coords
        self.colors = colors
        self.normals = normals
        self.features2D = features2D
        self.superpoints = superpoints
        self.superpointCount = superpointCount
        self.objectFeatures = objectFeatures
        self.objectCenters = objectCenters
        self.querySeeds = querySeeds ?? (0..<superpointCount).map { Int32($0) }
        self.textEmbeddings = textEmbeddings
    }

    /// Number of points `N`.
    public var pointCount: Int { superpoints.count }
    /// Number of 2D objects `O`.
    public var objectCount: Int { objectCenters.count / 3 }

    /// Checks every shape against `config`.
    public func validate(_ config: ModelConfig) throws(SegDINO3DError) {
        let n = pointCount
        guard n > 0, superpointCount > 0 else { throw .emptyScene(reason: "\(n) points, \(superpointCount) superpoints") }
        for (name, a) in [("coords", coords), ("colors", colors), ("normals", normals)] where a.count != n * 3 {
            throw .shapeMismatch(input: name, expected: [n, 3], actual: [a.count / 3, 3])
        }
        if !features2D.isEmpty, features2D.count != n * config.feature2DWidth {
            throw .shapeMismatch(input: "features2D", expected: [n, config.feature2DWidth], actual: [features2D.count])
        }
        if objectCount > 0, objectFeatures.count != objectCount * config.feature2DWidth {
            throw .shapeMismatch(input: "objectFeatures", expected: [objectCount, config.feature2DWidth], actual: [objectFeatures.count])
        }
        if !objectLabelEmbeddings.isEmpty, objectLabelEmbeddings.count != objectCount * config.textWidth {
            throw .shapeMismatch(input: "objectLabelEmbeddings", expected: [objectCount, config.textWidth],
                                 actual: [objectLabelEmbeddings.count])
        }
        for (i, s) in superpoints.enumerated() where s < 0 || Int(s) >= superpointCount {
            throw .superpointOutOfRange(index: i, id: s, count: superpointCount)
        }
        for (i, s) in querySeeds.enumerated() where s < 0 || Int(s) >= superpointCount {
            throw .superpointOutOfRange(index: i, id: s, count: superpointCount)
        }
        if !undistortedCoords.isEmpty, undistortedCoords.count != n * 3 {
            throw .shapeMismatch(input: "undistortedCoords", expected: [n, 3], actual: [undistortedCoords.count / 3, 3])
        }
        if !undistortedObjectCenters.isEmpty, undistortedObjectCenters.count != objectCenters.count {
            throw .shapeMismatch(input: "undistortedObjectCenters", expected: [objectCount, 3], actual: [undistortedObjectCenters.count / 3, 3])
        }
        guard textEmbeddings.rank == 2, textEmbeddings.shape[1] == config.textWidth else {
            throw .shapeMismatch(input: "textEmbeddings", expected: [-1, config.textWidth], actual: textEmbeddings.shape)
        }
    }

    /// Mean position of each superpoint's points, `[S, 3]`, and the scene's axis-aligned bounds (min, extent).
    public func superpointCenters() -> (centers: [Float], lower: [Float], extent: [Float]) {
        Self.centers(of: coords, superpoints: superpoints, count: superpointCount)
    }

    /// Mean undistorted position of each superpoint, `[S, 3]` (`superpointCenters` when not distorted).
    public func undistortedSuperpointCenters() -> [Float] {
        undistortedCoords.isEmpty ? superpointCenters().centers : Self.centers(of: undistortedCoords, superpoints: superpoints, count: superpointCount).centers
    }

    static func centers(of coords: [Float], superpoints: [Int32], count superpointCount: Int) -> (centers: [Float], lower: [Float], extent: [Float]) {
        let pointCount = superpoints.count
        var sum = [Double](repeating: 0, count: superpointCount * 3)
        var cnt = [Double](repeating: 0, count: superpointCount)
        var lo: [Float] = [.infinity, .infinity, .infinity], hi: [Float] = [-.infinity, -.infinity, -.infinity]
        for i in 0..<pointCount {
            let s = Int(superpoints[i])
            cnt[s] += 1
            for a in 0..<3 {
                let v = coords[i * 3 + a]
                sum[s * 3 + a] += Double(v)
                lo[a] = min(lo[a], v); hi[a] = max(hi[a], v)
            }
        }
        var c = [Float](repeating: 0, count: superpointCount * 3)
        for s in 0..<superpointCount where cnt[s] > 0 { for a in 0..<3 { c[s * 3 + a] = Float(sum[s * 3 + a] / cnt[s]) } }
        return (c, lo, (0..<3).map { max(hi[$0] - lo[$0], 1e-3) })
    }
}
