import Foundation
import Testing
@testable import SceneSynth

@Suite struct OdometryTests {
    /// A straight 12 m walk sampled every 5 cm.
    func straightWalk() -> [SynthPose] {
        (0...240).map { SynthPose.lookAt(eye: [Double($0) * 0.05, 0, 1.4], target: [Double($0) * 0.05 + 2, 0.5, 1.0]) }
    }

    @Test func firstPoseIsTheTruthAndDriftGrowsWithDistance() {
        let truth = straightWalk()
        let model = DeviceOdometry(options: OdometryOptions())
        var rms = [0.0, 0.0, 0.0]
        let checkpoints = [40, 120, 240]   // 2 m, 6 m, 12 m
        let seeds = 24
        for seed in 0..<seeds {
            let estimate = model.drift(truth, seed: UInt64(seed))
            #expect(estimate[0] == truth[0])
            for (k, frame) in checkpoints.enumerated() {
                let e = length(estimate[frame].translation - truth[frame].translation)
                rms[k] += e * e / Double(seeds)
            }
        }
        rms = rms.map { $0.squareRoot() }
        #expect(rms[0] < rms[1] && rms[1] < rms[2], "RMS drift at 2/6/12 m: \(rms)")
        // Per metre travelled the drift is of the configured order (2 cm/m), not 10× off either way.
        let perMetre = rms[2] / 12
        #expect(perMetre > 0.004 && perMetre < 0.08, "drift \(perMetre) m/m")
    }

    @Test func noDriftWithZeroRates() {
        var options = OdometryOptions()
        options.translationDriftPerMetre = 0
        options.rotationDriftPerMetre = 0
        let truth = straightWalk()
        let estimate = DeviceOdometry(options: options).drift(truth, seed: 5)
        #expect(length(estimate[240].translation - truth[240].translation) < 1e-9)
    }
}
