import Foundation
import Geometry

/// Which keyframes see the same part of the room: the pose test and the depth-overlap test that loop closure, the
/// global refinement and the refine guard share.
enum ViewOverlap {
    /// Cameras at most `maxDistance` metres apart whose optical axes differ by at most `maxAngleDegrees`.
    static func near(_ a: RigidTransform, _ b: RigidTransform, maxDistance: Double, maxAngleDegrees: Double) -> Bool {
        a.translationDistance(to: b) <= maxDistance
            && dot3(a.rotate(SIMD3(0, 0, 1)), b.rotate(SIMD3(0, 0, 1))) >= cos(maxAngleDegrees * .pi / 180)
    }

    /// The fraction (0…1) of `source`'s depth samples (about 600 on a lattice) that land in `target` with a depth
    /// within 10 cm of the target's depth there.
    static func fraction(of source: PreparedFrame, at sourcePose: RigidTransform, in target: PreparedFrame,
                         at targetPose: RigidTransform) -> Double {
        let k = source.intrinsics, kt = target.intrinsics
        let targetFromSource = targetPose.inverse * sourcePose
        let stride = max(1, Int((Double(k.width * k.height) / 600).squareRoot()))
        var total = 0, inside = 0
        for v in Swift.stride(from: stride / 2, to: k.height, by: stride) {
            for u in Swift.stride(from: stride / 2, to: k.width, by: stride) {
                let z = Double(source.depth[v * k.width + u])
                guard z > 0 else { continue }
                total += 1
                let p = targetFromSource.apply(to: k.unproject(pixel: SIMD2(Double(u), Double(v)), depth: z))
                guard let pixel = kt.project(p), kt.contains(pixel) else { continue }
                let d = Double(target.depth[kt.nearestPixelIndex(pixel)])
                if d > 0, abs(d - p.z) < 0.1 { inside += 1 }
            }
        }
        return total > 0 ? Double(inside) / Double(total) : 0
    }
}
