import Tensor

/// SegDINO3D-VL at CPU scale: a `PointEncoder`, superpoint queries, `decoderLayers` decoder layers and a head
/// before the first layer and after each (so `decoderLayers + 1` predictions, last = final output).
public final class SegDINO3DModel: Module {
    public let config: ModelConfig
    public let encoder: any PointEncoder
    let inputProjection: Linear, inputNorm: LayerNorm
    let maskFeatures: MLP
    let queryProjection: MLP
    let referencePointHead: MLP
    let objectProjection: Linear?
    let layers: [DecoderLayer]
    let head: PredictionHead
    /// `Linear(width → semanticClasses + 1)` on the last layer's normalised queries, or nil.
    let semanticHead: Linear?
    let encoding: SinePositionalEncoding3D
    /// DITR distillation: `Linear(pointFeatureWidth → feature2DWidth)` predicting each point's lifted 2D feature
    /// from the encoder's point features, or nil (models trained for segmentation).
    public let distillHead: Linear?
    /// `Linear(textWidth → width)` of each 2D object's label embedding, added to its token (`ModelConfig.objectLabels`),
    /// or nil.
    let objectLabelProjection: Linear?
    /// `MLP(width → width → 1)` predicting the logit of each final query's mask IoU (`ModelConfig.qualityHead`), or nil.
    let qualityHead: MLP?

    /// A freshly initialised model; every weight drawn from `rng`. `distillation` adds `distillHead` and
    /// `objectLabels` adds `objectLabelProjection` and `qualityHead` adds `qualityHead` (their weights are drawn last,
    /// in that order, so the other weights are those of the same seed without them).
    public init(config: ModelConfig, distillation: Bool = false, using rng: inout some RandomNumberGenerator) throws(SegDINO3DError) {
        try config.validate()
        if distillation, config.feature2DWidth < 1 {
            throw .invalidConfiguration(field: "feature2DWidth", value: String(config.feature2DWidth),
                                        reason: "distillation predicts the lifted 2D features, so it needs a width ≥ 1")
        }
        self.config = config
        let d = config.width
        switch config.encoder {
        case .mlp: encoder = SuperpointEncoder(config: config, using: &rng)
        case .sparseUNet: encoder = SparseUNetEncoder(config: config, using: &rng)
        }
        inputProjection = Linear(d, d, using: &rng); inputNorm = LayerNorm(d)
        maskFeatures = MLP(widths: [d, d, d], using: &rng)
        queryProjection = MLP(widths: [d, d, d], using: &rng)
        referencePointHead = MLP(widths: [d, d, d], using: &rng)
        objectProjection = config.feature2DWidth > 0 ? Linear(config.feature2DWidth, d, using: &rng) : nil
        encoding = SinePositionalEncoding3D(channels: d, temperature: 20)
        var ls: [DecoderLayer] = []
        for i in 0..<config.decoderLayers {
            ls.append(DecoderLayer(config: config, isFirst: i == 0, axisChannels: encoding.axisChannels, using: &rng))
        }
        layers = ls
        head = PredictionHead(config: config, using: &rng)
        semanticHead = config.semanticClasses > 0 ? Linear(d, config.semanticClasses + 1, using: &rng) : nil
        distillHead = distillation ? Linear(encoder.pointFeatureWidth, config.feature2DWidth, using: &rng) : nil
        objectLabelProjection = config.objectLabels ? Linear(config.textWidth, d, using: &rng) : nil
        qualityHead = config.qualityHead ? MLP(widths: [d, d, 1], using: &rng) : nil
    }

    /// DITR distillation's prediction of the lifted 2D features, `[N, feature2DWidth]`, from geometry and colour
    /// (`input.features2D` should be empty: the target must not be an input). Throws if the model has no head.
    public func predictFeatures2D(_ input: ModelInput, tape: Tape) throws(SegDINO3DError) -> Var {
        guard let distillHead else {
            throw .invalidConfiguration(field: "distillHead", value: "none", reason: "the model was not built for distillation")
        }
        try input.validate(config)
        return distillHead(try encoder.pointFeatures(input, geometry: SceneGeometry(input), tape: tape))
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("encoder", encoder) + prefixed("input_proj", inputProjection) + prefixed("input_norm", inputNorm)
            + prefixed("mask_feats", maskFeatures) + prefixed("query_proj", queryProjection)
            + prefixed("ref_point_head", referencePointHead) + (objectProjection.map { prefixed("object_proj", $0) } ?? [])
            + layers.enumerated().flatMap { prefixed("decoder.\($0.offset)", $0.element) } + prefixed("head", head)
            + (semanticHead.map { prefixed("semantic_head", $0) } ?? []) + (distillHead.map { prefixed("distill_head", $0) } ?? [])
            + (objectLabelProjection.map { prefixed("object_label_proj", $0) } ?? [])
            + (qualityHead.map { prefixed("quality_head", $0) } ?? [])
    }

    /// Every prediction set, first (pre-decoder) to last (final). Throws if `input` does not fit the config.
    public func forward(_ input: ModelInput, tape: Tape) throws(SegDINO3DError) -> [LayerPrediction] {
        try input.validate(config)
        let geometry = SceneGeometry(input)
        let qn = input.querySeeds.count
        let features = try encoder.encode(input, geometry: geometry, tape: tape)
        let instance = inputProjection(features).relu()
        let masks = maskFeatures(features)
        let context = makeContext(input, geometry: geometry, instance: inputNorm(instance), tape: tape)
        // Queries from the seed superpoints; boxes start at the seed's centre with the configured size.
        var centers = [Float](repeating: 0, count: qn * 3)
        for (i, seed) in input.querySeeds.enumerated() { for a in 0..<3 { centers[i * 3 + a] = geometry.superpointCenters[Int(seed) * 3 + a] } }
        var state = QueryState(content: queryProjection(features.gatherRows(input.querySeeds)),
                               centers: Tensor.from(centers, rows: qn, cols: 3),
                               sizes: Tensor(repeating: config.initialBoxSize, shape: [qn, 3]))
        var predictions = [head(state.content, maskFeatures: masks, text: input.textEmbeddings,
                                centers: tape.constant(state.centers), sizes: tape.constant(state.sizes))]
        for layer in layers {
            let pe = tape.constant(encoding(Tensor.from(geometry.normalized(state.centers.floats()), rows: qn, cols: 3)))
            let out = layer(state, encoding: pe, queryPosition: referencePointHead(pe),
                            previousMask: predictions[predictions.count - 1].maskLogits.value, context: context)
            state = out.state
            predictions.append(head(state.content, maskFeatures: masks, text: input.textEmbeddings,
                                    centers: out.centers, sizes: out.sizes))
        }
        if semanticHead != nil || qualityHead != nil, let last = predictions.indices.last {
            let normalized = head.norm(state.content)
            predictions[last].semanticLogits = semanticHead.map { $0(normalized) }
            predictions[last].qualityLogits = qualityHead.map { $0(normalized) }
        }
        return predictions
    }

    /// Keys for the decoder: instance features, their sine encoding, 2D object tokens and the near table. The near
    /// table compares positions before elastic distortion (method §4.4: `sp_pos_wo_elastic`), since the 0.2 m
    /// radius is a distance in the real room; object centres are taken before distortion too, so both sides of
    /// the distance live in the same space.
    func makeContext(_ input: ModelInput, geometry: SceneGeometry, instance: Var, tape: Tape) -> DecoderContext {
        let s = input.superpointCount, d = config.width
        let spEncoding = tape.constant(encoding(Tensor.from(geometry.normalized(geometry.superpointCenters), rows: s, cols: 3)))
        let dummy = tape.constant(Tensor(repeating: 1, shape: [1, d]))
        var o = input.objectCount
        var tokens = dummy
        if let objectProjection, o > 0 {
            let feats = tape.constant(Tensor.from(input.objectFeatures, rows: o, cols: config.feature2DWidth))
            var projected = objectProjection(feats)
            if let objectLabelProjection, !input.objectLabelEmbeddings.isEmpty {
                let labels = tape.constant(Tensor.from(input.objectLabelEmbeddings, rows: o, cols: config.textWidth))
                projected = projected + objectLabelProjection(labels)
            }
            tokens = Var.concat([projected, dummy], axis: 0)
        } else {
            o = 0
        }
        var near = [Bool](repeating: false, count: s * o)
        let c = input.undistortedCoords.isEmpty ? geometry.superpointCenters : input.undistortedSuperpointCenters()
        let objects = input.undistortedObjectCenters.isEmpty ? input.objectCenters : input.undistortedObjectCenters
        let r = Float(config.objectRadius)
        for si in 0..<s {
            for oi in 0..<o {
                var dist: Float = 0
                for a in 0..<3 { dist += abs(c[si * 3 + a] - objects[oi * 3 + a]) }
                near[si * o + oi] = dist < r
            }
        }
        return DecoderContext(superpointFeatures: instance, superpointEncoding: spEncoding, objectTokens: tokens,
                              near: near, objectCount: o)
    }
}
