/// View-wise Instance Partition (method §2): in view v, supervise only the queries whose seed superpoint is
/// visible in v, and only over the superpoints visible in v, against v's lifted labels.
///
/// With `Vsp[v]` the sorted visible superpoints: `rows = { q : seed[q] ∈ Vsp[v] }`, `columns = Vsp[v]`, and
/// the view prediction is `M̃[rows, columns]`. (The ibsp branch has no `ViewPartition` yet; this is the same rule
/// over the scene folder's `sp_view` CSR.)
public enum ViewPartition {
    /// Query rows (ascending positions in `seeds`) and superpoint columns (= `visible`) of one view.
    public static func partition(seeds: [Int32], visible: [Int32]) -> (rows: [Int32], columns: [Int32]) {
        let set = Set(visible)
        let rows = seeds.indices.filter { set.contains(seeds[$0]) }.map { Int32($0) }
        return (rows, visible)
    }
}
