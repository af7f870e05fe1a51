import Foundation
import SceneIO
import Testing

/// `embed` and `query` end to end with the installed text model.
@Suite(.enabled(if: TextModelSupport.installed, TextModelSupport.skipReason))
struct EmbedQueryCommandTests {
    func scratch(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ovseg3r-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func embedWritesUnitRowsTokensAndFlagsUnknownOnlyPhrases() throws {
        let dir = try scratch("embed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("phrases.json")
        try Data(#"["wooden chair", "🙂", ""]"#.utf8).write(to: file)
        let out = dir.appendingPathComponent("out.npy"), tokens = dir.appendingPathComponent("tokens.json")
        let r = try CLIRunner().run(["embed", "chair", "wooden chair", "--file", file.path, "--out", out.path,
                                     "--tokens", tokens.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let array = try Npy.read(out)
        #expect(array.shape == [5, 384])
        let v = try array.floats()
        for row in 0..<5 {
            let norm = (0..<384).reduce(Float(0)) { $0 + v[row * 384 + $1] * v[row * 384 + $1] }.squareRoot()
            #expect(abs(norm - 1) < 1e-5, "row \(row) norm \(norm)")
        }
        // The argument "wooden chair" (row 1) and the file's (row 2) are the same phrase. Packed into one batch they sit at
        // different rows of the same matrix products, and OpenBLAS may round rows of a block's tail differently on
        // some CPUs (seen on an AMD EPYC host: a few ulps), so the rows agree to float rounding, not bit for bit.
        var gap: Float = 0
        for j in 0..<384 { gap = max(gap, abs(v[384 + j] - v[768 + j])) }
        #expect(gap <= 1e-6, "the same phrase embedded \(gap) apart")
        #expect((0..<384).contains { v[$0] != v[384 + $0] })
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: tokens)) as? [[Int]])
        #expect(ids == [[101, 3242, 102], [101, 4799, 3242, 102], [101, 4799, 3242, 102], [101, 100, 102], [101, 102]])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(summary["onlyUnknown"] as? [Int] == [3])
        #expect(summary["phrases"] as? Int == 5)
    }

    @Test func embedNamesTheFileAndByteOffsetOfInvalidUTF8() throws {
        let dir = try scratch("embed-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.txt")
        try Data([0x63, 0x68, 0x61, 0x69, 0x72, 0x0A, 0x6D, 0xFF, 0x67]).write(to: file)
        let r = try CLIRunner().run(["embed", "--file", file.path, "--out", dir.appendingPathComponent("o.npy").path])
        #expect(r.status != 0)
        #expect(r.stderr.contains(file.path) && r.stderr.contains("invalid UTF-8 at byte offset 7"), "\(r.stderr)")
    }

    @Test func embedWithoutAModelSaysHowToInstallIt() throws {
        let dir = try scratch("embed-nomodel")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLIRunner().run(["embed", "chair", "--out", dir.appendingPathComponent("o.npy").path,
                                     "--text-model", dir.appendingPathComponent("absent").path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("tools/setup.sh --model") && r.stderr.contains("absent"), "\(r.stderr)")
    }

    @Test func queryWritesAColouredPlyMasksAndJSON() throws {
        let dir = try scratch("query")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("scenes")
        let scene = try TextModelSupport.writeTinyScene(in: data)
        let config = dir.appendingPathComponent("tiny.json")
        try Data(TextModelSupport.tinyConfig.utf8).write(to: config)
        let cli = try CLIRunner()
        let run = dir.appendingPathComponent("run")
        let train = try cli.run(["train", "--data", data.path, "--out", run.path, "--config", config.path])
        #expect(train.status == 0, "\(train.stderr)")
        let out = dir.appendingPathComponent("q")
        let r = try cli.run(["query", "--checkpoint", run.path, "--scene", scene.path, "a small red wooden chair!",
                             "--against", "table", "--against", "lamp", "--against", "floor",
                             "--min-score", "0", "--min-points", "0", "--no-box-filter", "--top", "3", "--out", out.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == (try String(contentsOf: out.appendingPathComponent("query.json"), encoding: .utf8)))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["text"] as? String == "a small red wooden chair!")
        #expect(json["contrastPhrases"] as? Int == 3)
        let instances = try #require(json["instances"] as? [[String: Any]])
        #expect(!instances.isEmpty && instances.count <= 3, "\(r.stdout)")
        let ply = try Ply.read(out.appendingPathComponent("scene.ply"))
        #expect(ply.vertexCount == 144 + 3 * 120)
        let match = try #require(ply.scalar(named: "match")).int32s()
        var previous = Double.infinity
        for inst in instances {
            let rank = try #require(inst["rank"] as? Int), score = try #require(inst["score"] as? Double)
            #expect(score <= previous && score >= 0 && score <= 1)
            previous = score
            let indices = try Npy.read(out.appendingPathComponent("instance_\(rank).npy")).int32s()
            #expect(indices.count == inst["points"] as? Int)
            #expect(indices == indices.sorted())
            // Every point of the instance lies in its box; the first-ranked instance owns its points in the PLY.
            let lo = try #require(inst["boxMin"] as? [Double]), hi = try #require(inst["boxMax"] as? [Double])
            let coords = try Npy.read(scene.appendingPathComponent("coord.npy")).floats()
            for p in indices { for a in 0..<3 {
                #expect(Double(coords[Int(p) * 3 + a]) >= lo[a] - 1e-6 && Double(coords[Int(p) * 3 + a]) <= hi[a] + 1e-6)
            } }
            if rank == 1 { #expect(indices.allSatisfy { match[Int($0)] >= 1 }) }
        }
        #expect(match.filter { $0 == 0 }.count < ply.vertexCount)
    }

    @Test func queryWithoutAModelSaysHowToInstallIt() throws {
        let dir = try scratch("query-nomodel")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLIRunner().run(["query", "--checkpoint", dir.path, "--scene", dir.path, "chair",
                                     "--text-model", dir.appendingPathComponent("absent").path])
        #expect(r.status != 0 && r.stderr.contains("tools/setup.sh --model"), "\(r.stderr)")
    }

    @Test func trainEmbedsLabelsInAnyWordsIntoTheRunFolder() throws {
        let dir = try scratch("train-labels")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("scenes")
        _ = try TextModelSupport.writeTinyScene(in: data, viewLabels: ["swivel chair", "desk", "desk", "Coffee Mugs"])
        let config = dir.appendingPathComponent("tiny.json")
        try Data(TextModelSupport.tinyConfig.replacingOccurrences(of: "\"steps\": 40", with: "\"steps\": 2").utf8).write(to: config)
        let cli = try CLIRunner()
        let run = dir.appendingPathComponent("run")
        let train = try cli.run(["train", "--data", data.path, "--out", run.path, "--config", config.path])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("labels beyond text_embeddings: 2"), "\(train.stdout)")
        // "desk" is in data/text_embeddings; the other two are embedded exactly as `embed` embeds them.
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("label_embeddings.json"))) as? [String: Any])
        #expect(manifest["names"] as? [String] == ["Coffee Mugs", "swivel chair"])
        let cached = try Npy.read(run.appendingPathComponent("label_embeddings.npy"))
        #expect(cached.shape == [2, 384])
        let direct = dir.appendingPathComponent("direct.npy")
        #expect(try cli.run(["embed", "Coffee Mugs", "swivel chair", "--out", direct.path]).status == 0)
        let a = try cached.floats(), b = try Npy.read(direct).floats()
        #expect(a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    /// A model that reads the 2D objects' names (`model.objectLabels`): `predict` and `query` embed names beyond the
    /// table as `train` does, and predict caches them in its output folder.
    @Test func predictAndQueryEmbedObjectNamesForAModelThatReadsThem() throws {
        let dir = try scratch("object-labels")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("scenes")
        let folder = try TextModelSupport.writeTinyScene(in: data, viewLabels: ["swivel chair", "desk", "desk", "Coffee Mugs"])
        var scene = try SceneFolder(folder)
        let n = try scene.read(SceneArray.coord).shape[0]
        var lifted = try SceneLiftedLabels.read(from: scene, pointCount: n, superpointCount: 10)
        for v in 0..<2 { for i in 0..<2 { lifted.labels.views[v].instances[i].object = 2 * v + i } }
        lifted.objectCenters = [0.4, 0.5, 0.2, 1.7, 0.6, 0.2, 1.9, 0.6, 0.2, 0.9, 2.2, 0.2]
        lifted.objectViews = [0, 0, 1, 1]
        lifted.objectFeatures = (0..<16).map { Float($0 % 5) / 5 }
        lifted.objectChannels = 4
        lifted.pointFeatures = (0..<(4 * n)).map { Float($0 % 7) / 7 }
        lifted.featureChannels = 4
        lifted.featureCounts = [UInt16](repeating: 1, count: n)
        try lifted.write(to: &scene, pointCount: n, superpointCount: 10)
        let config = dir.appendingPathComponent("tiny.json")
        let tiny = TextModelSupport.tinyConfig.replacingOccurrences(of: "\"steps\": 40", with: "\"steps\": 3")
            .replacingOccurrences(of: "\"ffnHidden\": 64}", with: "\"ffnHidden\": 64, \"feature2DWidth\": 4, \"objectLabels\": true}")
        try Data(tiny.utf8).write(to: config)
        let cli = try CLIRunner()
        let run = dir.appendingPathComponent("run")
        let train = try cli.run(["train", "--data", data.path, "--out", run.path, "--config", config.path])
        #expect(train.status == 0, "\(train.stderr)")
        let pred = dir.appendingPathComponent("pred")
        let r = try cli.run(["predict", "--checkpoint", run.path, "--scene", data.path, "--out", pred.path])
        #expect(r.status == 0, "\(r.stderr)")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: pred.appendingPathComponent("label_embeddings.json"))) as? [String: Any])
        #expect(manifest["names"] as? [String] == ["Coffee Mugs", "swivel chair"])
        let q = try cli.run(["query", "--checkpoint", run.path, "--scene", folder.path, "chair", "--against", "lamp",
                             "--out", dir.appendingPathComponent("q").path, "--json"])
        #expect(q.status == 0, "\(q.stderr)")
    }
}
