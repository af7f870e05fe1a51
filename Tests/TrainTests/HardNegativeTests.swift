import Foundation
import _TestSupport
import Support
import Testing
@testable import Train

/// `hardNegatives`: each name the step's targets use brings its nearest names (text-embedding cosine) into the
/// vocabulary as negatives, ahead of the random padding.
@Suite struct HardNegativeTests {
    /// Four names on a circle: b is 6° from a, c 90°, d 180°.
    static let circle: TextEmbeddings = {
        let angles: [Double] = [0, 6, 90, 180]
        let v = angles.flatMap { [Float(cos($0 * .pi / 180)), Float(sin($0 * .pi / 180))] }
        return TextEmbeddings(names: ["a", "b", "c", "d"], vectors: v, dims: 2)
    }()

    @Test func nearestNamesComeMostSimilarFirst() {
        let e = Self.circle
        #expect(e.nearest(to: "a", count: 2) == ["b", "c"])
        #expect(e.nearest(to: "a", count: 9) == ["b", "c", "d"])
        #expect(e.nearest(to: "a", count: 2, excluding: ["b"]) == ["c", "d"])
        #expect(e.nearest(to: "d", count: 1) == ["c"])
        #expect(e.nearest(to: "a", count: 0).isEmpty)
        #expect(e.nearest(to: "no such name", count: 2).isEmpty)
    }

    /// Property: on random embeddings, every name returned is at least as similar as every name left out.
    @Test(arguments: [1, 2, 3]) func nothingLeftOutIsCloserThanWhatIsReturned(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let names = (0..<40).map { "name \($0)" }
        let e = TextEmbeddings(names: names, vectors: (0..<(40 * 8)).map { _ in Float(rng.nextGaussian()) }, dims: 8)
        func cosine(_ x: String, _ y: String) -> Float {
            zip(e.vector(x) ?? [], e.vector(y) ?? []).reduce(0) { $0 + $1.0 * $1.1 }
        }
        for query in names.prefix(5) {
            let excluded: Set<String> = [names[39], names[38]]
            let near = e.nearest(to: query, count: 5, excluding: excluded)
            #expect(near.count == 5 && Set(near).count == 5)
            #expect(!near.contains(query) && near.allSatisfy { !excluded.contains($0) })
            let similarities = near.map { cosine(query, $0) }
            #expect(zip(similarities, similarities.dropFirst()).allSatisfy { $0 >= $1 })
            let rest = names.filter { $0 != query && !excluded.contains($0) && !near.contains($0) }
            #expect(rest.allSatisfy { cosine(query, $0) <= (similarities.last ?? 0) })
        }
    }

    static func batch(hardNegatives: Int, textCount: Int) throws -> StepBatch {
        let url = try TinyScene.write(to: temporaryFolder("hard-negatives").appendingPathComponent("scene0"))
        let scene = try TrainScene.load(url, baseClasses: ["chair"])
        var config = CurriculumTests.config([CurriculumPhase(stage: .views)])
        config.hardNegatives = hardNegatives
        config.textCount = textCount
        var rng = SeededGenerator(seed: 5)
        return try StepBatch.make(scene: scene, seeds: [0, 4, 6, 8], useViews: true, config: config,
                                  embeddings: TinyScene.embeddings(), step: 0, rng: &rng)
    }

    @Test func eachNameBringsItsNearestNamesIntoTheVocabulary() throws {
        let embeddings = TinyScene.embeddings()
        let positives = ["chair", "lamp", "table"]
        // Brute force: the most similar non-positive name of each positive.
        func closest(to name: String) -> String {
            let v = Array(embeddings.vector(name) ?? [])
            return embeddings.names.filter { !positives.contains($0) }.max { x, y in
                zip(v, embeddings.vector(x) ?? []).reduce(0) { $0 + $1.0 * $1.1 }
                    < zip(v, embeddings.vector(y) ?? []).reduce(0) { $0 + $1.0 * $1.1 }
            } ?? ""
        }
        var expected: [String] = []
        for p in positives where !expected.contains(closest(to: p)) { expected.append(closest(to: p)) }
        // textCount 2 leaves no room for random padding, so the vocabulary is the positives and the hard negatives,
        // past textCount.
        let hard = try Self.batch(hardNegatives: 1, textCount: 2)
        #expect(hard.vocabulary == positives + expected)
        // With room to spare, random negatives pad to textCount, and none repeats a hard one.
        let padded = try Self.batch(hardNegatives: 1, textCount: 9)
        #expect(padded.vocabulary.count == 9 && Set(padded.vocabulary).count == 9)
        #expect(Array(padded.vocabulary.prefix(positives.count + expected.count)) == positives + expected)
        // Two per name: a superset.
        let two = try Self.batch(hardNegatives: 2, textCount: 2)
        #expect(Set(two.vocabulary).isSuperset(of: hard.vocabulary) && two.vocabulary.count > hard.vocabulary.count)
    }

    /// Off, the step is what it was before the key existed: the same random negatives from the same generator.
    @Test func offLeavesTheRandomVocabularyAsItWas() throws {
        let off = try Self.batch(hardNegatives: 0, textCount: 6)
        let url = try TinyScene.write(to: temporaryFolder("hard-negatives-default").appendingPathComponent("scene0"))
        let scene = try TrainScene.load(url, baseClasses: ["chair"])
        var rng = SeededGenerator(seed: 5)
        let base = try StepBatch.make(scene: scene, seeds: [0, 4, 6, 8], useViews: true,
                                      config: CurriculumTests.config([CurriculumPhase(stage: .views)]),
                                      embeddings: TinyScene.embeddings(), step: 0, rng: &rng)
        #expect(off.vocabulary == base.vocabulary && off.vocabulary.count == 6)
    }

    @Test func aNegativeCountIsRefusedAndOlderConfigsDecode() throws {
        #expect(throws: TrainError.self) { try TrainConfig.decode(["hardNegatives": -1]) }
        do {
            _ = try TrainConfig.decode(["hardNegatives": -1])
        } catch {
            #expect("\(error)".contains("hardNegatives"))
        }
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(TrainConfig())) as? [String: Any])
        object.removeValue(forKey: "hardNegatives")
        let config = try JSONDecoder().decode(TrainConfig.self, from: JSONSerialization.data(withJSONObject: object))
        #expect((config.hardNegatives ?? 0) == 0)
        #expect(try TrainConfig.decode(["hardNegatives": 3]).hardNegatives == 3)
    }

    @Test func trainingWithHardNegatives() throws {
        let result = try TinyScene.trainer("hard-negatives-train", steps: 4) { $0.hardNegatives = 2 }.run()
        #expect(result.losses.count == 4 && result.losses.allSatisfy(\.isFinite))
    }
}
