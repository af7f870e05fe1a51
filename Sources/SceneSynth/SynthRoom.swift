/// One object instance of a synthetic room, as written to `gt/instances.json`.
public struct SynthInstance: Codable, Sendable, Equatable {
    /// Instance id ≥ 1, as in `gt/instance/*.png` and the `instance` property of `gt/mesh.ply`.
    public let id: UInt16
    public let category: SynthCategory
    /// Number of parts (seat, back, legs, …); the split fault cuts along parts.
    public let partCount: Int
    /// World-frame axis-aligned bounds in metres.
    public var boundsMin: SIMD3<Float>
    public var boundsMax: SIMD3<Float>
    /// The instance (id) this object stands on, if any (e.g. a monitor on a desk).
    public let supportedBy: UInt16?
}

/// A point light (world frame, metres) with linear RGB intensity.
public struct SynthLight: Sendable, Equatable {
    public var position: SIMD3<Float>
    public var intensity: SIMD3<Float>
}

/// A furnished room: the triangle mesh with labels, the instances, the lights and the free floor space.
public struct SynthRoom: Sendable {
    /// Extent in metres: the room spans [0, size.x] × [0, size.y] × [0, size.z], +z up.
    public var size: SIMD3<Float>
    public var mesh: SceneMesh
    /// Instances by id: `instances[id - 1].id == id`.
    public var instances: [SynthInstance]
    public var lights: [SynthLight]
    public var ambient: Float
    /// Floor cells (0.1 m) where a person holding the camera can stand, row-major `[rows, cols]`.
    var walkable: [Bool]
    var gridCols: Int
    var gridRows: Int
    static let gridCell: Float = 0.1

    public func instance(id: UInt16) -> SynthInstance? {
        let index = Int(id) - 1
        return instances.indices.contains(index) ? instances[index] : nil
    }

    /// World-frame centres of the non-structural objects (look-at targets for the camera).
    var objectCentres: [SIMD3<Double>] {
        instances.filter { !$0.category.isStructural }.map {
            SIMD3<Double>((($0.boundsMin + $0.boundsMax) / 2))
        }
    }

    /// Walkable cell centres (x, y) in metres.
    var walkableCentres: [SIMD2<Double>] {
        var out: [SIMD2<Double>] = []
        for r in 0..<gridRows {
            for c in 0..<gridCols where walkable[r * gridCols + c] {
                out.append([(Double(c) + 0.5) * Double(SynthRoom.gridCell), (Double(r) + 0.5) * Double(SynthRoom.gridCell)])
            }
        }
        return out
    }
}
