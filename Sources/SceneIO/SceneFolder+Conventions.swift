import Foundation

/// Names and layouts of the scene arrays the design fixes (design §3). Per-point arrays share the
/// point count N of `coord`.
public enum SceneArray {
    /// Point positions, float32 [N, 3], metres, +z up.
    public static let coord = SceneFile.coord.stem
    /// Point colors, uint8 [N, 3], RGB.
    public static let color = SceneFile.color.stem
    /// Unit normals, float32 [N, 3].
    public static let normal = SceneFile.normal.stem
    /// Superpoint id per point, int32 [N].
    public static let superpoints = SceneFile.superpoints.stem
    /// Ground-truth instance id per point, int32 or int64 [N] (where known).
    public static let instance = SceneFile.instance.stem
    /// Ground-truth semantic label id per point, int32 or int64 [N] (where known).
    public static let semantic = SceneFile.semantic.stem

    struct Convention {
        let dtypes: [NpyDType]
        /// Dimensions after N.
        let trailing: [Int]
    }

    static let conventions: [String: Convention] = [
        coord: Convention(dtypes: [.float32], trailing: [3]),
        color: Convention(dtypes: [.uint8], trailing: [3]),
        normal: Convention(dtypes: [.float32], trailing: [3]),
        superpoints: Convention(dtypes: [.int32], trailing: []),
        instance: Convention(dtypes: [.int32, .int64], trailing: []),
        semantic: Convention(dtypes: [.int32, .int64], trailing: []),
    ]
}

extension SceneFolder {
    /// Checks the standard arrays present in the manifest against their conventions, including a
    /// common point count N (taken from `coord` when present). Other arrays are not constrained.
    public func checkConventions() throws(SceneIOError) {
        let pointCount = manifest.arrays[SceneArray.coord]?.shape.first
        for name in arrayNames {
            guard let convention = SceneArray.conventions[name], let entry = manifest.arrays[name] else { continue }
            let n = pointCount ?? entry.shape.first ?? 0
            let expectedShape = [n] + convention.trailing
            guard convention.dtypes.contains(entry.dtype), entry.shape == expectedShape else {
                let dtypes = convention.dtypes.map(\.rawValue).joined(separator: " or ")
                let shape = "[" + (["N=\(n)"] + convention.trailing.map(String.init)).joined(separator: ", ") + "]"
                throw .sceneConvention(url: arrayURL(name), name: name, expected: "\(dtypes) \(shape)",
                                       actual: "\(entry.dtype.rawValue) \(entry.shape)")
            }
        }
    }
}
