import Support

/// Widths and depths of SegDINO3D-VL. Defaults train in minutes on 2 CPU cores (design.md §4); the published
/// model uses width 256, 8 heads, 6 decoder layers.
public struct ModelConfig: Codable, Sendable, Equatable {
    /// Query / superpoint width `d` (published: 256).
    public var width: Int = 64
    /// Attention heads; `width` must be divisible by it.
    public var heads: Int = 4
    /// Decoder layers (published: 6). The model predicts `decoderLayers + 1` times.
    public var decoderLayers: Int = 3
    /// Self-attention layers over superpoints in the point encoder.
    public var encoderLayers: Int = 2
    /// Hidden width of the per-point MLP.
    public var pointHidden: Int = 64
    /// FFN hidden width (published: 1024).
    public var ffnHidden: Int = 128
    /// Width `C` of the lifted per-point 2D feature and of the 2D object features (0: none).
    public var feature2DWidth: Int = 0
    /// Width of the text embeddings (MiniLM: 384).
    public var textWidth: Int = 384
    /// Scale applied to cosine similarities before the softmax (temperature 1/τ); with `learnLogitScale` the
    /// initial value of a learned scale.
    public var logitScale: Double = 10
    /// Learn the logit scale (as CLIP does, through its logarithm), clamped to `1...maxLogitScale`.
    public var learnLogitScale: Bool = true
    /// Upper clamp of the learned logit scale (CLIP: 100).
    public var maxLogitScale: Double = 100
    /// Classes of the semantic head on the last layer's queries: the first `semanticClasses` ScanNet200 classes in
    /// benchmark order (method §4.4: all 200), plus one ignored "other" output; 0 = no semantic head.
    public var semanticClasses: Int = 200
    /// L1 radius (metres) within which a query's mask sees a 2D object (published: 0.2).
    public var objectRadius: Double = 0.2
    /// Initial box size, in scene-normalised units (published: 0.5).
    public var initialBoxSize: Double = 0.5
    /// 2D object tokens also carry what the 2D model named the object: the text embedding of its label, times its
    /// score, through `Linear(textWidth → width)`, added to the token. A query near the object can read the name, in
    /// the same text space its classifier compares against, so the path holds for names without 3D labels (novel
    /// classes) too. Needs `feature2DWidth` ≥ 1 (objects enter the model only with features).
    public var objectLabels: Bool = false
    /// A mask-quality head on the last layer's normalised queries, `MLP(width → width → 1)`: the logit of the IoU
    /// between the query's binary mask and its target (which queries, targets and supervision sets teach it:
    /// `TrainConfig.qualityTargets`; under VIP a view's set covers the superpoints the view sees). Inference can
    /// rank by class probability × this predicted IoU instead of the mean mask sigmoid (`predict --mask-score
    /// quality`), meant to keep a confident fragment of an object below a whole one; on the benchmark it did not rank
    /// better (RESULTS.md, "A mask-quality head to rank the predictions").
    public var qualityHead: Bool = false

    /// The point encoder: the per-point MLP (`mlp`) or the sparse-convolution UNet (`sparseUNet`).
    public var encoder: EncoderKind = .mlp
    /// Voxel size, levels and widths of the sparse UNet (read when `encoder` is `sparseUNet`).
    public var unet = SparseUNetConfig()

    public init() {}

    /// Throws `invalidConfiguration` naming the first bad field.
    public func validate() throws(SegDINO3DError) {
        for (name, v) in [("width", width), ("heads", heads), ("decoderLayers", decoderLayers), ("pointHidden", pointHidden),
                          ("ffnHidden", ffnHidden), ("textWidth", textWidth)] where v < 1 {
            throw .invalidConfiguration(field: name, value: String(v), reason: "must be ≥ 1")
        }
        guard width % heads == 0 else {
            throw .invalidConfiguration(field: "heads", value: String(heads), reason: "must divide width \(width)")
        }
        guard feature2DWidth >= 0, encoderLayers >= 0 else {
            throw .invalidConfiguration(field: "feature2DWidth/encoderLayers", value: "\(feature2DWidth)/\(encoderLayers)", reason: "must be ≥ 0")
        }
        guard semanticClasses >= 0 else {
            throw .invalidConfiguration(field: "semanticClasses", value: String(semanticClasses), reason: "must be ≥ 0")
        }
        guard logitScale >= 1, logitScale <= maxLogitScale else {
            throw .invalidConfiguration(field: "logitScale", value: String(logitScale), reason: "must lie in [1, maxLogitScale = \(maxLogitScale)]")
        }
        if encoder == .sparseUNet { try unet.validate() }
        if objectLabels, feature2DWidth < 1 {
            throw .invalidConfiguration(field: "objectLabels", value: "true",
                                        reason: "2D objects enter the model only with feature2DWidth ≥ 1")
        }
        guard initialBoxSize > 0, initialBoxSize < 1 else {
            throw .invalidConfiguration(field: "initialBoxSize", value: String(initialBoxSize), reason: "must lie in (0, 1)")
        }
    }
}

/// The point encoders a model can be built with.
public enum EncoderKind: String, Codable, Sendable, CaseIterable, ClosedSetValue {
    /// `SuperpointEncoder`: a per-point MLP (design.md §4).
    case mlp
    /// `SparseUNetEncoder`: a residual sparse-convolution UNet over voxels, as the published SegDINO3D backbone.
    case sparseUNet
}

/// The sparse UNet's shape (the published backbone is MinkowskiEngine's Res16UNet34C at 2 cm; this default trains on
/// 2 CPU cores).
public struct SparseUNetConfig: Codable, Sendable, Equatable {
    /// Voxel edge, metres.
    public var voxelSize: Double = 0.04
    /// Channels of each level, finest first; each further level halves the resolution.
    public var widths: [Int] = [32, 64, 96, 128]
    /// Residual blocks per level on the way down and on the way up.
    public var blocksPerLevel: Int = 1
    /// More occupied voxels than this is an error (`unet.voxelSize` too small for the scene).
    public var maxVoxels: Int = 400_000
    /// A point branch beside the voxels: a per-point MLP over the same input rows (hidden width `pointHidden`) whose
    /// output is added to each point's voxel feature, so detail finer than `voxelSize` (the lifted 2D feature of each
    /// point above all) reaches the superpoint pooling. Off: every point of a voxel has the voxel's feature.
    public var pointBranch: Bool = false

    public init() {}

    /// Throws `invalidConfiguration` naming the first bad field.
    public func validate() throws(SegDINO3DError) {
        guard voxelSize > 0, voxelSize.isFinite else {
            throw .invalidConfiguration(field: "unet.voxelSize", value: String(voxelSize), reason: "must be > 0 metres")
        }
        guard !widths.isEmpty, widths.allSatisfy({ $0 >= 1 }) else {
            throw .invalidConfiguration(field: "unet.widths", value: "\(widths)", reason: "need at least one level, each ≥ 1 channel")
        }
        guard blocksPerLevel >= 1 else {
            throw .invalidConfiguration(field: "unet.blocksPerLevel", value: String(blocksPerLevel), reason: "must be ≥ 1")
        }
        guard maxVoxels >= 1 else {
            throw .invalidConfiguration(field: "unet.maxVoxels", value: String(maxVoxels), reason: "must be ≥ 1")
        }
    }
}
