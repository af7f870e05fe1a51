import Foundation
import _TestSupport
import Testing
@testable import SceneIO

/// The 2D model's dense feature maps and object features: written and read through one spelling, refused when they
/// could not be sampled or would spread NaN into the lifted features.
@Suite struct Pred2DFilesTests {
    @Test func featureMapsAndObjectsRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let writer = try makeVideoFolder(at: dir.url)
        let map = Pred2DFeatureMap(values: (0..<(3 * 4 * 2)).map { Float($0) * 0.25 }, height: 3, width: 4, channels: 2)
        try writer.writePred2DFeatureMap(1, map)
        let objects = Pred2DObjects(values: [0.5, -1, 2, 0.125, 3, -0.75], channels: 3)
        try writer.writePred2DObjects(objects, half: false)
        #expect(FileManager.default.fileExists(atPath: dir.file("pred2d/features/000001.npy").path))
        #expect(FileManager.default.fileExists(atPath: dir.file("pred2d/objects.npy").path))

        let video = try VideoFolder(dir.url)
        #expect(try video.pred2DFeatureMap(1) == map)  // quarter steps are exact in float16
        #expect(try video.pred2DFeatureMap(0) == nil)
        let read = try #require(try video.pred2DObjects())
        #expect(read == objects && read.count == 2)
        #expect(Pred2DFile.mask(frame: 12).path == "masks/000012.png" && Pred2DFile.instances(frame: 3).path == "instances/000003.json")
    }

    @Test func mapsThatCannotBeSampledAreRefusedNamingTheFile() throws {
        let dir = try TemporaryDirectory()
        _ = try makeVideoFolder(at: dir.url)
        let features = dir.file("pred2d/features")
        try FileManager.default.createDirectory(at: features, withIntermediateDirectories: true)
        let video = try VideoFolder(dir.url)
        let cases: [(frame: Int, values: [Float], shape: [Int], says: String)] = [
            (0, [], [0, 0, 4], "every extent must be at least 1"),
            (1, [1, .nan, 3, 4], [1, 2, 2], "not finite"),
            (2, [1, 2, 3, 4], [2, 2], "shape"),
        ]
        for c in cases {
            let url = features.appendingPathComponent("\(VideoFrame.stem(c.frame)).npy")
            try Npy.write(c.values, shape: c.shape, to: url)
            let error = try #require(throws: SceneIOError.self) { _ = try video.pred2DFeatureMap(c.frame) }
            #expect("\(error)".contains(c.says), "\(error)")
            #expect("\(error)".contains("pred2d/features/\(VideoFrame.stem(c.frame)).npy") || "\(error)".contains(url.lastPathComponent), "\(error)")
        }
        try Npy.write([Float(1), .infinity], shape: [1, 2], to: dir.file("pred2d/objects.npy"))
        let error = try #require(throws: SceneIOError.self) { _ = try video.pred2DObjects() }
        #expect("\(error)".contains("objects.npy") && "\(error)".contains("not finite"), "\(error)")
    }

    @Test func writersRefuseValuesThatDoNotFillTheShape() throws {
        let dir = try TemporaryDirectory()
        let writer = try makeVideoFolder(at: dir.url)
        #expect(throws: SceneIOError.self) {
            try writer.writePred2DFeatureMap(0, Pred2DFeatureMap(values: [1, 2, 3], height: 2, width: 2, channels: 1))
        }
        #expect(throws: SceneIOError.self) { try writer.writePred2DObjects(Pred2DObjects(values: [1, 2, 3, 4], channels: 3)) }
        #expect(!FileManager.default.fileExists(atPath: dir.file("pred2d/objects.npy").path))
    }
}
