import Foundation
import Testing
@testable import Recon

/// Recon presets refuse keys the options do not have, naming the key and the nearest valid one.
struct PresetKeyTests {
    static let presets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("recon/presets")

    func write(_ json: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("preset-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        return url
    }

    @Test func everyShippedPresetLoads() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.presets.path).filter { $0.hasSuffix(".json") }
        try #require(files.count >= 4)
        for f in files { _ = try ReconOptions.load(preset: Self.presets.appendingPathComponent(f)) }
    }

    @Test(arguments: [
        (#"{"fusion": {"voxelSzie": 0.02}}"#, "fusion.voxelSzie", "fusion.voxelSize"),
        (#"{"trackign": {}}"#, "trackign", "tracking"),
        (#"{"input": {"intrinsic": [1, 1, 1, 1]}}"#, "input.intrinsic", "input.intrinsics"),
        (#"{"_comment": "notes are fine", "zzzzzzzzzz": 1}"#, "zzzzzzzzzz", nil),
    ] as [(String, String, String?)])
    func unknownKeysAreRefused(json: String, key: String, suggestion: String?) throws {
        let url = try write(json)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: ReconError.self, "\(json) was accepted") { try ReconOptions.load(preset: url) }
        guard case let .malformedFile(u, _, reason)? = error else { return }
        #expect(u == url)
        #expect(reason.contains("\"\(key)\""), "\(reason)")
        if let suggestion { #expect(reason.contains("did you mean \"\(suggestion)\""), "\(reason)") }
    }

    /// The tracking model's options: a preset turns it on, bad values and an unknown role are refused by name.
    @Test func trackingModelOptionsLoadAndAreChecked() throws {
        let url = try write(#"{"tracking": {"modelVoxelSize": 0.02, "modelRole": "check", "modelAgreement": 0.02}}"#)
        defer { try? FileManager.default.removeItem(at: url) }
        let o = try ReconOptions.load(preset: url)
        #expect(o.tracking.modelVoxelSize == 0.02 && o.tracking.modelRole == .check && o.tracking.modelAgreement == 0.02)
        try o.validate()
        for (key, value) in [("modelVoxelSize", "1.5"), ("modelRenderDownsample", "3"), ("modelAgreement", "-1")] {
            let bad = try write(#"{"tracking": {"\#(key)": \#(value)}}"#)
            defer { try? FileManager.default.removeItem(at: bad) }
            let error = #expect(throws: ReconError.self) { try ReconOptions.load(preset: bad).validate() }
            guard case let .invalidOption(name, _, _)? = error else { continue }
            #expect(name == "tracking.\(key)")
        }
        let role = try write(#"{"tracking": {"modelRole": "follow"}}"#)
        defer { try? FileManager.default.removeItem(at: role) }
        let roleError = #expect(throws: ReconError.self) { try ReconOptions.load(preset: role) }
        #expect(roleError.map { "\($0)" }?.contains(#"tracking.modelRole: "follow" is not one of "lead", "check""#) == true,
                "\(String(describing: roleError))")
    }

    /// The degenerate-view prior: set by a preset, out-of-range values refused by name.
    @Test func degeneratePriorOptionsLoadAndAreChecked() throws {
        let url = try write(#"{"tracking": {"degenerateScoreMargin": 0.02, "degeneracyThreshold": 0.05}}"#)
        defer { try? FileManager.default.removeItem(at: url) }
        let o = try ReconOptions.load(preset: url)
        #expect(o.tracking.degenerateScoreMargin == 0.02 && o.tracking.degeneracyThreshold == 0.05)
        try o.validate()
        for (key, value) in [("degenerateScoreMargin", "-1"), ("degenerateScoreMargin", "2"), ("degeneracyThreshold", "0.5"), ("degeneracyThreshold", "-0.1")] {
            let bad = try write(#"{"tracking": {"\#(key)": \#(value)}}"#)
            defer { try? FileManager.default.removeItem(at: bad) }
            let error = #expect(throws: ReconError.self) { try ReconOptions.load(preset: bad).validate() }
            guard case let .invalidOption(name, _, _)? = error else { continue }
            #expect(name == "tracking.\(key)")
        }
    }

    /// Relocalisation's options: out-of-range values refused by name.
    @Test func relocalisationOptionsAreChecked() throws {
        for (key, value) in [("relocalisationCandidates", "-1"), ("relocalisationCandidates", "100"),
                             ("relocalisationMaxDistance", "0"), ("relocalisationMinConsistency", "1.5")] {
            let bad = try write(#"{"tracking": {"\#(key)": \#(value)}}"#)
            defer { try? FileManager.default.removeItem(at: bad) }
            let error = #expect(throws: ReconError.self) { try ReconOptions.load(preset: bad).validate() }
            guard case let .invalidOption(name, _, _)? = error else { continue }
            #expect(name == "tracking.\(key)")
        }
    }

    @Test func optionalKeysAbsentFromTheDefaultsAreValid() throws {
        let url = try write(#"{"poseMode": "track", "frames": {"end": 10}, "input": {"depthScale": 1000}, "fusion": {"pointSpacing": null}}"#)
        defer { try? FileManager.default.removeItem(at: url) }
        let o = try ReconOptions.load(preset: url)
        #expect(o.poseMode == .track && o.frames.end == 10 && o.input.depthScale == 1000 && o.fusion.pointSpacing == nil)
    }
}
