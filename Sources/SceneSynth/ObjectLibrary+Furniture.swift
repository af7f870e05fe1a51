/// Furniture standing on the floor: seats, tables, storage, beds, bins, plants.
extension ObjectLibrary {
    static let furnitureKinds: [Kind] = [
        Kind(name: "chair", category: "chair", mounting: .floorFree, minSize: [0.40, 0.42, 0.78], maxSize: [0.52, 0.54, 0.98]),
        Kind(name: "office chair", category: "office chair", mounting: .floorFree, minSize: [0.55, 0.55, 0.9], maxSize: [0.68, 0.66, 1.2]),
        Kind(name: "table", category: "table", mounting: .floorFree, minSize: [0.8, 0.6, 0.70], maxSize: [1.4, 0.9, 0.78]),
        Kind(name: "dining table", category: "dining table", mounting: .floorFree, minSize: [1.2, 0.8, 0.72], maxSize: [1.8, 1.0, 0.78]),
        Kind(name: "coffee table", category: "coffee table", mounting: .floorFree, minSize: [0.8, 0.45, 0.35], maxSize: [1.2, 0.7, 0.48]),
        Kind(name: "end table", category: "end table", mounting: .floorAgainstWall, minSize: [0.4, 0.4, 0.5], maxSize: [0.55, 0.55, 0.65]),
        Kind(name: "desk", category: "desk", mounting: .floorAgainstWall, minSize: [1.1, 0.6, 0.72], maxSize: [1.6, 0.8, 0.78]),
        Kind(name: "bed", category: "bed", mounting: .floorAgainstWall, minSize: [1.0, 1.9, 0.45], maxSize: [1.7, 2.1, 0.6]),
        Kind(name: "couch", category: "couch", mounting: .floorAgainstWall, minSize: [1.6, 0.8, 0.75], maxSize: [2.3, 0.95, 0.9]),
        Kind(name: "sofa chair", category: "sofa chair", mounting: .floorFree, minSize: [0.75, 0.75, 0.75], maxSize: [0.95, 0.9, 0.95]),
        Kind(name: "armchair", category: "armchair", mounting: .floorFree, minSize: [0.7, 0.7, 0.8], maxSize: [0.9, 0.85, 1.0]),
        Kind(name: "bookshelf", category: "bookshelf", mounting: .floorAgainstWall, minSize: [0.6, 0.28, 1.5], maxSize: [1.0, 0.38, 2.0]),
        Kind(name: "shelf", category: "shelf", mounting: .floorAgainstWall, minSize: [0.8, 0.25, 0.8], maxSize: [1.2, 0.35, 1.1]),
        Kind(name: "cabinet", category: "cabinet", mounting: .floorAgainstWall, minSize: [0.6, 0.4, 0.8], maxSize: [1.0, 0.55, 1.0]),
        Kind(name: "kitchen cabinet", category: "kitchen cabinet", mounting: .floorAgainstWall, minSize: [0.8, 0.55, 0.85], maxSize: [1.6, 0.62, 0.92]),
        Kind(name: "file cabinet", category: "file cabinet", mounting: .floorAgainstWall, minSize: [0.4, 0.55, 0.7], maxSize: [0.5, 0.65, 1.3]),
        Kind(name: "dresser", category: "dresser", mounting: .floorAgainstWall, minSize: [0.9, 0.45, 0.75], maxSize: [1.4, 0.55, 1.0]),
        Kind(name: "nightstand", category: "nightstand", mounting: .floorAgainstWall, minSize: [0.4, 0.35, 0.5], maxSize: [0.55, 0.45, 0.65]),
        Kind(name: "wardrobe", category: "wardrobe", mounting: .floorAgainstWall, minSize: [0.9, 0.55, 1.8], maxSize: [1.4, 0.65, 2.1]),
        Kind(name: "refrigerator", category: "refrigerator", mounting: .floorAgainstWall, minSize: [0.6, 0.6, 1.6], maxSize: [0.8, 0.75, 1.9]),
        Kind(name: "tv stand", category: "tv stand", mounting: .floorAgainstWall, minSize: [1.0, 0.35, 0.4], maxSize: [1.6, 0.5, 0.6]),
        Kind(name: "stool", category: "stool", mounting: .floorFree, minSize: [0.3, 0.3, 0.45], maxSize: [0.4, 0.4, 0.75]),
        Kind(name: "ottoman", category: "ottoman", mounting: .floorFree, minSize: [0.5, 0.4, 0.35], maxSize: [0.8, 0.6, 0.45]),
        Kind(name: "bench", category: "bench", mounting: .floorAgainstWall, minSize: [1.0, 0.35, 0.42], maxSize: [1.6, 0.45, 0.48]),
        Kind(name: "trash can", category: "trash can", mounting: .floorFree, minSize: [0.25, 0.25, 0.35], maxSize: [0.35, 0.35, 0.6]),
        Kind(name: "trash bin", category: "trash bin", mounting: .floorAgainstWall, minSize: [0.28, 0.22, 0.4], maxSize: [0.4, 0.32, 0.65]),
        Kind(name: "recycling bin", category: "recycling bin", mounting: .floorAgainstWall, minSize: [0.3, 0.3, 0.5], maxSize: [0.45, 0.4, 0.75]),
        Kind(name: "potted plant", category: "potted plant", mounting: .floorFree, minSize: [0.3, 0.3, 0.6], maxSize: [0.5, 0.5, 1.3]),
        Kind(name: "floor lamp", category: "lamp", mounting: .floorFree, minSize: [0.3, 0.3, 1.4], maxSize: [0.45, 0.45, 1.8]),
        Kind(name: "radiator", category: "radiator", mounting: .floorAgainstWall, minSize: [0.6, 0.08, 0.5], maxSize: [1.2, 0.12, 0.7]),
        Kind(name: "computer tower", category: "computer tower", mounting: .floorFree, minSize: [0.18, 0.4, 0.38], maxSize: [0.22, 0.5, 0.5]),
        Kind(name: "storage container", category: "storage container", mounting: .floorAgainstWall, minSize: [0.4, 0.3, 0.25], maxSize: [0.7, 0.45, 0.45]),
        Kind(name: "crate", category: "crate", mounting: .floorFree, minSize: [0.35, 0.3, 0.25], maxSize: [0.55, 0.45, 0.35]),
        Kind(name: "backpack", category: "backpack", mounting: .floorFree, minSize: [0.28, 0.15, 0.38], maxSize: [0.36, 0.22, 0.5]),
        Kind(name: "basket", category: "basket", mounting: .floorFree, minSize: [0.3, 0.3, 0.25], maxSize: [0.5, 0.4, 0.4]),
    ]

    static func buildFurniture(_ kind: Kind, size s: SIMD3<Float>, rng: inout SynthRNG, into b: inout MeshBuilder) -> [SupportSurface] {
        let (w, d, h) = (s.x, s.y, s.z)
        let hw = w / 2, hd = d / 2
        switch kind.name {
        case "chair":
            let seatZ = h * rng.uniformF(0.5, 0.56), t: Float = rng.uniformF(0.03, 0.06), leg: Float = rng.uniformF(0.03, 0.045)
            b.part = 2; b.use(rng.chance(0.5) ? Palette.wood(&rng) : Palette.metal(&rng))
            legs(&b, hw: hw - 0.01, hd: hd - 0.01, top: seatZ - t, leg: leg)
            b.part = 0; b.use(rng.chance(0.5) ? Palette.wood(&rng) : Palette.fabric(&rng))
            b.box([-hw, -hd, seatZ - t], [hw, hd, seatZ])
            b.part = 1
            b.box([-hw, hd - 0.04, seatZ], [hw, hd, h])
        case "office chair":
            let seatZ = h * rng.uniformF(0.42, 0.5)
            b.part = 2; b.use(Palette.metal(&rng))
            b.cylinder(base: [0, 0, 0], radius: hw * 0.85, height: 0.05, segments: 5)
            b.cylinder(base: [0, 0, 0.05], radius: 0.03, height: seatZ - 0.12, segments: 6)
            b.part = 0; b.use(Palette.fabric(&rng))
            b.box([-hw * 0.8, -hd * 0.8, seatZ - 0.08], [hw * 0.8, hd * 0.8, seatZ])
            b.part = 1
            b.box([-hw * 0.7, hd * 0.7, seatZ + 0.05], [hw * 0.7, hd * 0.85, h])
            b.part = 3; b.use(Palette.plastic(&rng))
            b.box([-hw, -hd * 0.5, seatZ + 0.15], [-hw * 0.82, hd * 0.5, seatZ + 0.2])
            b.box([hw * 0.82, -hd * 0.5, seatZ + 0.15], [hw, hd * 0.5, seatZ + 0.2])
        case "table", "dining table", "coffee table", "end table", "desk", "bench":
            let t: Float = rng.uniformF(0.025, 0.05), leg: Float = rng.uniformF(0.04, 0.07)
            b.part = 0; b.use(Palette.wood(&rng))
            b.box([-hw, -hd, h - t], [hw, hd, h])
            b.part = 1; b.use(rng.chance(0.6) ? Palette.wood(&rng) : Palette.metal(&rng))
            if kind.name == "desk" && rng.chance(0.6) {
                b.box([-hw + 0.02, -hd + 0.05, 0], [-hw + 0.04, hd - 0.02, h - t])
                b.box([hw - 0.04, -hd + 0.05, 0], [hw - 0.02, hd - 0.02, h - t])
                b.part = 2; b.use(Palette.painted(&rng))
                b.box([hw - 0.45, -hd + 0.05, h - t - 0.5], [hw - 0.05, hd - 0.05, h - t])
            } else {
                legs(&b, hw: hw - 0.04, hd: hd - 0.04, top: h - t, leg: leg)
            }
            let use: SupportUse = kind.name == "desk" ? .desk : (kind.name == "end table" ? .nightstand : .table)
            return [SupportSurface(x: (-hw + 0.05)...(hw - 0.05), y: (-hd + 0.05)...(hd - 0.05), z: h, use: use)]
        case "bed":
            let headH: Float = h + rng.uniformF(0.4, 0.7)
            b.part = 0; b.use(Palette.wood(&rng))
            b.box([-hw, -hd, 0.05], [hw, hd - 0.05, h - 0.2])
            b.part = 2
            b.box([-hw, hd - 0.06, 0], [hw, hd, headH])
            b.part = 1; b.use(Palette.fabric(&rng))
            b.box([-hw + 0.02, -hd + 0.02, h - 0.2], [hw - 0.02, hd - 0.08, h])
            return [SupportSurface(x: (-hw + 0.15)...(hw - 0.15), y: (hd - 0.55)...(hd - 0.2), z: h, use: .bed),
                    SupportSurface(x: (-hw + 0.05)...(hw - 0.05), y: (-hd + 0.1)...(hd - 0.7), z: h, use: .bedFoot)]
        case "couch", "sofa chair", "armchair":
            let seatZ = h * rng.uniformF(0.48, 0.55), arm: Float = rng.uniformF(0.1, 0.2), back: Float = rng.uniformF(0.15, 0.25)
            b.use(Palette.fabric(&rng))
            b.part = 0
            b.box([-hw + arm, -hd, 0.08], [hw - arm, hd - back, seatZ])
            b.part = 1
            b.box([-hw, hd - back, 0.08], [hw, hd, h])
            b.part = 2
            b.box([-hw, -hd, 0.08], [-hw + arm, hd - back, seatZ + 0.2])
            b.box([hw - arm, -hd, 0.08], [hw, hd - back, seatZ + 0.2])
            b.part = 3; b.use(Palette.wood(&rng))
            legs(&b, hw: hw - 0.05, hd: hd - 0.05, top: 0.08, leg: 0.04)
            return kind.name == "couch"
                ? [SupportSurface(x: (-hw + arm + 0.1)...(hw - arm - 0.1), y: (hd - back - 0.15)...(hd - back - 0.08), z: seatZ, use: .couch)]
                : []
        case "bookshelf", "shelf":
            let levels = kind.name == "shelf" ? rng.int(2...3) : rng.int(4...5)
            let t: Float = 0.02
            b.part = 0; b.use(Palette.wood(&rng))
            b.box([-hw, -hd, 0], [-hw + t, hd, h])
            b.box([hw - t, -hd, 0], [hw, hd, h])
            b.box([-hw + t, hd - t, 0], [hw - t, hd, h])
            b.box([-hw + t, -hd, h - t], [hw - t, hd - t, h])
            b.part = 1
            var surfaces: [SupportSurface] = []
            for i in 0..<levels {
                let z = (h - t) * Float(i) / Float(levels)
                b.box([-hw + t, -hd, z], [hw - t, hd - t, z + t])
                surfaces.append(SupportSurface(x: (-hw + 0.04)...(hw - 0.04), y: (-hd + 0.03)...(hd - 0.04), z: z + t, use: .shelf))
            }
            return surfaces
        case "cabinet", "kitchen cabinet", "file cabinet", "dresser", "nightstand", "wardrobe", "refrigerator", "tv stand":
            let drawers = ["file cabinet", "dresser", "nightstand"].contains(kind.name)
            b.part = 0
            b.use(kind.name == "refrigerator" ? Palette.painted(&rng) : (rng.chance(0.6) ? Palette.wood(&rng) : Palette.painted(&rng)))
            b.box([-hw, -hd + 0.02, 0], [hw, hd, h])
            b.part = 1
            b.use(rng.chance(0.5) ? Palette.painted(&rng) : Palette.wood(&rng))
            let rows = drawers ? rng.int(2...4) : 1
            let cols = drawers ? 1 : (w > 0.9 ? 2 : 1)
            for r in 0..<rows {
                for c in 0..<cols {
                    let x0 = -hw + 0.02 + (w - 0.04) * Float(c) / Float(cols) + 0.005
                    let x1 = -hw + 0.02 + (w - 0.04) * Float(c + 1) / Float(cols) - 0.005
                    let z0 = 0.06 + (h - 0.1) * Float(r) / Float(rows) + 0.005
                    let z1 = 0.06 + (h - 0.1) * Float(r + 1) / Float(rows) - 0.005
                    b.box([x0, -hd, z0], [x1, -hd + 0.02, z1])
                }
            }
            b.part = 2; b.use(Palette.metal(&rng))
            b.box([-0.06, -hd - 0.025, h * 0.5], [0.06, -hd, h * 0.5 + 0.025])
            if kind.name == "wardrobe" || kind.name == "refrigerator" { return [] }
            let use: SupportUse = kind.name == "nightstand" ? .nightstand : (kind.name == "kitchen cabinet" ? .counter : .table)
            return [SupportSurface(x: (-hw + 0.05)...(hw - 0.05), y: (-hd + 0.05)...(hd - 0.05), z: h, use: use)]
        case "stool":
            b.part = 1; b.use(Palette.metal(&rng))
            legs(&b, hw: hw * 0.7, hd: hd * 0.7, top: h - 0.04, leg: 0.03)
            b.part = 0; b.use(Palette.wood(&rng))
            b.cylinder(base: [0, 0, h - 0.04], radius: hw, height: 0.04, segments: 10)
        case "ottoman":
            b.part = 0; b.use(Palette.fabric(&rng))
            b.box([-hw, -hd, 0], [hw, hd, h])
        case "trash can", "basket":
            b.part = 0; b.use(Palette.plastic(&rng))
            b.cylinder(base: [0, 0, 0], radius: hw * 0.85, height: h * 0.92, topRadius: hw, segments: 12)
            b.part = 1; b.use(Palette.plastic(&rng))
            b.cylinder(base: [0, 0, h * 0.92], radius: hw, height: h * 0.08, segments: 12)
        case "trash bin", "recycling bin", "storage container", "crate", "computer tower", "backpack":
            b.part = 0; b.use(kind.name == "crate" ? Palette.wood(&rng) : Palette.plastic(&rng))
            b.box([-hw, -hd, 0], [hw, hd, h * 0.9])
            b.part = 1; b.use(Palette.plastic(&rng))
            if kind.name == "backpack" {
                b.box([-hw * 0.7, -hd - 0.05, h * 0.15], [hw * 0.7, -hd, h * 0.55])
            } else {
                b.box([-hw, -hd, h * 0.9], [hw, hd, h])
            }
        case "potted plant":
            b.part = 0; b.use(Palette.plastic(&rng))
            let potH = h * rng.uniformF(0.25, 0.35)
            b.cylinder(base: [0, 0, 0], radius: hw * 0.55, height: potH, topRadius: hw * 0.7, segments: 10)
            b.part = 1
            b.use(Material(.speckle, Palette.jitter([0.2, 0.45, 0.15], &rng, 0.08), [0.1, 0.3, 0.08], scale: 0.08,
                           seed: UInt32(truncatingIfNeeded: rng.next())))
            b.cylinder(base: [0, 0, potH], radius: hw, height: h - potH, topRadius: hw * 0.2, segments: 7)
        case "floor lamp":
            b.part = 0; b.use(Palette.metal(&rng))
            b.cylinder(base: [0, 0, 0], radius: hw * 0.7, height: 0.03, segments: 10)
            b.part = 1
            b.cylinder(base: [0, 0, 0.03], radius: 0.015, height: h - 0.3, segments: 6)
            b.part = 2; b.use(Material(.fabric, [0.95, 0.9, 0.75], [0.85, 0.8, 0.65], scale: 0.2, seed: UInt32(truncatingIfNeeded: rng.next())))
            b.cylinder(base: [0, 0, h - 0.3], radius: hw, height: 0.3, topRadius: hw * 0.6, segments: 12)
        case "radiator":
            b.part = 0; b.use(Palette.painted(&rng))
            let fins = max(4, Int(w / 0.06))
            for i in 0..<fins {
                let x0 = -hw + w * Float(i) / Float(fins)
                b.box([x0, -hd, 0.1], [x0 + w / Float(fins) * 0.6, hd, h])
            }
        default:
            b.part = 0; b.use(Palette.plastic(&rng))
            b.box([-hw, -hd, 0], [hw, hd, h])
        }
        return []
    }

    /// Four legs inset from the corners, from the floor to `top`.
    static func legs(_ b: inout MeshBuilder, hw: Float, hd: Float, top: Float, leg: Float) {
        for sx: Float in [-1, 1] {
            for sy: Float in [-1, 1] {
                let cx = sx * (hw - leg / 2), cy = sy * (hd - leg / 2)
                b.box([cx - leg / 2, cy - leg / 2, 0], [cx + leg / 2, cy + leg / 2, top], bottom: false)
            }
        }
    }
}
