/// The open-vocabulary split a category belongs to (`scannet200_base51_novel147.json`).
public enum CategorySplit: String, Codable, Sendable {
    case base, novel
    /// Wall and floor: in ScanNet200 but outside the 198 evaluated classes.
    case none
}

/// One ScanNet200 category the synthesiser can place in a room.
public struct SynthCategory: Hashable, Codable, Sendable {
    /// Exact ScanNet200 name (`scannet200_classes.json`).
    public let name: String
    /// Raw ScanNet200 label id.
    public let scanNetID: UInt16
    public let split: CategorySplit
    /// Flat on a wall or floor: geometry alone cannot separate it from the surface behind it.
    public let isFlat: Bool
    /// Wall, floor, ceiling: room structure that the simulated 2D model does not detect.
    public let isStructural: Bool

    init(_ name: String, _ id: UInt16, _ split: CategorySplit, flat: Bool = false, structural: Bool = false) {
        self.name = name
        self.scanNetID = id
        self.split = split
        self.isFlat = flat
        self.isStructural = structural
    }
}

/// The categories used by the synthesiser, with ScanNet200 ids and base/novel membership copied from
/// `data/scannet200_classes.json` and `data/scannet200_base51_novel147.json` (checked by a test).
public enum SynthCategories {
    public static let all: [SynthCategory] = [
        // structure
        .init("wall", 1, .none, structural: true), .init("floor", 3, .none, structural: true),
        .init("ceiling", 41, .base, structural: true),
        // base furniture
        .init("chair", 2, .base), .init("table", 4, .base), .init("door", 5, .base, flat: true),
        .init("couch", 6, .base), .init("cabinet", 7, .base), .init("shelf", 8, .base), .init("desk", 9, .base),
        .init("office chair", 10, .base), .init("bed", 11, .base), .init("picture", 15, .base, flat: true),
        .init("window", 16, .base, flat: true), .init("bookshelf", 18, .base), .init("armchair", 23, .base),
        .init("coffee table", 24, .base), .init("dresser", 36, .base), .init("end table", 44, .base),
        .init("dining table", 45, .base), .init("ottoman", 67, .base), .init("bench", 68, .base),
        .init("sofa chair", 74, .base), .init("file cabinet", 75, .base), .init("wardrobe", 99, .base),
        .init("kitchen cabinet", 29, .base), .init("refrigerator", 27, .base), .init("curtain", 21, .base),
        .init("closet door", 276, .base, flat: true), .init("blinds", 86, .base),
        .init("storage container", 221, .base), .init("container", 98, .base), .init("seat", 116, .base),
        .init("folded chair", 1184, .base), .init("mattress", 1191, .base), .init("counter", 35, .base),
        .init("kitchen counter", 159, .base),
        // novel objects
        .init("pillow", 13, .novel), .init("monitor", 19, .novel), .init("book", 22, .novel), .init("box", 26, .novel),
        .init("lamp", 28, .novel), .init("tv", 33, .novel), .init("nightstand", 34, .novel), .init("stool", 38, .novel),
        .init("cushion", 39, .novel), .init("plant", 40, .novel), .init("keyboard", 46, .novel),
        .init("backpack", 48, .novel), .init("printer", 50, .novel), .init("tv stand", 51, .novel),
        .init("trash can", 56, .novel), .init("computer tower", 64, .novel), .init("bottle", 65, .novel),
        .init("laptop", 77, .novel), .init("clock", 103, .novel, flat: true), .init("mouse", 202, .novel),
        .init("cup", 130, .novel), .init("bowl", 562, .novel), .init("radiator", 96, .novel),
        .init("trash bin", 1169, .novel), .init("basket", 73, .novel), .init("potted plant", 1189, .novel),
        .init("blanket", 54, .novel), .init("recycling bin", 97, .novel), .init("bin", 66, .novel),
        .init("crate", 233, .novel), .init("storage bin", 132, .novel), .init("speaker", 118, .novel),
        .init("tissue box", 230, .novel), .init("water bottle", 392, .novel), .init("alarm clock", 572, .novel),
        .init("telephone", 101, .novel), .init("light", 105, .novel), .init("ceiling light", 1168, .novel),
        .init("headphones", 312, .novel), .init("tray", 185, .novel), .init("keyboard piano", 1180, .novel),
        .init("paper", 79, .novel), .init("cd case", 1174, .novel), .init("power strip", 1186, .novel),
        // novel flat objects
        .init("whiteboard", 52, .novel, flat: true), .init("mat", 140, .novel, flat: true),
        .init("bulletin board", 154, .novel, flat: true), .init("light switch", 232, .novel, flat: true),
        .init("power outlet", 242, .novel, flat: true), .init("calendar", 1187, .novel, flat: true),
        .init("poster", 1188, .novel, flat: true), .init("mirror", 71, .novel, flat: true),
        .init("blackboard", 89, .novel, flat: true), .init("vent", 408, .novel, flat: true),
        .init("sign", 261, .novel, flat: true), .init("board", 69, .novel, flat: true),
        .init("projector screen", 609, .novel, flat: true), .init("fire alarm", 1185, .novel, flat: true),
        .init("decoration", 250, .novel, flat: true), .init("doorframe", 161, .novel),
        .init("windowsill", 141, .novel),
    ]

    /// Category by exact name.
    public static func named(_ name: String) throws(SceneSynthError) -> SynthCategory {
        guard let index = indexByName[name] else { throw .unknownCategory(name: name) }
        return all[index]
    }

    /// Category by name for the built-in library, where every name is known to be in the table.
    static func builtin(_ name: String) -> SynthCategory {
        guard let index = indexByName[name] else { preconditionFailure("built-in category '\(name)' missing") }
        return all[index]
    }

    private static let indexByName: [String: Int] = {
        var map: [String: Int] = [:]
        for (i, c) in all.enumerated() { map[c.name] = i }
        return map
    }()
}
