import Foundation
import _TestSupport
import Testing
@testable import SceneIO

/// Writes a miniature TUM RGB-D sequence: color at 30 Hz, depth a few ms off (plus one stray depth
/// image), ground truth at 100 Hz starting after the first color frame.
func makeTUMSequence(at url: URL, width: Int = 8, height: Int = 6, frames: Int = 5) throws {
    for folder in ["rgb", "depth"] {
        try FileManager.default.createDirectory(at: url.appendingPathComponent(folder), withIntermediateDirectories: true)
    }
    var rgbList = "# color images\n# file: 'rgbd_dataset_freiburg1_xyz.bag'\n# timestamp filename\n"
    var depthList = "# depth maps\n# timestamp filename\n"
    for i in 0..<frames {
        let t = 1305031102.175304 + Double(i) / 30
        let colorName = String(format: "rgb/%.6f.png", t)
        var color = RGBImage(width: width, height: height)
        color[0, 0] = SIMD3(UInt8(i), 0, 0)
        try PNG.write(color, to: url.appendingPathComponent(colorName))
        rgbList += String(format: "%.6f %@\n", t, colorName)
        let depthName = String(format: "depth/%.6f.png", t + 0.004)
        try PNG.write(try GrayImage16(width: width, height: height, pixels: [UInt16](repeating: UInt16(5000 + i), count: width * height)),
                      to: url.appendingPathComponent(depthName))
        depthList += String(format: "%.6f %@\n", t + 0.004, depthName)
    }
    // A depth map far from any color image must stay unmatched.
    depthList += "1305031109.000000 depth/stray.png\n"
    try Data(rgbList.utf8).write(to: url.appendingPathComponent("rgb.txt"))
    try Data(depthList.utf8).write(to: url.appendingPathComponent("depth.txt"))
    var groundTruth = "# ground truth trajectory\n# timestamp tx ty tz qx qy qz qw\n"
    for k in 0..<30 {
        let t = 1305031102.175304 + 0.03 + Double(k) / 100
        groundTruth += String(format: "%.4f %.4f 0.5 1.2 0 0 0 1\n", t, Double(k) / 100)
    }
    try Data(groundTruth.utf8).write(to: url.appendingPathComponent("groundtruth.txt"))
}

@Suite struct TUMRGBDSequenceTests {
    @Test func associatesLikeAssociatePy() {
        let pairs = TUMRGBDSequence.associate([1.0, 2.0, 3.0], [2.01, 0.995, 1.0, 5], maxDifference: 0.02)
        #expect(pairs.map { [$0.0, $0.1] } == [[0, 2], [1, 0]])
        // Greedy by difference: 1.0 keeps the exact match, 1.012 takes the next free one.
        let crowded = TUMRGBDSequence.associate([1.0, 1.012], [1.0, 1.015], maxDifference: 0.02)
        #expect(crowded.map { [$0.0, $0.1] } == [[0, 0], [1, 1]])
    }

    @Test func convertsToAValidVideoFolder() throws {
        let dir = try TemporaryDirectory()
        let sequenceURL = dir.file("rgbd_dataset_freiburg1_xyz")
        try makeTUMSequence(at: sequenceURL)
        let sequence = try TUMRGBDSequence(sequenceURL)
        #expect(sequence.frames.count == 5)
        #expect(sequence.frames[0].groundTruth == nil)  // ground truth starts 30 ms after the first image
        #expect(sequence.frames[1].groundTruth != nil)
        var intrinsics = try #require(TUMRGBDSequence.intrinsics(camera: "fr1"))
        intrinsics.width = 8
        intrinsics.height = 6
        let video = try sequence.writeVideoFolder(to: dir.file("video"), intrinsics: intrinsics)
        #expect(video.frames.count == 4)
        #expect(video.intrinsics.depthScale == 5000)
        let poses = try #require(video.poses)
        #expect(poses.poses.count == 4)
        #expect(poses.poses[0].timestamp == sequence.frames[1].colorTimestamp)
        #expect(try video.color(0)[0, 0] == SIMD3(1, 0, 0))  // frame 0 of the folder is the sequence's frame 1
        #expect(try video.depth(3).pixels[0] == 5004)
    }

    @Test func badListsAreTypedErrors() throws {
        let dir = try TemporaryDirectory()
        try makeTUMSequence(at: dir.url)
        try Data("1.0 rgb/a.png extra\n".utf8).write(to: dir.file("rgb.txt"))
        #expect(throws: SceneIOError.tumBadLine(url: dir.file("rgb.txt"), line: 1, reason: "expected 'timestamp filename'")) {
            try TUMRGBDSequence(dir.url)
        }
        try Data("1.0 ../../etc/passwd\n".utf8).write(to: dir.file("rgb.txt"))
        #expect(throws: SceneIOError.self) { try TUMRGBDSequence(dir.url) }
        try Data("1.0 rgb/a.png\n".utf8).write(to: dir.file("rgb.txt"))
        try FileManager.default.removeItem(at: dir.file("depth.txt"))
        #expect(performing: { try TUMRGBDSequence(dir.url) }, throws: { error in
            guard case .missingFile(let url, _)? = error as? SceneIOError else { return false }
            return url == dir.file("depth.txt")
        })
    }
}
