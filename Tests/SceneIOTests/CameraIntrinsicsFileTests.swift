import Foundation
import _TestSupport
import Geometry
import SceneIO
import Testing

@Suite struct CameraIntrinsicsFileTests {
    static let file = CameraIntrinsicsFile(width: 16, height: 12, fx: 20, fy: 21, cx: 7.5, cy: 5.5, depthScale: 1000)

    @Test func writesOneFlatObjectWithTheDesignKeys() throws {
        let dir = try TemporaryDirectory()
        try Self.file.write(to: dir.file("intrinsics.json"))
        let data = try Data(contentsOf: dir.file("intrinsics.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["width", "height", "fx", "fy", "cx", "cy", "depth_scale"])
        #expect(object["depth_scale"] as? Double == 1000 && object["cy"] as? Double == 5.5)
        #expect(try CameraIntrinsicsFile.read(dir.file("intrinsics.json")) == Self.file)
    }

    /// The file's camera is exactly Geometry's `PinholeIntrinsics`, which also decodes the file on its own.
    @Test func cameraIsThePinholeIntrinsicsOfTheFile() throws {
        let data = Data(#"{"width": 16, "height": 12, "fx": 20, "fy": 21, "cx": 7.5, "cy": 5.5, "depth_scale": 1000}"#.utf8)
        let camera = try JSONDecoder().decode(PinholeIntrinsics.self, from: data)
        #expect(camera == Self.file.camera)
        var edited = Self.file
        edited.fx = 30
        edited.width = 8
        #expect(edited.camera == PinholeIntrinsics(width: 8, height: 12, fx: 30, fy: 21, cx: 7.5, cy: 5.5))
        #expect(edited.pixelCount == 96 && edited.depthScale == 1000)
        #expect(try JSONDecoder().decode(CameraIntrinsicsFile.self, from: data) == Self.file)
    }

    @Test(arguments: [
        (#""width": 0, "height": 12, "fx": 20, "fy": 21, "cx": 7.5, "cy": 5.5, "depth_scale": 1000"#, "width", "0", "a finite number > 0"),
        (#""width": 16, "height": 12, "fx": 20, "fy": 0, "cx": 7.5, "cy": 5.5, "depth_scale": 1000"#, "fy", "0.0", "a finite number > 0"),
        (#""width": 16, "height": 12, "fx": 20, "fy": 21, "cx": 7.5, "cy": 5.5, "depth_scale": -1"#, "depth_scale", "-1.0", "a finite number > 0"),
    ])
    func invalidFieldsNameTheFieldAndTheExpectation(body: String, field: String, value: String, expected: String) throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("intrinsics.json")
        try Data(("{" + body + "}").utf8).write(to: url)
        #expect(throws: SceneIOError.invalidIntrinsics(url: url, field: field, value: value, expected: expected)) {
            try CameraIntrinsicsFile.read(url)
        }
    }

    @Test func nonFinitePrincipalPointIsRefusedOnWrite() throws {
        let dir = try TemporaryDirectory()
        var bad = Self.file
        bad.cx = .nan
        #expect(throws: SceneIOError.invalidIntrinsics(url: dir.file("k.json"), field: "cx", value: "nan", expected: "a finite number")) {
            try bad.write(to: dir.file("k.json"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("k.json").path))
    }
}
