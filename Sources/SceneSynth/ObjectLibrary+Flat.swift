/// Geometrically non-salient objects: flat on a wall or on the floor, a few millimetres proud of the
/// surface behind them, so that only colour separates them from it.
extension ObjectLibrary {
    /// For wall-flat kinds, `minSize.y…maxSize.y` is the height of the object's centre above the floor (metres).
    static let flatKinds: [Kind] = [
        Kind(name: "picture", category: "picture", mounting: .wallFlat, minSize: [0.3, 1.35, 0.25], maxSize: [0.9, 1.7, 0.7]),
        Kind(name: "poster", category: "poster", mounting: .wallFlat, minSize: [0.4, 1.3, 0.6], maxSize: [0.7, 1.6, 1.0]),
        Kind(name: "whiteboard", category: "whiteboard", mounting: .wallFlat, minSize: [1.2, 1.4, 0.9], maxSize: [2.0, 1.6, 1.2]),
        Kind(name: "blackboard", category: "blackboard", mounting: .wallFlat, minSize: [1.2, 1.4, 0.9], maxSize: [2.0, 1.6, 1.2]),
        Kind(name: "bulletin board", category: "bulletin board", mounting: .wallFlat, minSize: [0.6, 1.35, 0.5], maxSize: [1.2, 1.6, 0.9]),
        Kind(name: "calendar", category: "calendar", mounting: .wallFlat, minSize: [0.3, 1.35, 0.4], maxSize: [0.4, 1.6, 0.6]),
        Kind(name: "mirror", category: "mirror", mounting: .wallFlat, minSize: [0.4, 1.3, 0.6], maxSize: [0.8, 1.6, 1.2]),
        Kind(name: "clock", category: "clock", mounting: .wallFlat, minSize: [0.25, 1.8, 0.25], maxSize: [0.35, 2.1, 0.35]),
        Kind(name: "light switch", category: "light switch", mounting: .wallFlat, minSize: [0.07, 1.1, 0.11], maxSize: [0.09, 1.3, 0.13]),
        Kind(name: "power outlet", category: "power outlet", mounting: .wallFlat, minSize: [0.07, 0.25, 0.1], maxSize: [0.09, 0.35, 0.12]),
        Kind(name: "vent", category: "vent", mounting: .wallFlat, minSize: [0.3, 2.0, 0.15], maxSize: [0.5, 2.2, 0.3]),
        Kind(name: "sign", category: "sign", mounting: .wallFlat, minSize: [0.2, 1.8, 0.1], maxSize: [0.4, 2.0, 0.2]),
        Kind(name: "door", category: "door", mounting: .wallFlat, minSize: [0.8, 1.0, 2.0], maxSize: [0.95, 1.05, 2.1]),
        Kind(name: "closet door", category: "closet door", mounting: .wallFlat, minSize: [1.0, 1.0, 2.0], maxSize: [1.6, 1.05, 2.1]),
        Kind(name: "window", category: "window", mounting: .wallFlat, minSize: [0.8, 1.4, 0.9], maxSize: [1.6, 1.6, 1.4]),
        Kind(name: "projector screen", category: "projector screen", mounting: .wallFlat, minSize: [1.5, 1.6, 1.0], maxSize: [2.0, 1.8, 1.4]),
        Kind(name: "decoration", category: "decoration", mounting: .wallFlat, minSize: [0.2, 1.5, 0.2], maxSize: [0.4, 1.8, 0.4]),
        Kind(name: "mat", category: "mat", mounting: .floorFlat, minSize: [0.6, 0.5, 0.0], maxSize: [2.0, 1.4, 0.0]),
    ]

    static func buildFlat(_ kind: Kind, size s: SIMD3<Float>, rng: inout SynthRNG, into b: inout MeshBuilder) {
        let seed = UInt32(truncatingIfNeeded: rng.next())
        if kind.mounting == .floorFlat {
            let hw = s.x / 2, hd = s.y / 2, lift: Float = rng.uniformF(0.003, 0.008)
            b.part = 0
            b.use(Material(rng.chance(0.5) ? .fabric : .stripes, Palette.vivid(&rng) * 0.8, Palette.vivid(&rng) * 0.6,
                           scale: rng.uniformF(0.1, 0.3), seed: seed))
            b.quad([-hw, -hd, lift], [hw, -hd, lift], [hw, hd, lift], [-hw, hd, lift], outward: [0, 0, 1])
            return
        }
        let hw = s.x / 2, hh = s.z / 2
        let offset: Float = rng.uniformF(0.003, 0.01)
        let inner: Material
        var frame: Material? = nil
        switch kind.name {
        case "picture", "poster", "decoration":
            inner = Material(.painting, Palette.vivid(&rng), Palette.vivid(&rng), scale: rng.uniformF(0.08, 0.25), seed: seed)
            if kind.name != "poster" { frame = Palette.wood(&rng) }
        case "whiteboard", "projector screen":
            inner = Material(.plain, [0.96, 0.96, 0.95], scale: 0.4, seed: seed)
            frame = Palette.metal(&rng)
        case "blackboard":
            inner = Material(.speckle, [0.1, 0.22, 0.15], [0.3, 0.35, 0.32], scale: 0.2, seed: seed)
            frame = Palette.wood(&rng)
        case "bulletin board":
            inner = Material(.speckle, [0.62, 0.45, 0.28], [0.95, 0.95, 0.85], scale: 0.15, seed: seed)
            frame = Palette.wood(&rng)
        case "calendar":
            inner = Material(.tiles, [0.95, 0.95, 0.92], [0.3, 0.3, 0.35], scale: 0.05, seed: seed)
        case "mirror", "window":
            inner = Material(.glass, [0.55, 0.7, 0.85], [0.85, 0.9, 0.95], scale: 0.3, seed: seed)
            frame = kind.name == "window" ? Palette.painted(&rng) : Palette.metal(&rng)
        case "vent":
            inner = Material(.stripes, [0.85, 0.85, 0.85], [0.4, 0.4, 0.42], scale: 0.02, seed: seed)
        case "door", "closet door":
            inner = rng.chance(0.6) ? Palette.wood(&rng) : Palette.painted(&rng)
            frame = nil
        default:
            inner = Material(.plain, Palette.jitter([0.93, 0.93, 0.9], &rng, 0.04), scale: 0.05, seed: seed)
        }
        // The main panel.
        b.part = 0
        b.use(inner)
        if kind.name == "clock" {
            b.use(Material(.plain, [0.95, 0.95, 0.93], scale: 0.05, seed: seed))
            discOnWall(&b, radius: hw, y: offset)
            b.part = 1; b.use(Material(.plain, [0.1, 0.1, 0.1], scale: 0.05, seed: seed))
            b.quad([-0.005, offset + 0.002, 0], [0.005, offset + 0.002, 0], [0.005, offset + 0.002, hh * 0.7],
                   [-0.005, offset + 0.002, hh * 0.7], outward: [0, 1, 0])
            return
        }
        b.quad([-hw, offset, -hh], [hw, offset, -hh], [hw, offset, hh], [-hw, offset, hh], outward: [0, 1, 0])
        if let frame {
            // A thin frame strip around the panel, a little prouder than the panel.
            let f: Float = min(0.05, min(hw, hh) * 0.12), y = offset + 0.003
            b.part = 1
            b.use(frame)
            b.quad([-hw, y, -hh], [hw, y, -hh], [hw, y, -hh + f], [-hw, y, -hh + f], outward: [0, 1, 0])
            b.quad([-hw, y, hh - f], [hw, y, hh - f], [hw, y, hh], [-hw, y, hh], outward: [0, 1, 0])
            b.quad([-hw, y, -hh + f], [-hw + f, y, -hh + f], [-hw + f, y, hh - f], [-hw, y, hh - f], outward: [0, 1, 0])
            b.quad([hw - f, y, -hh + f], [hw, y, -hh + f], [hw, y, hh - f], [hw - f, y, hh - f], outward: [0, 1, 0])
        }
        if kind.name == "door" || kind.name == "closet door" {
            b.part = 1
            b.use(Palette.metal(&rng))
            let x = hw - 0.1
            b.box([x - 0.06, offset, -0.03], [x + 0.04, offset + 0.05, 0.0])
        }
    }

    /// A disc of `radius` on the wall plane at distance `y`, facing into the room.
    static func discOnWall(_ b: inout MeshBuilder, radius: Float, y: Float, segments: Int = 16) {
        for i in 0..<segments {
            let a0 = Float(i) / Float(segments) * 2 * Float.pi, a1 = Float(i + 1) / Float(segments) * 2 * Float.pi
            b.triangle([0, y, 0], [radius * cosF(a0), y, radius * sinF(a0)], [radius * cosF(a1), y, radius * sinF(a1)],
                       outward: [0, 1, 0])
        }
    }
}
