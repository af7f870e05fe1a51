/// The out-of-box point filter of method §4.5 step 6 (`filter_outofbox_points_eval`): a predicted mask keeps only the
/// points inside its query's predicted box enlarged by (1 + `enlargement`) about its centre, so a mask cannot reach
/// far past the object the box outlines (stray superpoints on a wall behind a chair, say).
extension PostProcess {
    /// The indices in `points` (ascending point ids) whose position in `coords [N, 3]` (metres) lies inside the box
    /// `center [3]` (metres), `size [3]` (full edge lengths, metres) scaled by `1 + enlargement`. Borders count as inside.
    public static func insideBox(points: [Int32], coords: [Float], center: [Float], size: [Float], enlargement: Double) -> [Int32] {
        let half = (0..<3).map { Double(size[$0]) * (1 + enlargement) / 2 }
        return points.filter { p in
            let i = Int(p) * 3
            return (0..<3).allSatisfy { abs(Double(coords[i + $0]) - Double(center[$0])) <= half[$0] }
        }
    }

    /// The mask `superpoints` cut to the box as `filter` says, as ascending point ids (`pointsOf[s]`: superpoint s's
    /// point ids, ascending). Empty when nothing is left.
    public static func boxFiltered(superpoints: [Int32], pointsOf: [[Int32]], coords: [Float], center: [Float], size: [Float],
                                   enlargement: Double, filter: BoxFilter) -> [Int32] {
        let all = superpoints.flatMap { pointsOf[Int($0)] }.sorted()
        switch filter {
        case .off:
            return all
        case .points:
            return insideBox(points: all, coords: coords, center: center, size: size, enlargement: enlargement)
        case .superpoints:
            let half = (0..<3).map { Double(size[$0]) * (1 + enlargement) / 2 }
            let inside = { (p: Int32) -> Bool in
                let i = Int(p) * 3
                return (0..<3).allSatisfy { abs(Double(coords[i + $0]) - Double(center[$0])) <= half[$0] }
            }
            return superpoints.filter { pointsOf[Int($0)].contains(where: inside) }.flatMap { pointsOf[Int($0)] }.sorted()
        }
    }
}
