/// How a real open-vocabulary 2D model names things: synonyms, attributes, plural and case variants of a class
/// ("couch" → "sofa", "Wooden chair", "swivel chair", "TRASH CANS"). Used by `Simulated2DModel` when
/// `Simulated2DOptions.freeFormRate` is set; the canonical ScanNet200 name stays the ground truth.
public enum FreeFormNames {
    /// Synonyms and typical descriptions per category; categories not listed use only the generic variants.
    public static let phrasings: [String: [String]] = [
        "chair": ["wooden chair", "dining chair", "plastic chair", "seat"],
        "office chair": ["swivel chair", "desk chair", "rolling chair", "computer chair"],
        "armchair": ["easy chair", "lounge chair", "upholstered armchair"],
        "sofa chair": ["club chair", "fabric armchair"],
        "couch": ["sofa", "settee", "grey sofa", "three-seat couch"],
        "table": ["wooden table", "small table", "side table"],
        "coffee table": ["low table", "living room table"],
        "dining table": ["kitchen table", "dinner table"],
        "desk": ["writing desk", "work desk", "computer desk", "office desk"],
        "bed": ["double bed", "single bed", "bed frame"],
        "cabinet": ["cupboard", "storage cabinet", "wooden cabinet"],
        "kitchen cabinet": ["kitchen cupboard", "wall cupboard"],
        "bookshelf": ["bookcase", "book shelf", "shelving unit"],
        "shelf": ["wall shelf", "shelving"],
        "trash can": ["bin", "garbage can", "waste basket", "rubbish bin"],
        "trash bin": ["waste bin", "dustbin"],
        "refrigerator": ["fridge", "white fridge"],
        "potted plant": ["houseplant", "plant in a pot", "green plant"],
        "floor lamp": ["standing lamp", "lamp"],
        "nightstand": ["bedside table", "night table"],
        "dresser": ["chest of drawers", "drawers"],
        "wardrobe": ["closet", "armoire"],
        "picture": ["framed picture", "painting", "photo frame"],
        "window": ["glass window", "windowpane"],
        "door": ["wooden door", "white door", "doorway"],
        "monitor": ["computer screen", "display", "computer monitor"],
        "cup": ["mug", "coffee mug", "tea cup"],
        "bottle": ["water bottle", "plastic bottle"],
        "book": ["paperback", "hardcover book"],
        "pillow": ["cushion", "throw pillow"],
        "box": ["cardboard box", "carton"],
        "backpack": ["rucksack", "school bag"],
        "whiteboard": ["white board", "dry-erase board"],
        "tv stand": ["television stand", "media console"],
        "stool": ["bar stool", "step stool"],
    ]

    static let attributes = ["wooden", "white", "black", "small", "large", "old", "grey", "metal"]

    /// A free-form name for `name`: a listed phrasing, or the name with an attribute, in the plural, or in another
    /// case, chosen with `rng`.
    static func phrase(for name: String, rng: inout SynthRNG) -> String {
        let listed = phrasings[name] ?? []
        let base = listed.isEmpty || rng.chance(0.3) ? name : rng.pick(listed)
        switch Int(rng.unit() * 5) {
        case 0: return rng.pick(attributes) + " " + base
        case 1: return plural(base)
        case 2: return base.prefix(1).uppercased() + base.dropFirst()
        case 3: return rng.chance(0.5) ? base.uppercased() : "the " + base
        default: return base
        }
    }

    /// English plural of the last word (enough for furniture names).
    static func plural(_ phrase: String) -> String {
        if phrase.hasSuffix("s") || phrase.hasSuffix("x") || phrase.hasSuffix("ch") || phrase.hasSuffix("sh") { return phrase + "es" }
        if phrase.hasSuffix("y"), let before = phrase.dropLast().last, !"aeiou".contains(before) { return phrase.dropLast() + "ies" }
        return phrase + "s"
    }
}
