import SceneIO

extension TrainScene {
    /// The label of a superpoint the semantic loss ignores (unlabelled, mixed, or a class without 3D labels).
    public static let ignoredSemantic = Int32(200)

    /// Superpoint semantic targets `[S]` for the semantic head (method §5): the ScanNet200 class index (0..<200,
    /// benchmark order) held by more than half of the superpoint's points, when that class is in `labelled`
    /// (nil: every class); otherwise `ignoredSemantic`.
    public static func semanticTargets(semantic: [Int32], superpoints: [Int32], count s: Int,
                                           labelled: Set<String>?) -> [Int32] {
        let catalog = ClassCatalog.scanNet200()
        var size = [Int](repeating: 0, count: s)
        var votes = [[Int32: Int]](repeating: [:], count: s)
        for (i, sp) in superpoints.enumerated() {
            size[Int(sp)] += 1
            votes[Int(sp)][semantic[i], default: 0] += 1
        }
        return (0..<s).map { k in
            guard let (id, n) = votes[k].max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }),
                  2 * n > size[k], let index = catalog.index(ofID: Int(id)) else { return ignoredSemantic }
            if let labelled, !labelled.contains(catalog.entries[index].name) { return ignoredSemantic }
            return Int32(index)
        }
    }
}
