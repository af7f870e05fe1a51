/// Near-synonyms and confusable classes an open-vocabulary 2D model mixes up. Every string is an exact
/// ScanNet200 class name (checked by a test against `data/scannet200_classes.json`).
public enum LabelConfusion {
    public static let confusables: [String: [String]] = [
        "chair": ["office chair", "seat", "folded chair", "armchair"], "office chair": ["chair", "seat"],
        "table": ["desk", "dining table", "coffee table", "end table"], "dining table": ["table", "desk"],
        "coffee table": ["table", "end table", "ottoman"], "end table": ["nightstand", "table", "coffee table"],
        "desk": ["table", "counter"], "bed": ["mattress"], "couch": ["sofa chair"], "sofa chair": ["armchair", "couch"],
        "armchair": ["sofa chair", "chair"], "bookshelf": ["shelf"], "shelf": ["bookshelf", "rack"],
        "cabinet": ["kitchen cabinet", "file cabinet", "dresser"], "kitchen cabinet": ["cabinet", "counter"],
        "file cabinet": ["cabinet"], "dresser": ["cabinet", "nightstand"], "nightstand": ["end table", "dresser"],
        "wardrobe": ["closet", "cabinet"], "refrigerator": ["mini fridge"], "tv stand": ["cabinet", "dresser"],
        "stool": ["seat", "chair"], "ottoman": ["stool", "cushion"], "bench": ["seat"],
        "trash can": ["trash bin", "recycling bin", "bin"], "trash bin": ["trash can", "bin"],
        "recycling bin": ["trash can", "trash bin", "bin"], "potted plant": ["plant"], "plant": ["potted plant"],
        "lamp": ["light"], "radiator": ["vent"], "computer tower": ["machine"],
        "storage container": ["container", "box", "storage bin"], "crate": ["box"], "backpack": ["bag"],
        "basket": ["laundry basket", "bin"], "monitor": ["tv", "laptop"], "tv": ["monitor"], "keyboard": ["keyboard piano"],
        "mouse": ["telephone"], "laptop": ["monitor", "keyboard"], "book": ["paper", "cd case"],
        "box": ["storage container", "crate", "container"], "cup": ["bowl", "bottle"], "bowl": ["cup", "plate"],
        "bottle": ["water bottle"], "water bottle": ["bottle"], "pillow": ["cushion"], "cushion": ["pillow"],
        "blanket": ["towel", "clothes"], "alarm clock": ["clock"], "telephone": ["speaker"], "speaker": ["box"],
        "tissue box": ["box"], "tray": ["plate"], "printer": ["copier"], "picture": ["poster", "decoration"],
        "poster": ["picture", "sign", "calendar"], "whiteboard": ["board", "projector screen", "blackboard"],
        "blackboard": ["board", "whiteboard"], "bulletin board": ["board", "calendar"], "calendar": ["poster", "paper"],
        "mirror": ["window", "picture"], "clock": ["alarm clock", "decoration"], "light switch": ["power outlet"],
        "power outlet": ["light switch", "power strip"], "vent": ["radiator"], "sign": ["poster", "picture"],
        "door": ["closet door", "doorframe"], "closet door": ["door"], "window": ["mirror", "blinds"],
        "projector screen": ["whiteboard", "board"], "decoration": ["picture", "sign"], "mat": ["towel", "blanket"],
        "ceiling light": ["light", "lamp"],
    ]

    /// Labels a false detection may carry.
    public static let falsePositiveLabels = ["picture", "poster", "sign", "decoration", "window", "mirror", "box", "paper",
                                             "light", "calendar", "whiteboard", "door", "mat", "vent", "object"]

    /// A confusable label for `name`, or `name` when it has none.
    static func confuse(_ name: String, _ rng: inout SynthRNG) -> String {
        guard let options = confusables[name], !options.isEmpty else { return name }
        return rng.pick(options)
    }
}

/// Fixed per-class embeddings: a random unit vector per class name, pulled towards its confusables so
/// that near-synonyms lie close together (as in a text or vision-language embedding).
struct ClassEmbedding {
    let channels: Int

    func raw(_ name: String) -> [Float] {
        var rng = SynthRNG(seed: stableHash(name), stream: SynthStream.features.rawValue)
        return (0..<channels).map { _ in Float(rng.gaussian()) }
    }

    func vector(_ name: String) -> [Float] {
        var v = raw(name)
        if let others = LabelConfusion.confusables[name], !others.isEmpty {
            for other in others {
                let r = raw(other)
                for c in 0..<channels { v[c] += 0.7 * r[c] / Float(others.count) }
            }
        }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / max(norm, 1e-6) }
    }
}
