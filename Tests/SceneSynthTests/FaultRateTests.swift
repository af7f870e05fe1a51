import Foundation
import Testing
@testable import SceneSynth

/// Ground-truth frames rendered once, then run through the 2D model with one fault at a time.
struct RenderedFrames {
    var frames: [(SynthFrame, [SynthInstance])] = []
    static let shared: RenderedFrames = {
        var out = RenderedFrames()
        var options = tinyOptions(width: 128, height: 96, frames: 5)
        options.room.furniture = 6...8
        options.model2D = .perfect
        for seed in 0..<6 {
            guard let synth = try? SceneSynthesizer(options: options),
                  let scene = try? synth.makeScene(seed: UInt64(100 + seed)) else { continue }
            for i in 0..<options.frames { out.frames.append((synth.renderFrame(scene, index: i), scene.room.instances)) }
        }
        return out
    }()

    func measure(_ options: Simulated2DOptions, features: Bool = false) -> FaultStatistics {
        var total = FaultStatistics()
        let model = Simulated2DModel(options: options)
        for (n, (frame, instances)) in frames.enumerated() {
            var f = frame
            f.model2D = model.run(instance: f.instance, part: f.part, width: 128, height: 96, instances: instances,
                                  silhouetteArea: f.silhouetteArea, seed: UInt64(7 + n), frame: n)
            total.add(FaultStatistics.measure(f, instances: instances, options: options, width: 128, height: 96, features: features))
        }
        return total
    }
}

@Suite struct FaultRateTests {
    @Test func perfectModelReproducesTheGroundTruth() throws {
        let s = RenderedFrames.shared.measure(.perfect)
        #expect(s.eligibleObjects > 100)
        #expect(s.recall == 1 && s.precision == 1 && s.meanIoU == 1)
        #expect(s.merges == 0 && s.splits == 0 && s.labelErrors == 0 && s.falsePositives == 0)
    }

    @Test(arguments: [0.2, 0.5])
    func missRateMatches(rate: Double) {
        var o = Simulated2DOptions.perfect
        o.missRate = rate
        let s = RenderedFrames.shared.measure(o)
        #expect(abs((1 - s.recall) - rate) < 0.08, "measured miss \(1 - s.recall)")
        #expect(s.precision == 1)
    }

    @Test func smallAndOccludedObjectsAreTheOnesMissed() {
        var o = Simulated2DOptions.perfect
        o.smallMissRate = 1
        o.occludedMissRate = 1
        let model = Simulated2DModel(options: o)
        var detectedSmall = 0, detectedOccluded = 0, missedLarge = 0, small = 0, occluded = 0
        for (n, (frame, instances)) in RenderedFrames.shared.frames.enumerated() {
            let out = model.run(instance: frame.instance, part: frame.part, width: 128, height: 96, instances: instances,
                                silhouetteArea: frame.silhouetteArea, seed: 11, frame: n)
            let detected = Set(out.detections.flatMap(\.sources))
            var area = [Int](repeating: 0, count: instances.count + 1)
            for id in frame.instance { area[Int(id)] += 1 }
            for inst in instances where !inst.category.isStructural && area[Int(inst.id)] >= o.minPixels(width: 128, height: 96) {
                let a = Double(area[Int(inst.id)])
                let isSmall = a < o.smallAreaFraction * 128 * 96
                let isOccluded = a / Double(max(1, frame.silhouetteArea[Int(inst.id)])) < o.occludedVisibleFraction
                if isSmall { small += 1; if detected.contains(inst.id) { detectedSmall += 1 } }
                if isOccluded { occluded += 1; if detected.contains(inst.id) { detectedOccluded += 1 } }
                if !isSmall && !isOccluded && !detected.contains(inst.id) { missedLarge += 1 }
            }
        }
        #expect(small > 10 && occluded > 10)
        #expect(detectedSmall == 0 && detectedOccluded == 0 && missedLarge == 0)
    }

    @Test func labelNoiseMatches() {
        var o = Simulated2DOptions.perfect
        o.labelNoiseRate = 0.3
        let s = RenderedFrames.shared.measure(o)
        #expect(abs(s.labelNoiseRate - 0.3) < 0.08, "measured \(s.labelNoiseRate)")
    }

    @Test func splitRateMatches() {
        var o = Simulated2DOptions.perfect
        o.splitRate = 0.5
        let s = RenderedFrames.shared.measure(o)
        #expect(s.splitCandidates >= 40)
        #expect(abs(s.splitRate - 0.5) < 0.15, "measured \(s.splitRate) of \(s.splitCandidates)")
    }

    @Test func mergeRateMatches() {
        var o = Simulated2DOptions.perfect
        o.mergeRate = 0.5
        let s = RenderedFrames.shared.measure(o)
        #expect(s.mergeCandidates >= 30)
        #expect(abs(s.mergeRate - 0.5) < 0.15, "measured \(s.mergeRate) of \(s.mergeCandidates)")
    }

    @Test func falsePositiveRateMatches() {
        var o = Simulated2DOptions.perfect
        o.falsePositivesPerFrame = 1.0
        let s = RenderedFrames.shared.measure(o)
        #expect(abs(s.falsePositivesPerFrame - 1.0) < 0.35, "measured \(s.falsePositivesPerFrame)")
    }

    @Test func boundaryJitterLowersMaskIoUMonotonically() {
        var small = Simulated2DOptions.perfect, large = Simulated2DOptions.perfect
        small.boundaryJitter = 3
        large.boundaryJitter = 10
        let a = RenderedFrames.shared.measure(small).meanIoU, b = RenderedFrames.shared.measure(large).meanIoU
        #expect(a < 1 && b < a && b > 0.5, "IoU \(a) then \(b)")
    }

    @Test func featuresAreSemanticButNotAnAnswerKey() {
        let standard = RenderedFrames.shared.measure(.perfect, features: true)
        #expect(standard.featureCells > 300)
        // Far above chance (1 in ~110 classes) but far from perfect.
        #expect(standard.featureCellAccuracy > 0.2 && standard.featureCellAccuracy < 0.85, "\(standard.featureCellAccuracy)")
        var noisy = Simulated2DOptions.perfect
        noisy.featureNoise = 0.6
        #expect(RenderedFrames.shared.measure(noisy, features: true).featureCellAccuracy < standard.featureCellAccuracy)
    }

    @Test func scoresAreHigherForCorrectDetections() {
        var o = Simulated2DOptions.perfect
        o.falsePositivesPerFrame = 1
        o.labelNoiseRate = 0.3
        let model = Simulated2DModel(options: o)
        var correct: [Double] = [], wrong: [Double] = []
        for (n, (frame, instances)) in RenderedFrames.shared.frames.enumerated() {
            let out = model.run(instance: frame.instance, part: frame.part, width: 128, height: 96, instances: instances,
                                silhouetteArea: frame.silhouetteArea, seed: 3, frame: n)
            for d in out.detections {
                let truth = d.sources.first.flatMap { id in instances.first { $0.id == id }?.category.name }
                if d.label == truth { correct.append(d.score) } else { wrong.append(d.score) }
            }
        }
        let meanCorrect = correct.reduce(0, +) / Double(max(1, correct.count))
        let meanWrong = wrong.reduce(0, +) / Double(max(1, wrong.count))
        #expect(!wrong.isEmpty && meanCorrect > meanWrong + 0.1)
    }
}
