extension FaultStatistics {
    /// Every class name features can encode: the 2D model's vocabulary plus the room structure.
    static let featureVocabulary = Simulated2DModel.labelVocabulary + ["ceiling", "floor", "wall"]

    /// Nearest-class accuracy of the frame's image-level and object-level features.
    mutating func measureFeatures(_ frame: SynthFrame, instances: [SynthInstance], options: Simulated2DOptions,
                                  width: Int, height: Int) {
        let model = frame.model2D
        let c = options.featureChannels, stride = max(1, options.featureStride)
        guard model.features.count == model.featureHeight * model.featureWidth * c else { return }
        let embedding = ClassEmbedding(channels: c)
        let table = FaultStatistics.featureVocabulary.map { embedding.vector($0) }
        func nearest(_ v: ArraySlice<Float>) -> String {
            var best = 0, bestScore = -Float.greatestFiniteMagnitude
            for (k, e) in table.enumerated() {
                var score: Float = 0
                for (i, x) in v.enumerated() { score += e[i] * x }
                if score > bestScore { bestScore = score; best = k }
            }
            return FaultStatistics.featureVocabulary[best]
        }
        var counts = [Int](repeating: 0, count: instances.count + 1)
        for cy in 0..<model.featureHeight {
            for cx in 0..<model.featureWidth {
                let x0 = cx * stride, y0 = cy * stride, x1 = min(width, x0 + stride), y1 = min(height, y0 + stride)
                var touched: [Int] = []
                for y in y0..<y1 {
                    for x in x0..<x1 {
                        let id = Int(frame.instance[y * width + x])
                        if counts[id] == 0 { touched.append(id) }
                        counts[id] += 1
                    }
                }
                let pixels = (x1 - x0) * (y1 - y0)
                if let id = touched.max(by: { counts[$0] < counts[$1] }), id > 0, 8 * counts[id] >= 7 * pixels {
                    featureCells += 1
                    let start = (cy * model.featureWidth + cx) * c
                    if nearest(model.features[start..<(start + c)]) == instances[id - 1].category.name { featureCellsCorrect += 1 }
                }
                for id in touched { counts[id] = 0 }
            }
        }
        for d in model.detections where d.kind != .falsePositive {
            guard let source = d.sources.first, Int(source) <= instances.count else { continue }
            objectFeatures += 1
            if nearest(d.feature[...]) == instances[Int(source) - 1].category.name { objectFeaturesCorrect += 1 }
        }
    }
}
