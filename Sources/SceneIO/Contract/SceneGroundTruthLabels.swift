import Foundation

/// Per-point ground truth (written by `recon` when the video has it; read by `train` and `eval`):
/// `instance.npy` i32/i64 [N] (0 = none) and `semantic.npy` i32/i64 [N] (ScanNet200 raw id, 0 = unannotated).
public struct SceneGroundTruthLabels: Sendable, Equatable {
    public var instance: [Int32]
    public var semantic: [Int32]

    public init(instance: [Int32], semantic: [Int32]) {
        self.instance = instance
        self.semantic = semantic
    }

    /// Reads both arrays and checks their length against `pointCount`.
    public static func read(from folder: SceneFolder, pointCount n: Int) throws(SceneContractError) -> SceneGroundTruthLabels {
        func ids(_ file: SceneFile) throws(SceneContractError) -> [Int32] {
            let array = try folder.contractArray(file, of: .groundTruth)
            try ContractCheck.shape(array, [n], dtypes: [.int32, .int64], file: folder.url(of: file))
            return try ContractCheck.narrowedInt32s(array, file: folder.url(of: file))
        }
        return SceneGroundTruthLabels(instance: try ids(.instance), semantic: try ids(.semantic))
    }

    /// Writes both arrays as i32 [N].
    public func write(to folder: inout SceneFolder) throws(SceneContractError) {
        try ContractCheck.length(semantic.count, instance.count, file: folder.url(of: .semantic), against: "entries of instance")
        try folder.contractWrite(instance, shape: [instance.count], as: .instance)
        try folder.contractWrite(semantic, shape: [semantic.count], as: .semantic)
    }
}
