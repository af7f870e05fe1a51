import Foundation

extension Simulated2DModel {
    /// Final mask ids, labels, scores and features from the segment label image.
    func finish(label: [Int32], segments: [(sources: [UInt16], kind: DetectionKind)], stats: FrameGroundTruth,
                instances: [SynthInstance], width: Int, height: Int, minPixels: Int, faults: [ObjectFaults?]?,
                rng: inout SynthRNG) -> Frame2D {
        var count = [Int](repeating: 0, count: segments.count)
        for s in label where s >= 0 { count[Int(s)] += 1 }
        var finalID = [UInt16](repeating: 0, count: segments.count)
        var detections: [Detection2D] = []
        let imageArea = Double(width * height)
        let heldOut = Set(options.heldOutCategories ?? [])
        for (s, segment) in segments.enumerated() where count[s] >= minPixels {
            var truth: String
            let largest = segment.sources.max(by: { stats.area[Int($0)] < stats.area[Int($1)] })
            if let first = largest,
               let name = instances.first(where: { $0.id == first })?.category.name {
                truth = name
            } else {
                truth = rng.pick(LabelConfusion.falsePositiveLabels)
                while heldOut.contains(truth) { truth = rng.pick(LabelConfusion.falsePositiveLabels) }
            }
            var name = truth
            if heldOut.contains(truth) {
                // A class outside the 2D model's vocabulary: missed, or named as a known class.
                if rng.chance(0.5) { continue }
                name = Self.knownName(for: truth, heldOut: heldOut, rng: &rng)
            }
            finalID[s] = UInt16(detections.count + 1)
            var score: Double
            let size = min(1, (Double(count[s]) / (0.02 * imageArea)).squareRoot())
            switch segment.kind {
            case .object: score = 0.55 + 0.35 * size
            case .merged: score = 0.4 + 0.3 * size
            case .part: score = 0.35 + 0.3 * size
            case .falsePositive: score = 0.15 + 0.3 * rng.unit()
            }
            if segment.kind != .falsePositive, let id = largest, let f = ObjectFaults.lookup(faults, Int(id)) {
                // The object's fixed confusion, named in every frame (unless the 2D model does not know that name).
                if f.labelDraw < options.labelNoiseRate && !heldOut.contains(f.confusedName) && !heldOut.contains(truth) {
                    name = f.confusedName
                }
                if name != truth { score -= 0.12 }
            } else if segment.kind != .falsePositive && rng.chance(options.labelNoiseRate) {
                let confused = LabelConfusion.confuse(truth, &rng)
                if !heldOut.contains(confused) { name = confused }
                if name != truth { score -= 0.12 }
            }
            score += 0.05 * rng.gaussian()
            score = (min(0.99, max(0.05, score)) * 1000).rounded() / 1000
            let feature = objectFeature(label: name, truth: truth, rng: &rng)
            // Drawn after everything else so that the stream of the default (nil) is untouched.
            var spoken = name
            if let rate = options.freeFormRate, rate > 0, rng.chance(rate) { spoken = FreeFormNames.phrase(for: name, rng: &rng) }
            detections.append(Detection2D(id: detections.count + 1, label: spoken, score: score, sources: segment.sources,
                                          kind: segment.kind, feature: feature))
        }
        let mask = label.map { $0 >= 0 ? finalID[Int($0)] : 0 }
        let (features, fh, fw) = imageFeatures(stats: stats, instances: instances, width: width, height: height, rng: &rng)
        return Frame2D(mask: mask, detections: detections, features: features, featureHeight: fh, featureWidth: fw)
    }

    /// A confusable of `truth` outside `heldOut`, else a false-positive label outside it.
    static func knownName(for truth: String, heldOut: Set<String>, rng: inout SynthRNG) -> String {
        let near = (LabelConfusion.confusables[truth] ?? []).filter { !heldOut.contains($0) }
        let far = LabelConfusion.falsePositiveLabels.filter { !heldOut.contains($0) }
        return rng.pick(near.isEmpty ? (far.isEmpty ? ["object"] : far) : near)
    }

    /// Object-level feature: the emitted label's embedding, pulled towards the true class, plus noise.
    func objectFeature(label: String, truth: String, rng: inout SynthRNG) -> [Float] {
        let a = embedding.vector(label), b = embedding.vector(truth)
        let noise = options.featureNoise
        var v = (0..<embedding.channels).map { a[$0] * 0.7 + b[$0] * 0.5 + noise * Float(rng.gaussian()) }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        v = v.map { $0 / max(norm, 1e-6) }
        return v
    }

    /// Image-level features `[h, w, C]`: per cell the mean embedding of the true classes under it
    /// (so features blur across boundaries), a 3×3 box blur, a per-frame offset and per-value noise.
    func imageFeatures(stats: FrameGroundTruth, instances: [SynthInstance], width: Int, height: Int,
                       rng: inout SynthRNG) -> ([Float], Int, Int) {
        let stride = max(1, options.featureStride), c = embedding.channels
        let fh = (height + stride - 1) / stride, fw = (width + stride - 1) / stride
        let table: [[Float]] = [[Float](repeating: 0, count: c)] + instances.map { embedding.vector($0.category.name) }
        var sum = [Float](repeating: 0, count: fh * fw * c)
        var hits = [Float](repeating: 0, count: fh * fw)
        for y in 0..<height {
            for x in 0..<width {
                let id = Int(stats.instance[y * width + x])
                let cell = (y / stride) * fw + x / stride
                hits[cell] += 1
                guard id > 0 else { continue }
                let e = table[id]
                for k in 0..<c { sum[cell * c + k] += e[k] }
            }
        }
        for cell in 0..<(fh * fw) where hits[cell] > 0 {
            for k in 0..<c { sum[cell * c + k] /= hits[cell] }
        }
        let offset = (0..<c).map { _ in Float(rng.gaussian()) * 0.1 }
        var out = [Float](repeating: 0, count: fh * fw * c)
        let noise = options.featureNoise
        for y in 0..<fh {
            for x in 0..<fw {
                var n: Float = 0
                var acc = [Float](repeating: 0, count: c)
                for yy in max(0, y - 1)...min(fh - 1, y + 1) {
                    for xx in max(0, x - 1)...min(fw - 1, x + 1) {
                        let w: Float = (yy == y && xx == x) ? 2 : 1
                        n += w
                        for k in 0..<c { acc[k] += w * sum[(yy * fw + xx) * c + k] }
                    }
                }
                for k in 0..<c {
                    out[(y * fw + x) * c + k] = acc[k] / n + offset[k] + noise * Float(rng.gaussian())
                }
            }
        }
        return (out, fh, fw)
    }
}
