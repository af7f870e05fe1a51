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
        return s
    }
}
