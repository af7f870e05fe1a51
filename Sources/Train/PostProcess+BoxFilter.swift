/// The out-of-box filter of method §4.5 step 6 (`filter_outofbox_points_eval`): a predicted mask is cut to its
/// query's predicted box enlarged by (1 + `enlargement`) about its centre, so a mask cannot reach far past the object
/// the box outlines (stray superpoints on a wall behind a chair, say). `BoxFilter` says whether the cut goes point by
/// point (published) or superpoint by superpoint.
extension PostProcess {
    /// The indices in `points` (ascending point ids) whose position in `coords [N, 3]` (metres) lies inside the box
    /// `center [3]` (metres), `size [3]` (full edge lengths, metres) scaled by `1 + enlargement`. Borders count as inside.
    public static func insideBox(points: [Int32], coords: [Float], center: [Float], size: [Float], enlargement: Double) -> [Int32] {
        let inside = boxTest(coords: coords, center: center, size: size, enlargement: enlargement)
        return points.filter(inside)
    }

    /// The mask `superpoints` cut to the box as `filter` says, as ascending point ids (`pointsOf[s]`: superpoint s's
    /// point ids, ascending). Empty when nothing is left.
    public static func boxFiltered(superpoints: [Int32], pointsOf: [[Int32]], coords: [Float], center: [Float], size: [Float],
                                   enlargement: Double, filter: BoxFilter) -> [Int32] {
        let inside = boxTest(coords: coords, center: center, size: size, enlargement: enlargement)
        let kept: [Int32]
        switch filter {
        case .off, .points: kept = superpoints
        case .superpoints: kept = superpoints.filter { pointsOf[Int($0)].contains(where: inside) }
        }
        let points = kept.flatMap { pointsOf[Int($0)] }.sorted()
        return filter == .points ? points.filter(inside) : points
    }

    /// Whether a point id's position lies inside the enlarged box (borders count as inside).
    static func boxTest(coords: [Float], center: [Float], size: [Float], enlargement: Double) -> (Int32) -> Bool {
        let half = (0..<3).map { Double(size[$0]) * (1 + enlargement) / 2 }
        return { p in
            let i = Int(p) * 3
            return (0..<3).allSatisfy { abs(Double(coords[i + $0]) - Double(center[$0])) <= half[$0] }
        }
    }
}
