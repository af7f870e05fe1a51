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
    /// Scale applied to cosine similarities before the softmax (a fixed temperature 1/τ).
    public var logitScale: Double = 10
    /// L1 radius (metres) within which a query's mask sees a 2D object (published: 0.2).
    public var objectRadius: Double = 0.2
    /// Initial box size, in scene-normalised units (published: 0.5).
    public var initialBoxSize: Double = 0.5

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
        guard initialBoxSize > 0, initialBoxSize < 1 else {
            throw .invalidConfiguration(field: "initialBoxSize", value: String(initialBoxSize), reason: "must lie in (0, 1)")
        }
    }
}
