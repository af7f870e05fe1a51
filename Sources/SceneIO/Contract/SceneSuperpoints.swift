import Foundation

/// The superpoints of a scene (written by `superpoints`): `superpoints.npy` i32 [N], dense ids 0..<S (every id
/// has a point, so S ≤ N and no id can ask for more memory than the scene has points).
public struct SceneSuperpoints: Sendable, Equatable {
    /// `[N]` superpoint id per point.
    public var ids: [Int32]
    /// S.
    public var count: Int

    /// Checks `ids` (range 0..<N, dense) and derives S; `file` names the array in errors.
    public init(ids: [Int32], file: URL) throws(SceneContractError) {
        try ContractCheck.range(ids, 0, Int64(max(ids.count, 1)), file: file)
        var used = [Bool](repeating: false, count: ids.count)
        var top = -1
        for id in ids {
            used[Int(id)] = true
            top = max(top, Int(id))
        }
        if let missing = used[0..<(top + 1)].firstIndex(of: false) {
            throw .notDense(file: file, missingID: missing, count: top + 1)
        }
        self.ids = ids
        self.count = top + 1
    }

    /// Reads and validates `NAME.npy` (default `superpoints`) of `folder` against its `pointCount` points.
    public static func read(from folder: SceneFolder, pointCount n: Int,
                            array name: String = SceneFile.superpoints.stem) throws(SceneContractError) -> SceneSuperpoints {
        let file = folder.arrayURL(name)
        let array = try folder.contractArray(named: name, of: .superpoints)
        try ContractCheck.shape(array, [n], dtypes: [.int32], file: file)
        return try SceneSuperpoints(ids: try ContractCheck.values { () throws(SceneIOError) in try array.int32s() }, file: file)
    }

    /// Points per superpoint, `[S]`.
    public var sizes: [Int] {
        var sizes = [Int](repeating: 0, count: count)
        for id in ids { sizes[Int(id)] += 1 }
        return sizes
    }

    /// Writes `superpoints.npy` and the count, and removes the lifted labels (their masks name superpoint ids).
    public func write(to folder: inout SceneFolder) throws(SceneContractError) {
        try folder.invalidate(dependentsOf: .superpoints)
        try folder.contractWrite(ids, shape: [ids.count], as: .superpoints)
        do { try folder.setCount(SceneFile.superpoints.stem, count) } catch { throw .io(error) }
    }
}
