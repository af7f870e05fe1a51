import Foundation
import Geometry

/// A similarity transform of the scene: p' = s·R_z(θ)·F·p + t, with F mirroring x and/or y. Normals get R·F.
public struct SceneTransform: Sendable, Equatable {
    public var flipX = false, flipY = false
    public var angle = 0.0, scale = 1.0
    public var translation: [Double] = [0, 0, 0]

    public init() {}

    /// A random transform within `options` (identity when disabled).
    public static func random(_ options: AugmentOptions, using rng: inout SeededGenerator) -> SceneTransform {
        var t = SceneTransform()
        guard options.enabled else { return t }
        t.flipX = rng.nextUnitDouble() < options.flipProbability
        t.flipY = rng.nextUnitDouble() < options.flipProbability
        t.angle = options.maxRotation > 0 ? rng.nextUniform(in: -options.maxRotation..<options.maxRotation) : 0
        t.scale = options.scaleRange[0] < options.scaleRange[1] ? rng.nextUniform(in: options.scaleRange[0]..<options.scaleRange[1]) : options.scaleRange[0]
        t.translation = (0..<3).map { _ in rng.nextGaussian() * options.translationStd }
        return t
    }

    /// Applies the transform to `[R, 3]` rows: positions (`isDirection` false) or unit directions (true).
    public func apply(_ rows: [Float], isDirection: Bool = false) -> [Float] {
        let c = cos(angle), s = sin(angle)
        var out = rows
        for i in 0..<(rows.count / 3) {
            var x = Double(rows[i * 3]), y = Double(rows[i * 3 + 1])
            let z = Double(rows[i * 3 + 2])
            if flipX { x = -x }
            if flipY { y = -y }
            let rx = c * x - s * y, ry = s * x + c * y
            if isDirection {
                out[i * 3] = Float(rx); out[i * 3 + 1] = Float(ry); out[i * 3 + 2] = Float(z)
            } else {
                out[i * 3] = Float(scale * rx + translation[0])
                out[i * 3 + 1] = Float(scale * ry + translation[1])
                out[i * 3 + 2] = Float(scale * z + translation[2])
            }
        }
        return out
    }
}

extension TrainScene {
    /// The scene with points, normals and 2D object centres moved by `transform` (boxes follow, since they are
    /// computed from the moved points).
    public func transformed(_ transform: SceneTransform) -> TrainScene {
        var s = self
        s.coords = transform.apply(coords)
        s.normals = transform.apply(normals, isDirection: true)
        s.objectCenters = transform.apply(objectCenters)
        if !undistortedCoords.isEmpty { s.undistortedCoords = transform.apply(undistortedCoords) }
        if !undistortedObjectCenters.isEmpty { s.undistortedObjectCenters = transform.apply(undistortedObjectCenters) }
        return s
    }

    /// With probability `options.probability`, the scene with points and 2D object centres moved by the same
    /// elastic fields (one `ElasticDistortion` per granularity/magnitude pass, each over the current bounds); box
    /// targets follow, since they are computed from the moved points. The positions before distortion are kept in
    /// `undistortedCoords` / `undistortedObjectCenters` for the distance-aware attention. Normals are left as they
    /// are (the bend is smooth at the scale of a point's neighbourhood). Draws nothing from `rng` when p = 0.
    public func elasticallyDistorted(_ options: ElasticOptions, using rng: inout SeededGenerator) -> TrainScene {
        guard options.probability > 0, pointCount > 0, rng.nextUnitDouble() < options.probability else { return self }
        var s = self
        s.undistortedCoords = coords
        s.undistortedObjectCenters = objectCenters
        for (g, m) in zip(options.granularity, options.magnitude) {
            var lo: [Float] = [.infinity, .infinity, .infinity], hi: [Float] = [-.infinity, -.infinity, -.infinity]
            for i in 0..<s.pointCount { for a in 0..<3 { lo[a] = min(lo[a], s.coords[i * 3 + a]); hi[a] = max(hi[a], s.coords[i * 3 + a]) } }
            // The reference grids put their nodes 2·granularity apart; keep that so the bend has the published scale.
            let field = ElasticDistortion(lower: lo, upper: hi, granularity: 2 * g * options.voxelSize, magnitude: m * options.voxelSize, using: &rng)
            s.coords = field.apply(s.coords)
            s.objectCenters = field.apply(s.objectCenters)
        }
        return s
    }
}
