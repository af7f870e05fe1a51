import Foundation
import Testing
import Support

@Suite struct JSONKeysTests {
    @Test func overlayReplacesValuesAndMergesNestedObjects() throws {
        let base: [String: Any] = ["steps": 300, "model": ["width": 64, "layers": 2], "views": [1, 2, 3]]
        let over: [String: Any] = ["steps": 10, "model": ["width": 32], "views": [7], "extra": true]
        let result = try #require(JSONKeys.overlay(over, on: base) as? [String: Any])
        #expect(result["steps"] as? Int == 10)
        #expect(result["views"] as? [Int] == [7], "arrays are replaced whole, not merged")
        #expect(result["extra"] as? Bool == true)
        let model = try #require(result["model"] as? [String: Any])
        #expect(model["width"] as? Int == 32)
        #expect(model["layers"] as? Int == 2, "a nested key the overlay does not name keeps the base's value")
    }

    @Test func overlayOfANonObjectIsTheOverlay() {
        #expect(JSONKeys.overlay(5, on: ["a": 1]) as? Int == 5)
        #expect((JSONKeys.overlay(["a": 2], on: 7) as? [String: Int]) == ["a": 2])
        let replaced = JSONKeys.overlay(["model": 3], on: ["model": ["width": 64]]) as? [String: Any]
        #expect(replaced?["model"] as? Int == 3, "an object replaced by a scalar is gone")
    }

    @Test func unknownKeysNameThePathAndTheNearestKey() {
        let reference: [String: Any] = ["steps": 1, "supervision": ["vip": true]]
        let found = JSONKeys.unknown(in: ["stpes": 10, "supervision": ["vpi": false], "_note": "x"], reference: reference,
                                     ignored: { $0.hasPrefix("_") })
        #expect(found == [JSONKeys.Unknown(path: "stpes", suggestion: "steps"),
                          JSONKeys.Unknown(path: "supervision.vpi", suggestion: "supervision.vip")])
    }
}
