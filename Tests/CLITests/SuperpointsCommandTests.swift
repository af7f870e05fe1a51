import Foundation
import _TestSupport
import SceneIO
import Testing

/// `ovseg3r superpoints`, `lift` and `segment-mesh` end to end on one tiny generated scene (synth → recon → …).
@Suite(.serialized) struct SuperpointsCommandTests {
    /// A tiny synthetic video reconstructed with given poses and a coarse grid (seconds in a debug build).
    func tinyScene(_ cli: CLIRunner, in scratch: TemporaryDirectory) throws -> (video: URL, scene: URL) {
        let videos = scratch.file("videos"), scene = scratch.file("scene")
        try cli.succeed(["synth", "--preset", "tiny", "--frames", "6", "--seed", "5", "--out", videos.path])
        let video = videos.appendingPathComponent("scene_0000")
        try cli.succeed(["recon", video.path, "--poses", "given", "--voxel", "0.02", "--out", scene.path])
        return (video, scene)
    }

    func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test func superpointsLiftAndSegmentMeshWriteValidOutputs() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let (_, scene) = try tinyScene(cli, in: scratch)
        let folder = try SceneFolder(scene)
        let n = try folder.read("coord").requireShape([nil, 3])[0]

        // IBSp superpoints: int32 [N], ids exactly 0..<S, S recorded in scene.json.
        let sp = try cli.succeed(["superpoints", scene.path, "--neighbors", "8"])
        #expect(sp.contains("superpoints:") && sp.contains("ibsp"))
        let updated = try SceneFolder(scene)
        let labels = try updated.read("superpoints")
        #expect(labels.shape == [n])
        let ids = try labels.int32s()
        let count = try #require(updated.manifest.counts["superpoints"])
        #expect(count >= 1 && count < n)
        #expect(Set(ids) == Set(0..<Int32(count)))

        // Lift: view_labels.json keys, CSR offsets consistent, mask superpoints valid ids.
        let lift = try cli.succeed(["lift", scene.path])
        #expect(lift.contains("view-level instances"))
        let viewLabels = try json(scene.appendingPathComponent("view_labels.json"))
        #expect(viewLabels["format_version"] as? Int == 1)
        let views = try #require(viewLabels["views"] as? [[String: Any]])
        #expect(views.count == updated.manifest.counts["views"])
        let lifted = try SceneFolder(scene)
        let offsets = try lifted.read("vl_offsets").int64s()
        let members = try lifted.read("vl_superpoints").int32s()
        #expect(offsets.first == 0 && offsets.last.map(Int.init) == members.count)
        #expect(members.allSatisfy { $0 >= 0 && Int($0) < count })
        var masks = 0
        for view in views {
            for instance in try #require(view["instances"] as? [[String: Any]]) {
                for key in ["label", "score", "object", "mask"] { #expect(instance[key] != nil, "instance lacks \(key)") }
                let mask = try #require(instance["mask"] as? Int)
                #expect(mask >= 0 && mask < offsets.count - 1)
                masks += 1
            }
        }
        #expect(masks == offsets.count - 1)

        // segment-mesh on the recon mesh: ScanNet's JSON, one id per vertex, each id a vertex of its own segment.
        let mesh = scene.appendingPathComponent("mesh.ply")
        let out = scratch.file("segs.json")
        try cli.succeed(["segment-mesh", mesh.path, "--out", out.path])
        let segs = try json(out)
        let params = try #require(segs["params"] as? [String: Any])
        #expect(params["kThresh"] as? Double == 0.01 && params["segMinVerts"] as? Int == 20)
        #expect(segs["sceneId"] as? String == "mesh")
        let segIndices = try #require(segs["segIndices"] as? [Int])
        let vertices = try Ply.read(mesh).vertexCount
        #expect(segIndices.count == vertices)
        #expect(segIndices.allSatisfy { segIndices.indices.contains($0) && segIndices[$0] == $0 })
    }

    @Test func badInputsNameTheFile() throws {
        let cli = try CLIRunner()
        let scratch = try TemporaryDirectory("cli-tests")
        let missing = scratch.file("no_scene")
        let sp = try cli.run(["superpoints", missing.path, "--mode", "geometric"])
        #expect(sp.status != 0)
        #expect(sp.stderr.contains(missing.path))

        let broken = scratch.file("broken.ply")
        try Data("ply\nformat ascii 1.0\nelement vertex 3\n".utf8).write(to: broken)
        let seg = try cli.run(["segment-mesh", broken.path, "--out", scratch.file("o.json").path])
        #expect(seg.status != 0)
        #expect(seg.stderr.contains(broken.path))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("o.json").path))

        let lift = try cli.run(["lift", missing.path])
        #expect(lift.status != 0)
        #expect(lift.stderr.contains(missing.path))
    }
}
