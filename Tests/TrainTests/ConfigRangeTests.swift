import Foundation
import Testing
@testable import Train

/// Config values out of range are refused naming the key and the value (from a file as from code).
struct ConfigRangeTests {
    /// (JSON override, the key the error must name, the value it must show)
    static let cases: [(json: String, field: String, value: String)] = [
        (#"{"learningRate": -0.001}"#, "learningRate", "-0.001"),
        (#"{"learningRate": 0}"#, "learningRate", "0.0"),
        (#"{"steps": 0}"#, "steps", "0"),
        (#"{"scenesPerStep": 0}"#, "scenesPerStep", "0"),
        (#"{"supervision": {"viewsPerStep": 0}}"#, "supervision.viewsPerStep", "0"),
        (#"{"weightDecay": -1}"#, "weightDecay", "-1.0"),
        (#"{"clipNorm": 0}"#, "clipNorm", "0.0"),
        (#"{"objectDropout": 1}"#, "objectDropout", "1.0"),
        (#"{"augment": {"flipProbability": 1.5}}"#, "augment.flipProbability", "1.5"),
        (#"{"weights": {"maskDice": -0.5}}"#, "weights.maskDice", "-0.5"),
        (#"{"checkpointEvery": 0}"#, "checkpointEvery", "0"),
    ]

    @Test(arguments: cases)
    func outOfRangeValuesAreRefusedNamingKeyAndValue(json: String, field: String, value: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("range-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(json.utf8).write(to: url)
        let error = #expect(throws: TrainError.self, "\(json) was accepted") { try TrainConfig.load(from: url) }
        guard case let .invalidConfiguration(f, v, _)? = error else {
            Issue.record("\(json): expected invalidConfiguration, got \(String(describing: error))")
            return
        }
        #expect(f == field && v == value, "\(json): got \(f) = \(v)")
        #expect(error?.description.contains(field) == true)
    }

    /// A value outside a closed set is refused naming the field and the values allowed; a wrong type names the field.
    @Test(arguments: [
        (#"{"objective": "distil"}"#, #"objective: "distil" is not one of "segmentation", "distill2D""#),
        (#"{"model": {"encoder": "unet"}}"#, #"model.encoder: "unet" is not one of "mlp", "sparseUNet""#),
        (#"{"supervision": {"curriculum": [{"stage": "view", "fromStep": 0}]}}"#,
         #"supervision.curriculum[0].stage: "view" is not one of "views", "tracked", "pseudo""#),
        (#"{"steps": "many"}"#, "steps: expected a value of type Int"),
    ])
    func badValuesNameTheFieldAndTheAllowedValues(json: String, message: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("enum-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(json.utf8).write(to: url)
        let error = #expect(throws: TrainError.self, "\(json) was accepted") { try TrainConfig.load(from: url) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error?.description))")
    }

    @Test func theDefaultsAndNaNAreJudgedAsExpected() throws {
        try TrainConfig().validate()
        var c = TrainConfig()
        c.learningRate = .nan
        #expect(throws: TrainError.self) { try c.validate() }
        c = TrainConfig()
        c.polyPower = .infinity
        #expect(throws: TrainError.self) { try c.validate() }
    }
}
