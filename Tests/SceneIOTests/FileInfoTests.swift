import Foundation
import _TestSupport
import Testing
@testable import SceneIO

@Suite struct FileInfoTests {
    @Test func picksTheReaderFromContentsNotExtension() throws {
        let dir = try TemporaryDirectory()
        // An .npy saved under a misleading name is still recognised by its magic.
        try Npy.write([1, 2] as [Int64], shape: [2], to: dir.file("labels.bin"))
        #expect(try FileInfo.describe(dir.file("labels.bin")) ==
                .npy(path: dir.file("labels.bin").path, dtype: .int64, shape: [2], formatVersion: 1))
        try PNG.write(try GrayImage16(width: 5, height: 4, pixels: [UInt16](repeating: 7, count: 20)), to: dir.file("d.png"))
        #expect(try FileInfo.describe(dir.file("d.png")) == .image(path: dir.file("d.png").path, format: "PNG", width: 5, height: 4))
        try JPEG.write(RGBImage(width: 9, height: 3), to: dir.file("c.jpg"))
        #expect(try FileInfo.describe(dir.file("c.jpg")).text.hasSuffix("JPEG 9x3"))
    }

    @Test func describesImportSources() throws {
        let dir = try TemporaryDirectory()
        try makeSensFile(at: dir.file("a.sens"))
        guard case let .scanNetSens(_, header, frames, withPose) = try FileInfo.describe(dir.file("a.sens")) else {
            Issue.record("not described as .sens"); return
        }
        #expect(header.depthWidth == 16 && frames == 3 && withPose == 2)
        #expect(try FileInfo.describe(dir.file("a.sens")).json.contains("\"frames_with_pose\" : 2"))
        try makeTUMSequence(at: dir.file("tum"))
        #expect(try FileInfo.describe(dir.file("tum")) == .tumRGBD(path: dir.file("tum").path, pairs: 5, groundTruth: true))
    }

    @Test func emptyFolderIsNeitherSceneNorVideo() throws {
        let dir = try TemporaryDirectory()
        #expect(performing: { try FileInfo.describe(dir.url) }, throws: { error in
            "\(error)".contains(dir.url.path) && "\(error)".contains("neither a scene folder")
        })
    }
}
