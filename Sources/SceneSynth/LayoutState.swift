import Foundation

/// The mutable state of one room layout: mesh builder, instances, wall occupancy and floor obstacles.
struct LayoutState {
    let size: SIMD3<Float>
    var builder = MeshBuilder()
    var instances: [SynthInstance] = []
    var walls: [RoomLayout.Wall] = []
    /// Floor footprints (min x, min y, max x, max y) of standing furniture.
    var obstacles: [SIMD4<Float>] = []
    var lights: [SynthLight] = []
    var ceiling = false

    init(size: SIMD3<Float>) {
        self.size = size
        walls = [
            RoomLayout.Wall(start: [0, 0], direction: [1, 0], length: size.x),
            RoomLayout.Wall(start: [size.x, 0], direction: [0, 1], length: size.y),
            RoomLayout.Wall(start: [size.x, size.y], direction: [-1, 0], length: size.x),
            RoomLayout.Wall(start: [0, size.y], direction: [0, -1], length: size.y),
        ]
    }

    /// Starts a new instance and returns its id.
    mutating func begin(_ category: String) -> UInt16 {
        let id = UInt16(instances.count + 1)
        builder.instance = id
        builder.part = 0
        instances.append(SynthInstance(id: id, category: SynthCategories.builtin(category), partCount: 1,
                                       boundsMin: .zero, boundsMax: .zero, supportedBy: nil))
        return id
    }

    mutating func setSupport(_ id: UInt16, _ support: UInt16) {
        let i = Int(id) - 1
        let old = instances[i]
        instances[i] = SynthInstance(id: old.id, category: old.category, partCount: old.partCount,
                                     boundsMin: old.boundsMin, boundsMax: old.boundsMax, supportedBy: support)
    }

    mutating func buildStructure(hasCeiling: Bool, rng: inout SynthRNG) {
        let (w, d, h) = (size.x, size.y, size.z)
        builder.frame = PlacementFrame(origin: .zero, x: [1, 0, 0], y: [0, 1, 0], z: [0, 0, 1])
        _ = begin("floor")
        builder.use(rng.chance(0.5) ? Palette.wood(&rng)
                    : Material(.tiles, Palette.jitter([0.75, 0.72, 0.68], &rng, 0.1), [0.35, 0.33, 0.3],
                               scale: rng.uniformF(0.3, 0.6), seed: UInt32(truncatingIfNeeded: rng.next())))
        builder.quad([0, 0, 0], [w, 0, 0], [w, d, 0], [0, d, 0], outward: [0, 0, 1])
        let wallMaterial = rng.chance(0.5) ? Palette.painted(&rng)
            : Material(.stripes, Palette.jitter([0.85, 0.82, 0.75], &rng, 0.08), Palette.jitter([0.7, 0.72, 0.7], &rng, 0.1),
                       scale: rng.uniformF(0.1, 0.3), seed: UInt32(truncatingIfNeeded: rng.next()))
        for wall in walls {
            _ = begin("wall")
            builder.use(wallMaterial)
            let a = wall.start, b = wall.start + wall.direction * wall.length
            let n = SIMD3<Float>(wall.normal.x, wall.normal.y, 0)
            builder.quad([a.x, a.y, 0], [b.x, b.y, 0], [b.x, b.y, h], [a.x, a.y, h], outward: n)
        }
        if hasCeiling {
            ceiling = true
            _ = begin("ceiling")
            builder.use(Material(.speckle, [0.93, 0.93, 0.9], [0.85, 0.85, 0.82], scale: 0.3, seed: UInt32(truncatingIfNeeded: rng.next())))
            builder.quad([0, 0, h], [w, 0, h], [w, d, h], [0, d, h], outward: [0, 0, -1])
        }
    }

    func overlapsObstacle(_ box: SIMD4<Float>, margin: Float) -> Bool {
        obstacles.contains { $0.x < box.z + margin && box.x - margin < $0.z && $0.y < box.w + margin && box.y - margin < $0.w }
    }

    /// World-space AABB footprint of a (w, d) rectangle in `frame`.
    func footprint(_ frame: PlacementFrame, w: Float, d: Float) -> SIMD4<Float> {
        var lo = SIMD2<Float>(.greatestFiniteMagnitude, .greatestFiniteMagnitude), hi = -lo
        for sx: Float in [-0.5, 0.5] {
            for sy: Float in [-0.5, 0.5] {
                let p = frame.apply([sx * w, sy * d, 0])
                lo = pointwiseMin(lo, [p.x, p.y])
                hi = pointwiseMax(hi, [p.x, p.y])
            }
        }
        return [lo.x, lo.y, hi.x, hi.y]
    }

    /// Places one floor-standing piece; returns false when no place was found.
    mutating func placeFurniture(_ kind: ObjectLibrary.Kind, rng: inout SynthRNG, smallPerSurface: Int) -> Bool {
        let s = ObjectLibrary.sampleSize(kind, &rng)
        for _ in 0..<20 {
            let frame: PlacementFrame
            var wallSlot: (Int, Float)? = nil
            if kind.mounting == .floorAgainstWall {
                let wi = rng.int(0...3)
                let wall = walls[wi]
                guard wall.length > s.x + 0.2 else { continue }
                let u0 = rng.uniformF(0.05, wall.length - s.x - 0.05)
                guard wall.isFree(u0, u0 + s.x, 0, s.z, gap: 0.05) else { continue }
                let centre2 = wall.start + wall.direction * (u0 + s.x / 2) + wall.normal * (s.y / 2 + 0.02)
                frame = .floor(at: [centre2.x, centre2.y, 0], yaw: atan2(wall.normal.x, -wall.normal.y))
                wallSlot = (wi, u0)
            } else {
                let x = rng.uniformF(0.5, size.x - 0.5), y = rng.uniformF(0.5, size.y - 0.5)
                frame = .floor(at: [x, y, 0], yaw: rng.uniformF(0, 2 * Float.pi))
            }
            let box = footprint(frame, w: s.x, d: s.y)
            guard box.x > 0.005, box.y > 0.005, box.z < size.x - 0.005, box.w < size.y - 0.005,
                  !overlapsObstacle(box, margin: kind.mounting == .floorFree ? 0.25 : 0.05) else { continue }
            obstacles.append(box)
            if let (wi, u0) = wallSlot { walls[wi].occupied.append((u0, u0 + s.x, 0, s.z)) }
            let id = begin(kind.category)
            builder.frame = frame
            let surfaces = ObjectLibrary.build(kind, size: s, rng: &rng, into: &builder)
            for surface in surfaces { fill(surface, frame: frame, support: id, rng: &rng, maxCount: smallPerSurface) }
            return true
        }
        return false
    }

    /// Small objects on one support surface: a desk gets monitor, keyboard and mouse in a work layout,
    /// a bed its pillows; then random extras packed left to right in the remaining width.
    mutating func fill(_ surface: SupportSurface, frame: PlacementFrame, support: UInt16, rng: inout SynthRNG, maxCount: Int) {
        var x = surface.x.lowerBound + rng.uniformF(0, 0.1)
        let depth = surface.y.upperBound - surface.y.lowerBound
        if surface.use == .desk {
            let centre = (surface.x.lowerBound + surface.x.upperBound) / 2 + rng.uniformF(-0.1, 0.1)
            var right = centre
            for (name, yFraction, xOffset) in [("monitor", Float(0.8), Float(0)), ("keyboard", 0.25, 0), ("mouse", 0.25, 0.3)] {
                guard let kind = ObjectLibrary.kind(named: name) else { continue }
                let s = ObjectLibrary.sampleSize(kind, &rng)
                let xc = centre + xOffset
                let yc = min(surface.y.upperBound - s.y / 2, max(surface.y.lowerBound + s.y / 2, surface.y.lowerBound + depth * yFraction))
                placeSmall(kind, size: s, at: [xc, yc, surface.z + 0.001], yaw: rng.uniformF(-0.08, 0.08), frame: frame,
                           support: support, rng: &rng)
                right = max(right, xc + s.x / 2)
            }
            // Extras go to the left of the work place.
            let left = centre - 0.35
            packRow(surface, upTo: left, from: &x, frame: frame, support: support, rng: &rng, count: rng.int(0...maxCount))
            _ = right
            return
        }
        if surface.use == .bed {
            let pillows = surface.x.upperBound - surface.x.lowerBound > 1.0 ? 2 : 1
            for k in 0..<pillows {
                guard let kind = ObjectLibrary.kind(named: "pillow") else { continue }
                let s = ObjectLibrary.sampleSize(kind, &rng)
                let span = (surface.x.upperBound - surface.x.lowerBound) / Float(pillows)
                let xc = surface.x.lowerBound + span * (Float(k) + 0.5)
                placeSmall(kind, size: s, at: [xc, (surface.y.lowerBound + surface.y.upperBound) / 2, surface.z + 0.001],
                           yaw: rng.uniformF(-0.1, 0.1), frame: frame, support: support, rng: &rng)
            }
            return
        }
        if surface.use == .bedFoot {
            if rng.chance(0.6), let kind = ObjectLibrary.kind(named: "blanket") {
                var s = ObjectLibrary.sampleSize(kind, &rng)
                s.x = min(s.x, surface.x.upperBound - surface.x.lowerBound)
                s.y = min(s.y, depth)
                placeSmall(kind, size: s, at: [(surface.x.lowerBound + surface.x.upperBound) / 2,
                                              surface.y.lowerBound + s.y / 2, surface.z + 0.001],
                           yaw: 0, frame: frame, support: support, rng: &rng)
            }
            return
        }
        let rowOfBooks = surface.use == .shelf && rng.chance(0.6)
        let count = rowOfBooks ? rng.int(4...10) : rng.int(0...maxCount)
        packRow(surface, upTo: surface.x.upperBound, from: &x, frame: frame, support: support, rng: &rng, count: count,
                onlyBooks: rowOfBooks)
    }

    /// Packs `count` random small objects for the surface along x, from `x` up to `limit`.
    mutating func packRow(_ surface: SupportSurface, upTo limit: Float, from x: inout Float, frame: PlacementFrame,
                          support: UInt16, rng: inout SynthRNG, count: Int, onlyBooks: Bool = false) {
        let candidates = ObjectLibrary.smallKinds(for: surface.use)
        let depth = surface.y.upperBound - surface.y.lowerBound
        for _ in 0..<count {
            guard let kind = ObjectLibrary.kind(named: onlyBooks ? "book" : rng.pick(candidates)) else { continue }
            var s = ObjectLibrary.sampleSize(kind, &rng)
            if s.y > depth { s.y = depth }
            if surface.use == .shelf { s.z = min(s.z, 0.3) }
            guard x + s.x <= limit else { break }
            let yc = surface.y.lowerBound + s.y / 2 + rng.uniformF(0, max(0, depth - s.y))
            let yaw: Float = surface.use == .couch || onlyBooks ? 0 : rng.uniformF(-0.3, 0.3)
            placeSmall(kind, size: s, at: [x + s.x / 2, yc, surface.z + 0.001], yaw: yaw, frame: frame, support: support, rng: &rng)
            x += s.x + (onlyBooks ? rng.uniformF(0, 0.005) : rng.uniformF(0.05, 0.2))
        }
    }

    /// One small object at `local` (surface-object coordinates), turned by `yaw`.
    mutating func placeSmall(_ kind: ObjectLibrary.Kind, size s: SIMD3<Float>, at local: SIMD3<Float>, yaw: Float,
                             frame: PlacementFrame, support: UInt16, rng: inout SynthRNG) {
        let rotated = PlacementFrame.floor(at: .zero, yaw: yaw)
        let id = begin(kind.category)
        setSupport(id, support)
        builder.frame = PlacementFrame(origin: frame.apply(local), x: frame.rotate(rotated.x), y: frame.rotate(rotated.y), z: frame.z)
        _ = ObjectLibrary.build(kind, size: s, rng: &rng, into: &builder)
    }

    /// A flat object on a free stretch of wall; returns the wall index and along-wall centre.
    @discardableResult
    mutating func placeWallFlat(_ kind: ObjectLibrary.Kind, rng: inout SynthRNG) -> (Int, Float)? {
        let w = rng.uniformF(kind.minSize.x, kind.maxSize.x)
        let h = rng.uniformF(kind.minSize.z, kind.maxSize.z)
        var zc = rng.uniformF(kind.minSize.y, kind.maxSize.y)
        if kind.name == "door" || kind.name == "closet door" { zc = h / 2 }
        guard zc + h / 2 < size.z - 0.05 else { return nil }
        for _ in 0..<15 {
            let wi = rng.int(0...3)
            guard walls[wi].length > w + 0.2 else { continue }
            let u0 = rng.uniformF(0.1, walls[wi].length - w - 0.1)
            guard walls[wi].isFree(u0, u0 + w, zc - h / 2, zc + h / 2, gap: 0.08) else { continue }
            walls[wi].occupied.append((u0, u0 + w, zc - h / 2, zc + h / 2))
            placeFlat(kind, wall: wi, uCentre: u0 + w / 2, zCentre: zc, size: [w, 0, h], rng: &rng)
            return (wi, u0 + w / 2)
        }
        return nil
    }

    mutating func placeFlat(_ kind: ObjectLibrary.Kind, wall wi: Int, uCentre: Float, zCentre: Float, size: SIMD3<Float>,
                            rng: inout SynthRNG) {
        let wall = walls[wi]
        let p = wall.start + wall.direction * uCentre
        _ = begin(kind.category)
        builder.frame = PlacementFrame(origin: [p.x, p.y, zCentre], x: [wall.direction.x, wall.direction.y, 0],
                                       y: [wall.normal.x, wall.normal.y, 0], z: [0, 0, 1])
        _ = ObjectLibrary.build(kind, size: size, rng: &rng, into: &builder)
    }

    /// A door on a free stretch of wall and a light switch beside it.
    mutating func placeDoor(_ door: ObjectLibrary.Kind, rng: inout SynthRNG) {
        guard let (wi, u) = placeWallFlat(door, rng: &rng), let switchKind = ObjectLibrary.kind(named: "light switch") else { return }
        let side: Float = rng.chance(0.5) ? 1 : -1
        let us = u + side * (door.maxSize.x / 2 + 0.15)
        let z = rng.uniformF(1.1, 1.3)
        guard walls[wi].isFree(us - 0.05, us + 0.05, z - 0.07, z + 0.07, gap: 0.01) else { return }
        walls[wi].occupied.append((us - 0.05, us + 0.05, z - 0.07, z + 0.07))
        placeFlat(switchKind, wall: wi, uCentre: us, zCentre: z, size: [rng.uniformF(0.07, 0.09), 0, rng.uniformF(0.11, 0.13)], rng: &rng)
    }

    mutating func placeMat(_ kind: ObjectLibrary.Kind, rng: inout SynthRNG) {
        let s = ObjectLibrary.sampleSize(kind, &rng)
        guard size.x > s.x + 0.6, size.y > s.y + 0.6 else { return }
        let x = rng.uniformF(0.3 + s.x / 2, size.x - 0.3 - s.x / 2), y = rng.uniformF(0.3 + s.y / 2, size.y - 0.3 - s.y / 2)
        _ = begin(kind.category)
        builder.frame = .floor(at: [x, y, 0], yaw: rng.chance(0.5) ? 0 : Float.pi / 2)
        _ = ObjectLibrary.build(kind, size: s, rng: &rng, into: &builder)
    }

    mutating func addLights(rng: inout SynthRNG) {
        let count = rng.int(2...4)
        for _ in 0..<count {
            let p = SIMD3<Float>(rng.uniformF(0.5, size.x - 0.5), rng.uniformF(0.5, size.y - 0.5), size.z - 0.15)
            let warm = rng.uniformF(0.85, 1.0)
            lights.append(SynthLight(position: p, intensity: SIMD3<Float>(1, warm, warm * warm) * rng.uniformF(1.0, 1.8)))
            if ceiling {
                _ = begin("ceiling light")
                builder.frame = PlacementFrame(origin: [p.x, p.y, size.z], x: [1, 0, 0], y: [0, 1, 0], z: [0, 0, 1])
                builder.use(Material(.plain, [1, 1, 0.95], scale: 0.2, seed: 1))
                let r = rng.uniformF(0.15, 0.3)
                builder.box([-r, -r, -0.04], [r, r, -0.001])
            }
        }
    }

    /// Finalises bounds, part counts and the walkable grid.
    mutating func finish() -> SynthRoom {
        let mesh = builder.mesh
        var lo = [SIMD3<Float>](repeating: SIMD3(repeating: .greatestFiniteMagnitude), count: instances.count)
        var hi = [SIMD3<Float>](repeating: SIMD3(repeating: -.greatestFiniteMagnitude), count: instances.count)
        var parts = [Int](repeating: 1, count: instances.count)
        for (v, p) in mesh.positions.enumerated() {
            let i = Int(mesh.vertexInstance[v]) - 1
            lo[i] = pointwiseMin(lo[i], p)
            hi[i] = pointwiseMax(hi[i], p)
        }
        for t in 0..<mesh.triangleCount {
            let i = Int(mesh.triangleInstance[t]) - 1
            parts[i] = max(parts[i], Int(mesh.trianglePart[t]) + 1)
        }
        let finished = instances.enumerated().map { i, inst in
            SynthInstance(id: inst.id, category: inst.category, partCount: parts[i], boundsMin: lo[i], boundsMax: hi[i],
                          supportedBy: inst.supportedBy)
        }
        let cell = SynthRoom.gridCell
        let cols = max(1, Int(size.x / cell)), rows = max(1, Int(size.y / cell))
        var walkable = [Bool](repeating: false, count: rows * cols)
        for r in 0..<rows {
            for c in 0..<cols {
                let x = (Float(c) + 0.5) * cell, y = (Float(r) + 0.5) * cell
                let inside = x > 0.45 && y > 0.45 && x < size.x - 0.45 && y < size.y - 0.45
                let point = SIMD4<Float>(x, y, x, y)
                walkable[r * cols + c] = inside && !overlapsObstacle(point, margin: 0.35)
            }
        }
        return SynthRoom(size: size, mesh: mesh, instances: finished, lights: lights, ambient: 0.3,
                         walkable: walkable, gridCols: cols, gridRows: rows)
    }
}
