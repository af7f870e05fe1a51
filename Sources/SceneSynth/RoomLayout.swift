import Foundation

/// Options of the procedural room generator (metres).
public struct RoomOptions: Codable, Sendable, Equatable {
    public var width: ClosedRange<Float> = 4.0...6.5
    public var depth: ClosedRange<Float> = 3.5...5.5
    public var height: ClosedRange<Float> = 2.5...3.0
    /// Number of floor-standing furniture pieces (against walls and free).
    public var furniture: ClosedRange<Int> = 7...11
    /// Number of wall-flat objects besides the door (pictures, posters, outlets, …).
    public var wallFlats: ClosedRange<Int> = 6...10
    /// Number of floor mats.
    public var mats: ClosedRange<Int> = 1...2
    /// Maximum number of small objects per support surface.
    public var smallPerSurface: Int = 3
    /// Probability that the room has a ceiling.
    public var ceilingProbability: Double = 0.7
    public init() {}
}

/// Builds a furnished room from a seed: structure, furniture against walls and free-standing, small
/// objects on support surfaces, flat objects on walls and floor, and lights.
public struct RoomLayout {
    public let options: RoomOptions

    public init(options: RoomOptions) { self.options = options }

    /// Floor-standing kinds in the order the themes prefer them; a scene draws a theme, then extras.
    static let themes: [[String]] = [
        ["desk", "office chair", "bookshelf", "file cabinet", "trash can", "computer tower", "shelf", "cabinet", "potted plant"],
        ["bed", "nightstand", "dresser", "wardrobe", "floor lamp", "backpack", "end table", "ottoman", "basket"],
        ["couch", "coffee table", "tv stand", "armchair", "sofa chair", "bookshelf", "potted plant", "floor lamp", "radiator"],
        ["dining table", "chair", "kitchen cabinet", "refrigerator", "trash bin", "recycling bin", "stool", "shelf", "bench"],
        ["table", "chair", "storage container", "crate", "shelf", "recycling bin", "bench", "radiator", "desk", "office chair"],
    ]
    static let wallFlatKinds = ["picture", "picture", "poster", "whiteboard", "blackboard", "bulletin board", "calendar", "mirror",
                                "clock", "power outlet", "power outlet", "vent", "sign", "window", "closet door",
                                "projector screen", "decoration"]

    struct Wall {
        var start: SIMD2<Float>
        var direction: SIMD2<Float>
        var length: Float
        var normal: SIMD2<Float> { [-direction.y, direction.x] }
        /// Occupied intervals along the wall: (u0, u1, z0, z1).
        var occupied: [(Float, Float, Float, Float)] = []

        func isFree(_ u0: Float, _ u1: Float, _ z0: Float, _ z1: Float, gap: Float) -> Bool {
            guard u0 >= 0.05, u1 <= length - 0.05 else { return false }
            return !occupied.contains { $0.0 < u1 + gap && u0 - gap < $0.1 && $0.2 < z1 && z0 < $0.3 }
        }
    }

    /// Generates the room for `seed`.
    public func generate(seed: UInt64) throws(SceneSynthError) -> SynthRoom {
        var rng = SynthRNG(seed: seed, stream: SynthStream.layout.rawValue)
        let o = options
        let size = SIMD3<Float>(rng.uniformF(o.width.lowerBound, o.width.upperBound),
                                rng.uniformF(o.depth.lowerBound, o.depth.upperBound),
                                rng.uniformF(o.height.lowerBound, o.height.upperBound))
        var state = LayoutState(size: size)
        state.buildStructure(hasCeiling: rng.chance(o.ceilingProbability), rng: &rng)

        // Furniture: a theme first, then extras from any theme.
        let theme = rng.pick(RoomLayout.themes)
        var queue = theme
        var extras = RoomLayout.themes.flatMap { $0 }
        rng.shuffle(&extras)
        queue += extras
        let target = rng.int(o.furniture)
        var placed = 0
        for name in queue where placed < target {
            guard let kind = ObjectLibrary.kind(named: name) else { continue }
            if state.placeFurniture(kind, rng: &rng, smallPerSurface: o.smallPerSurface) { placed += 1 }
        }

        // One door (with a light switch beside it), then other flats.
        if let door = ObjectLibrary.kind(named: "door") { state.placeDoor(door, rng: &rng) }
        let flatTarget = rng.int(o.wallFlats)
        var flatPlaced = 0, attempts = 0
        while flatPlaced < flatTarget && attempts < flatTarget * 6 {
            attempts += 1
            guard let kind = ObjectLibrary.kind(named: rng.pick(RoomLayout.wallFlatKinds)) else { continue }
            if state.placeWallFlat(kind, rng: &rng) != nil { flatPlaced += 1 }
        }
        if let mat = ObjectLibrary.kind(named: "mat") {
            for _ in 0..<rng.int(o.mats) { state.placeMat(mat, rng: &rng) }
        }
        state.addLights(rng: &rng)
        let room = state.finish()
        guard room.walkable.contains(true) else {
            throw .layoutFailed(seed: seed, reason: "no free floor space for the camera")
        }
        return room
    }
}
