import Foundation
import _TestSupport
import Testing
@testable import SceneIO

@Suite struct SceneFolderTests {
    @Test func arraysAndManifestRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("scene0000")
        var scene = try SceneFolder.create(at: url, provenance: ["tool": "ovseg3r test", "video": "synthetic"])
        let coords: [Float] = (0..<12).map { Float($0) * 0.25 }
        try scene.write(coords, shape: [4, 3], named: "coord")
        try scene.write([UInt8](repeating: 200, count: 12), shape: [4, 3], named: "color")
        try scene.write([0, 0, 1, 1] as [Int32], shape: [4], named: "superpoints")
        try scene.setCount("points", 4)

        let reopened = try SceneFolder(url)
        #expect(reopened.manifest == scene.manifest)
        #expect(reopened.arrayNames == ["color", "coord", "superpoints"])
        #expect(reopened.manifest.arrays["coord"] == SceneManifest.ArrayEntry(dtype: .float32, shape: [4, 3]))
        #expect(reopened.manifest.units == "m" && reopened.manifest.upAxis == "+z")
        #expect(reopened.manifest.counts == ["points": 4])
        #expect(try reopened.read("coord").floats() == coords)
        try reopened.verify()
        // Nothing but the arrays and the manifest: temporary files were all renamed into place.
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
        #expect(names == ["color.npy", "coord.npy", "scene.json", "superpoints.npy"])
    }

    @Test func manifestIsTheDocumentedJSON() throws {
        let dir = try TemporaryDirectory()
        var scene = try SceneFolder.create(at: dir.url)
        try scene.write([1, 2] as [Int64], shape: [2], named: "instance")
        let out = try Python.check("""
        import json, sys, numpy as np, os
        m = json.load(open(os.path.join(sys.argv[1], 'scene.json')))
        assert m['format_version'] == 1 and m['units'] == 'm' and m['up_axis'] == '+z', m
        e = m['arrays']['instance']
        a = np.load(os.path.join(sys.argv[1], 'instance.npy'))
        assert np.dtype(e['dtype']) == a.dtype and tuple(e['shape']) == a.shape, (e, a.dtype, a.shape)
        print('ok')
        """, arguments: [dir.url.path])
        #expect(out.contains("ok"))
    }

    @Test func mismatchesAndMissingArraysAreTypedErrors() throws {
        let dir = try TemporaryDirectory()
        var scene = try SceneFolder.create(at: dir.url)
        try scene.write([1, 2, 3] as [Float], shape: [3], named: "semantic")
        try Npy.write([1, 2, 3] as [Int32], shape: [3], to: scene.arrayURL("semantic"))  // replaced behind its back
        #expect(throws: SceneIOError.sceneArrayMismatch(url: scene.arrayURL("semantic"), name: "semantic",
                                                         manifest: "float32 [3]", file: "int32 [3]")) {
            try scene.read("semantic")
        }
        #expect(throws: SceneIOError.self) { try scene.verify() }
        #expect(throws: SceneIOError.sceneArrayMissing(url: dir.url, name: "normal")) { try scene.read("normal") }
        try FileManager.default.removeItem(at: scene.arrayURL("semantic"))
        #expect(throws: SceneIOError.sceneArrayMissing(url: dir.url, name: "semantic")) { try scene.verify() }
        for bad in ["../escape", "", ".hidden", "a/b", "spa ce"] {
            #expect(throws: SceneIOError.self) { try scene.write([1] as [Float], shape: [1], named: bad) }
        }
        try scene.remove("semantic")
        #expect(scene.arrayNames.isEmpty)
    }

    @Test func standardArraysFollowTheConventions() throws {
        let dir = try TemporaryDirectory()
        var scene = try SceneFolder.create(at: dir.url)
        try scene.write([Float](repeating: 0, count: 12), shape: [4, 3], named: SceneArray.coord)
        try scene.write([UInt8](repeating: 9, count: 12), shape: [4, 3], named: SceneArray.color)
        try scene.write([1, 2, 3, 4] as [Int64], shape: [4], named: SceneArray.instance)
        try scene.write([0.5] as [Float], shape: [1], named: "my_experiment")  // unconstrained
        try scene.checkConventions()
        try scene.write([1, 2, 3] as [Int32], shape: [3], named: SceneArray.superpoints)  // N mismatch
        #expect(throws: SceneIOError.sceneConvention(url: scene.arrayURL("superpoints"), name: "superpoints",
                                                      expected: "int32 [N=4]", actual: "int32 [3]")) {
            try scene.checkConventions()
        }
        try scene.write([1, 2, 3, 4] as [Int32], shape: [4], named: SceneArray.superpoints)
        try scene.write([Double](repeating: 0, count: 12), shape: [4, 3], named: SceneArray.normal)  // wrong dtype
        #expect(performing: { try scene.checkConventions() }, throws: { error in
            "\(error)".contains("normal") && "\(error)".contains("float32 [N=4, 3]")
        })
    }

    @Test func newerFormatVersionIsRefused() throws {
        let dir = try TemporaryDirectory()
        try Data(#"{"format_version": 99, "arrays": {}}"#.utf8).write(to: dir.file("scene.json"))
        #expect(throws: SceneIOError.sceneFormatVersion(url: dir.file("scene.json"), found: 99, supported: 1)) {
            try SceneFolder(dir.url)
        }
        try Data(#"{"units": "m"}"#.utf8).write(to: dir.file("scene.json"))
        #expect(performing: { try SceneFolder(dir.url) }, throws: { error in
            guard case let .invalidJSON(_, reason)? = error as? SceneIOError else { return false }
            return reason.contains("format_version")
        })
    }
}
