import Foundation
import _TestSupport
import SceneIO
import Testing
@testable import VIP

/// Hostile 2D model output and damaged scene arrays: `lift` and `fuse` stop with typed errors, never NaN or a crash.
@Suite("Lift and fuse on hostile inputs")
struct LiftHostileInputTests {
    /// A copy of the shared lifted scene and its video, so the test can damage them.
    static func copies() throws -> (video: URL, scene: URL, root: TemporaryDirectory) {
        let f = try TinyLiftedScene.shared.get()
        let root = try TemporaryDirectory("vip-hostile")
        let video = root.file("video"), scene = root.file("scene")
        try FileManager.default.copyItem(at: f.video, to: video)
        try FileManager.default.copyItem(at: f.scene, to: scene)
        return (video, scene, root)
    }

    @Test(arguments: [[0, 0, 4], [3, 0, 4], [2, 2, 0]])
    func emptyFeatureMapsAreRefusedNotAveragedIntoNaN(shape: [Int]) throws {
        let (video, scene, root) = try Self.copies()
        defer { withExtendedLifetime(root) {} }  // the copies live until the test ends
        let features = video.appendingPathComponent("pred2d/features")
        try FileManager.default.createDirectory(at: features, withIntermediateDirectories: true)
        for frame in 0..<6 {
            try Npy.write(try NpyArray([Float](), shape: shape), to: features.appendingPathComponent("\(VideoFrame.stem(frame)).npy"))
        }
        #expect {
            _ = try Lift.run(scene: scene, video: video)
        } throws: { error in
            guard case let .unreadableInput(_, reason) = error as? VIPError else { return false }
            return reason.contains("feature map of shape \(shape)")
        }
    }

    @Test func nonFiniteFeatureValuesAreRefused() throws {
        let (video, scene, root) = try Self.copies()
        defer { withExtendedLifetime(root) {} }  // the copies live until the test ends
        let features = video.appendingPathComponent("pred2d/features")
        try FileManager.default.createDirectory(at: features, withIntermediateDirectories: true)
        var values = [Float](repeating: 0.5, count: 4 * 4 * 2)
        values[5] = .nan
        for frame in 0..<6 {
            try Npy.write(try NpyArray(values, shape: [4, 4, 2]), to: features.appendingPathComponent("\(VideoFrame.stem(frame)).npy"))
        }
        #expect {
            _ = try Lift.run(scene: scene, video: video)
        } throws: { error in
            guard case let .unreadableInput(_, reason) = error as? VIPError else { return false }
            return reason.contains("flat index 5")
        }
    }

    @Test(arguments: [("vl_superpoints", Int32(-1_000_000)), ("sp_view", 5_000_000), ("superpoints", -5)])
    func damagedLiftedArraysStopFuseWithTheFileName(name: String, value: Int32) throws {
        let (_, scene, root) = try Self.copies()
        defer { withExtendedLifetime(root) {} }  // the copies live until the test ends
        var folder = try SceneFolder(scene)
        var ids = try folder.read(name).int32s()
        ids[ids.count / 2] = value
        try folder.write(ids, shape: [ids.count], named: name)
        #expect {
            _ = try FuseInputs.load(scene: scene)
        } throws: { error in
            guard case let .unreadableInput(_, reason) = error as? VIPError else { return false }
            return reason.contains(name + ".npy[\(ids.count / 2)] = \(value)")
        }
        #expect(throws: VIPError.self) { _ = try ViewLabels.load(scene: scene) }
    }
}
