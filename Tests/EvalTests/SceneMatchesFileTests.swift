import Foundation
import Geometry
import Testing
import _TestSupport
@testable import Eval

/// The matched scenes kept for the benchmark's last-fifth interval: a file round trip scores exactly as the scenes it
/// was written from, and a damaged or foreign file is refused naming the scene and field.
@Suite struct SceneMatchesFileTests {
    static func randomScenes(seed: UInt64, count: Int) -> [SceneMatches] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { k in
            let r = RandomScene.make(name: "scene_\(k)", rng: &rng, crossInstance: true, quantizedScores: k % 2 == 0)
            return scene(r.name, ids: r.ids, r.predictions)
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64]) func aRoundTripScoresExactlyAsTheScenesItWasWrittenFrom(seed: UInt64) throws {
        let folder = try TemporaryDirectory("matches-file")
        var scenes = Self.randomScenes(seed: seed, count: 6)
        scenes[1].withoutPredictionFile = true
        let url = folder.file("matches.json")
        try SceneMatchesFile.write(scenes, options: testOptions, to: url)
        let back = try SceneMatchesFile.read(from: url, options: testOptions)
        #expect(back.map(\.name) == scenes.map(\.name))
        #expect(back.map(\.groundTruth) == scenes.map(\.groundTruth))
        #expect(back.map(\.predictions) == scenes.map(\.predictions))
        #expect(back.map(\.withoutPredictionFile) == scenes.map(\.withoutPredictionFile))
        let a = evaluate(scenes), b = evaluate(back)
        #expect(close(a.ap, b.ap) && close(a.ap50, b.ap50) && close(a.ap25, b.ap25))
        // The bootstrap of the file equals the bootstrap of the scenes, resample by resample.
        let boot = RoomBootstrap(rooms: scenes.map(\.name), resamples: 30, seed: seed)
        let d = try boot.scores(runs: [scenes], options: testOptions).difference(try boot.scores(runs: [back], options: testOptions), "all.ap")
        #expect(d.estimate == 0 && d.low == 0 && d.high == 0)
    }

    @Test func aScoreJSONCannotHoldIsKeptInRankOrder() throws {
        let folder = try TemporaryDirectory("matches-file")
        var scenes = [scene("s", ids: benchmarkIDs([(3001, 200), (0, 300)]),
                            [TestPrediction(3, 0.5, 0..<150), TestPrediction(3, 0.7, 100..<250), TestPrediction(3, 0.6, 50..<200)])]
        scenes[0].predictions[0].confidence = .nan
        scenes[0].predictions[1].confidence = .infinity
        let url = folder.file("m.json")
        try SceneMatchesFile.write(scenes, options: testOptions, to: url)
        let scores = try SceneMatchesFile.read(from: url, options: testOptions)[0].predictions.map(\.confidence)
        #expect(scores == [-Double.greatestFiniteMagnitude, .greatestFiniteMagnitude, 0.6])
    }

    @Test func damagedOrForeignFilesAreRefusedNamingTheSceneAndField() throws {
        let folder = try TemporaryDirectory("matches-file")
        let url = folder.file("matches.json")
        try SceneMatchesFile.write(Self.randomScenes(seed: 9, count: 2), options: testOptions, to: url)
        let good = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        func refusal(_ edit: (inout [String: Any]) -> Void) throws -> String {
            var object = good
            edit(&object)
            let bad = folder.file("bad-\(UUID().uuidString).json")
            try JSONSerialization.data(withJSONObject: object).write(to: bad)
            do {
                _ = try SceneMatchesFile.read(from: bad, options: testOptions)
                return "accepted"
            } catch {
                let text = "\(error)"
                #expect(text.contains(bad.path))
                return text
            }
        }
        func editScene(_ object: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
            var scenes = object["scenes"] as? [[String: Any]] ?? []
            change(&scenes[0])
            object["scenes"] = scenes
        }
        func prediction(_ points: Int, _ overlaps: [Int]) -> [String: Any] {
            ["classIndex": 0, "confidence": 0.5, "points": points, "voidPoints": 0, "overlaps": overlaps]
        }
        let gtCount = ((good["scenes"] as? [[String: Any]])?[0]["groundTruth"] as? [Any])?.count ?? 0
        let outOfRange = try refusal { editScene(&$0) { $0["predictions"] = [prediction(150, [gtCount + 3, 10])] } }
        #expect(outOfRange.contains("scene scene_0") && outOfRange.contains("predictions[0] ground truth"), "\(outOfRange)")
        let badClass = try refusal { editScene(&$0) { $0["groundTruth"] = [[3001, 7, 200]] } }
        #expect(badClass.contains("groundTruth[0] class"), "\(badClass)")
        let negative = try refusal { editScene(&$0) { $0["predictions"] = [prediction(-4, [])] } }
        #expect(negative.contains("predictions[0] points"), "\(negative)")
        let tooLarge = try refusal { editScene(&$0) { $0["groundTruth"] = [[3001, 0, 200]]; $0["predictions"] = [prediction(150, [0, 151])] } }
        #expect(tooLarge.contains("intersection"), "\(tooLarge)")
        let classes = try refusal { $0["classes"] = ["chair", "table"] }
        #expect(classes.contains("another class list"), "\(classes)")
        let minRegion = try refusal { $0["minRegionSize"] = 50 }
        #expect(minRegion.contains("minimum region size 50"), "\(minRegion)")
        let format = try refusal { $0["format"] = "something else" }
        #expect(format.contains("not a scene-matches file"), "\(format)")
        let missing = try refusal { editScene(&$0) { $0["predictions"] = [["classIndex": 0]] } }
        #expect(missing.contains("scenes[0].predictions[0]") && missing.contains("missing"), "\(missing)")
    }
}
