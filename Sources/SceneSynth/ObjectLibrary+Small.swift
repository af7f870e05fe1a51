/// Small objects that stand on support surfaces (desks, shelves, beds, tables).
extension ObjectLibrary {
    static let smallKinds: [Kind] = [
        Kind(name: "monitor", category: "monitor", mounting: .onSurface, minSize: [0.45, 0.18, 0.35], maxSize: [0.65, 0.22, 0.5]),
        Kind(name: "keyboard", category: "keyboard", mounting: .onSurface, minSize: [0.38, 0.12, 0.02], maxSize: [0.46, 0.16, 0.03]),
        Kind(name: "mouse", category: "mouse", mounting: .onSurface, minSize: [0.06, 0.1, 0.03], maxSize: [0.07, 0.12, 0.04]),
        Kind(name: "laptop", category: "laptop", mounting: .onSurface, minSize: [0.3, 0.22, 0.2], maxSize: [0.38, 0.26, 0.25]),
        Kind(name: "book", category: "book", mounting: .onSurface, minSize: [0.025, 0.15, 0.18], maxSize: [0.06, 0.22, 0.28]),
        Kind(name: "box", category: "box", mounting: .onSurface, minSize: [0.15, 0.15, 0.1], maxSize: [0.35, 0.28, 0.25]),
        Kind(name: "cup", category: "cup", mounting: .onSurface, minSize: [0.07, 0.07, 0.08], maxSize: [0.09, 0.09, 0.11]),
        Kind(name: "bowl", category: "bowl", mounting: .onSurface, minSize: [0.14, 0.14, 0.06], maxSize: [0.22, 0.22, 0.09]),
        Kind(name: "bottle", category: "bottle", mounting: .onSurface, minSize: [0.06, 0.06, 0.2], maxSize: [0.09, 0.09, 0.32]),
        Kind(name: "water bottle", category: "water bottle", mounting: .onSurface, minSize: [0.06, 0.06, 0.18], maxSize: [0.08, 0.08, 0.25]),
        Kind(name: "pillow", category: "pillow", mounting: .onSurface, minSize: [0.45, 0.3, 0.1], maxSize: [0.65, 0.4, 0.16]),
        Kind(name: "cushion", category: "cushion", mounting: .onSurface, minSize: [0.35, 0.12, 0.35], maxSize: [0.45, 0.16, 0.45]),
        Kind(name: "blanket", category: "blanket", mounting: .onSurface, minSize: [0.8, 0.5, 0.03], maxSize: [1.4, 0.8, 0.05]),
        Kind(name: "tv", category: "tv", mounting: .onSurface, minSize: [0.8, 0.2, 0.5], maxSize: [1.2, 0.25, 0.75]),
        Kind(name: "table lamp", category: "lamp", mounting: .onSurface, minSize: [0.2, 0.2, 0.35], maxSize: [0.3, 0.3, 0.55]),
        Kind(name: "alarm clock", category: "alarm clock", mounting: .onSurface, minSize: [0.1, 0.06, 0.08], maxSize: [0.15, 0.08, 0.12]),
        Kind(name: "telephone", category: "telephone", mounting: .onSurface, minSize: [0.15, 0.18, 0.06], maxSize: [0.2, 0.22, 0.1]),
        Kind(name: "speaker", category: "speaker", mounting: .onSurface, minSize: [0.12, 0.14, 0.2], maxSize: [0.18, 0.2, 0.32]),
        Kind(name: "tissue box", category: "tissue box", mounting: .onSurface, minSize: [0.22, 0.11, 0.08], maxSize: [0.26, 0.13, 0.12]),
        Kind(name: "plant", category: "plant", mounting: .onSurface, minSize: [0.15, 0.15, 0.25], maxSize: [0.25, 0.25, 0.45]),
        Kind(name: "tray", category: "tray", mounting: .onSurface, minSize: [0.3, 0.22, 0.02], maxSize: [0.45, 0.32, 0.04]),
        Kind(name: "printer", category: "printer", mounting: .onSurface, minSize: [0.4, 0.35, 0.18], maxSize: [0.5, 0.45, 0.28]),
    ]

    /// Which small kinds suit each support surface.
    static func smallKinds(for use: SupportUse) -> [String] {
        switch use {
        case .desk: return ["monitor", "keyboard", "mouse", "laptop", "cup", "book", "table lamp", "telephone", "speaker", "printer", "bottle"]
        case .shelf: return ["book", "book", "book", "box", "plant", "speaker", "box"]
        case .table: return ["cup", "bowl", "bottle", "water bottle", "plant", "tray", "box", "laptop", "book", "tv"]
        case .bed: return ["pillow"]
        case .bedFoot: return ["blanket"]
        case .couch: return ["cushion", "pillow"]
        case .nightstand: return ["table lamp", "alarm clock", "tissue box", "book", "cup", "water bottle"]
        case .counter: return ["bowl", "bottle", "cup", "tray", "plant", "box"]
        }
    }

    /// Objects a surface always carries first (a desk its monitor, keyboard and mouse; a bed its pillows),
    /// in placement order.
    static func requiredKinds(for use: SupportUse) -> [String] {
        switch use {
        case .desk: return ["monitor", "keyboard", "mouse"]
        case .bed: return ["pillow", "pillow"]
        default: return []
        }
    }

    static func buildSmall(_ kind: Kind, size s: SIMD3<Float>, rng: inout SynthRNG, into b: inout MeshBuilder) {
        let (w, d, h) = (s.x, s.y, s.z)
        let hw = w / 2, hd = d / 2
        switch kind.name {
        case "monitor", "tv":
            b.part = 1; b.use(Palette.metal(&rng))
            b.box([-hw * 0.3, -hd, 0], [hw * 0.3, hd, 0.02])
            b.box([-0.025, 0, 0.02], [0.025, 0.03, h * 0.3])
            b.part = 0; b.use(Material(.plain, [0.08, 0.08, 0.09], scale: 0.3, seed: UInt32(truncatingIfNeeded: rng.next())))
            b.box([-hw, -0.01, h * 0.25], [hw, 0.03, h])
            b.use(Material(.screen, Palette.vivid(&rng) * 0.5, [0.05, 0.05, 0.1], scale: 0.2, seed: UInt32(truncatingIfNeeded: rng.next())))
            b.quad([-hw + 0.015, -0.012, h * 0.25 + 0.015], [hw - 0.015, -0.012, h * 0.25 + 0.015],
                   [hw - 0.015, -0.012, h - 0.015], [-hw + 0.015, -0.012, h - 0.015], outward: [0, -1, 0])
        case "laptop":
            b.part = 0; b.use(Palette.metal(&rng))
            b.box([-hw, -hd, 0], [hw, hd, 0.02])
            b.part = 1
            b.box([-hw, hd - 0.015, 0.02], [hw, hd, h])
        case "cup", "bowl", "bottle", "water bottle":
            b.part = 0; b.use(Palette.plastic(&rng))
            let top = kind.name == "bowl" ? hw : hw * 0.9
            b.cylinder(base: [0, 0, 0], radius: kind.name == "bowl" ? hw * 0.6 : hw * 0.9, height: kind.name.hasSuffix("bottle") ? h * 0.75 : h,
                       topRadius: top, segments: 10)
            if kind.name.hasSuffix("bottle") {
                b.part = 1; b.use(Palette.plastic(&rng))
                b.cylinder(base: [0, 0, h * 0.75], radius: hw * 0.9, height: h * 0.25, topRadius: hw * 0.35, segments: 8)
            }
        case "table lamp":
            b.part = 0; b.use(Palette.metal(&rng))
            b.cylinder(base: [0, 0, 0], radius: hw * 0.5, height: h * 0.55, topRadius: hw * 0.15, segments: 8)
            b.part = 1; b.use(Material(.fabric, [0.95, 0.92, 0.8], [0.85, 0.8, 0.7], scale: 0.1, seed: UInt32(truncatingIfNeeded: rng.next())))
            b.cylinder(base: [0, 0, h * 0.55], radius: hw, height: h * 0.45, topRadius: hw * 0.65, segments: 12)
        case "plant":
            b.part = 0; b.use(Palette.plastic(&rng))
            b.cylinder(base: [0, 0, 0], radius: hw * 0.5, height: h * 0.35, topRadius: hw * 0.6, segments: 8)
            b.part = 1; b.use(Material(.speckle, [0.22, 0.5, 0.18], [0.1, 0.3, 0.1], scale: 0.05, seed: UInt32(truncatingIfNeeded: rng.next())))
            b.cylinder(base: [0, 0, h * 0.35], radius: hw, height: h * 0.65, topRadius: hw * 0.3, segments: 7)
        case "book":
            b.part = 0
            b.use(Material(.stripes, Palette.vivid(&rng), Palette.vivid(&rng), scale: rng.uniformF(0.03, 0.08),
                           seed: UInt32(truncatingIfNeeded: rng.next())))
            b.box([-hw, -hd, 0], [hw, hd, h])
        case "pillow", "cushion", "blanket":
            b.part = 0; b.use(Palette.fabric(&rng))
            b.box([-hw, -hd, 0], [hw, hd, h])
        case "printer", "speaker", "telephone", "alarm clock":
            b.part = 0; b.use(Palette.plastic(&rng))
            b.box([-hw, -hd, 0], [hw, hd, h * 0.8])
            b.part = 1; b.use(Palette.plastic(&rng))
            b.box([-hw * 0.9, -hd * 0.9, h * 0.8], [hw * 0.9, hd * 0.6, h])
        default:
            b.part = 0
            b.use(rng.chance(0.5) ? Material(.speckle, [0.65, 0.5, 0.32], [0.5, 0.38, 0.25], scale: 0.08,
                                              seed: UInt32(truncatingIfNeeded: rng.next())) : Palette.plastic(&rng))
            b.box([-hw, -hd, 0], [hw, hd, h])
        }
    }
}
