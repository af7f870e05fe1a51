/// A horizontal surface of a placed object on which small objects can stand (local coordinates, metres).
struct SupportSurface: Sendable {
    /// Local rectangle: x in `x`, y in `y`, at height `z` above the object's origin.
    var x: ClosedRange<Float>
    var y: ClosedRange<Float>
    var z: Float
    /// Which small objects suit this surface.
    var use: SupportUse
}

enum SupportUse: Sendable { case desk, shelf, table, bed, bedFoot, couch, nightstand, counter }

/// How an object attaches to the room.
enum Mounting: Sendable { case floorFree, floorAgainstWall, onSurface, wallFlat, floorFlat, ceiling }

/// The parametric shapes of the synthesiser: one entry per kind, each a small set of parts
/// (boxes, cylinders, slabs) whose proportions, sizes and colours vary per instance.
///
/// Local frame for floor and surface objects: origin at the centre of the footprint on the floor,
/// x across the width, y front (−) to back (+), z up. Wall-flat objects: origin at the centre on the
/// wall, x along the wall, y into the room, z up.
enum ObjectLibrary {
    /// Every object kind with its ScanNet200 category, mounting and size range (w, d, h) in metres.
    struct Kind: Sendable {
        let name: String
        let category: String
        let mounting: Mounting
        let minSize: SIMD3<Float>
        let maxSize: SIMD3<Float>
    }

    static let kinds: [Kind] = furnitureKinds + smallKinds + flatKinds

    static func kind(named name: String) -> Kind? { kinds.first { $0.name == name } }

    /// A random size within the kind's range; one random proportion per axis.
    static func sampleSize(_ kind: Kind, _ rng: inout SynthRNG) -> SIMD3<Float> {
        var size = SIMD3<Float>()
        for axis in 0..<3 {
            size[axis] = kind.minSize[axis] + (kind.maxSize[axis] - kind.minSize[axis]) * Float(rng.unit())
        }
        return size
    }

    /// Builds one object of `kind` with the builder's current frame and instance; returns its support surfaces.
    static func build(_ kind: Kind, size: SIMD3<Float>, rng: inout SynthRNG, into b: inout MeshBuilder) -> [SupportSurface] {
        switch kind.mounting {
        case .wallFlat, .floorFlat, .ceiling:
            buildFlat(kind, size: size, rng: &rng, into: &b)
            return []
        case .onSurface:
            buildSmall(kind, size: size, rng: &rng, into: &b)
            return []
        case .floorFree, .floorAgainstWall:
            return buildFurniture(kind, size: size, rng: &rng, into: &b)
        }
    }
}

// MARK: - Palettes

enum Palette {
    static func wood(_ rng: inout SynthRNG) -> Material {
        let tones: [SIMD3<Float>] = [[0.55, 0.38, 0.22], [0.72, 0.55, 0.36], [0.35, 0.22, 0.13], [0.82, 0.70, 0.52],
                                     [0.45, 0.30, 0.20]]
        let c = jitter(rng.pick(tones), &rng, 0.06)
        return Material(.wood, c, c * 0.72, scale: rng.uniformF(0.05, 0.12), seed: UInt32(truncatingIfNeeded: rng.next()))
    }

    static func fabric(_ rng: inout SynthRNG) -> Material {
        let tones: [SIMD3<Float>] = [[0.25, 0.30, 0.55], [0.60, 0.20, 0.18], [0.35, 0.45, 0.30], [0.55, 0.55, 0.52],
                                     [0.80, 0.70, 0.45], [0.20, 0.20, 0.22], [0.65, 0.40, 0.55]]
        let c = jitter(rng.pick(tones), &rng, 0.08)
        return Material(.fabric, c, c * 0.6, scale: rng.uniformF(0.15, 0.3), seed: UInt32(truncatingIfNeeded: rng.next()))
    }

    static func plastic(_ rng: inout SynthRNG) -> Material {
        let tones: [SIMD3<Float>] = [[0.85, 0.85, 0.83], [0.15, 0.15, 0.16], [0.50, 0.52, 0.55], [0.20, 0.35, 0.60],
                                     [0.75, 0.25, 0.20], [0.30, 0.55, 0.35]]
        let c = jitter(rng.pick(tones), &rng, 0.05)
        return Material(.speckle, c, c * 0.8, scale: rng.uniformF(0.05, 0.1), seed: UInt32(truncatingIfNeeded: rng.next()))
    }

    static func metal(_ rng: inout SynthRNG) -> Material {
        let g = rng.uniformF(0.35, 0.75)
        return Material(.plain, [g, g, g * 1.03], scale: 0.2, seed: UInt32(truncatingIfNeeded: rng.next()))
    }

    static func painted(_ rng: inout SynthRNG) -> Material {
        let tones: [SIMD3<Float>] = [[0.92, 0.92, 0.88], [0.80, 0.82, 0.85], [0.60, 0.65, 0.70], [0.90, 0.85, 0.75],
                                     [0.30, 0.35, 0.40]]
        let c = jitter(rng.pick(tones), &rng, 0.04)
        return Material(.plain, c, scale: rng.uniformF(0.1, 0.3), seed: UInt32(truncatingIfNeeded: rng.next()))
    }

    static func vivid(_ rng: inout SynthRNG) -> SIMD3<Float> {
        [rng.uniformF(0.1, 0.95), rng.uniformF(0.1, 0.95), rng.uniformF(0.1, 0.95)]
    }

    static func jitter(_ c: SIMD3<Float>, _ rng: inout SynthRNG, _ amount: Float) -> SIMD3<Float> {
        let j = SIMD3<Float>(rng.uniformF(-amount, amount), rng.uniformF(-amount, amount), rng.uniformF(-amount, amount))
        return simdClamp(c + j, 0.02, 0.98)
    }
}

@inline(__always) func simdClamp(_ v: SIMD3<Float>, _ lo: Float, _ hi: Float) -> SIMD3<Float> {
    SIMD3(min(max(v.x, lo), hi), min(max(v.y, lo), hi), min(max(v.z, lo), hi))
}
