import Foundation
import Testing
import SceneIO
@testable import SceneSynth

@Suite struct CategoryTableTests {
    @Test func namesIdsAndSplitsMatchTheDataFiles() throws {
        let classes = try loadJSON("scannet200_classes.json")
        let idToName = try #require(classes["id_to_name_200"] as? [String: String])
        let split = try loadJSON("scannet200_base51_novel147.json")
        let base = Set(try #require(split["base"] as? [String])), novel = Set(try #require(split["novel"] as? [String]))
        for c in SynthCategories.all {
            #expect(idToName[String(c.scanNetID)] == c.name, "\(c.name) has id \(c.scanNetID)")
            let expected: CategorySplit = base.contains(c.name) ? .base : (novel.contains(c.name) ? .novel : .none)
            #expect(c.split == expected, "\(c.name)")
        }
    }

    @Test func tableAgreesWithTheSharedClassCatalog() {
        let catalog = ClassCatalog.scanNet200()
        for c in SynthCategories.all { #expect(catalog.entry(named: c.name)?.id == Int(c.scanNetID), "\(c.name)") }
        for label in Simulated2DModel.labelVocabulary { #expect(catalog.entry(named: label) != nil, "\(label)") }
    }

    @Test func libraryCoversEnoughBaseNovelAndFlatCategories() throws {
        let used = Set(ObjectLibrary.kinds.map(\.category))
        let categories = try used.map { name throws(SceneSynthError) in try SynthCategories.named(name) }
        #expect(used.count >= 40)
        #expect(categories.filter { $0.split == .base }.count >= 12)
        #expect(categories.filter { $0.split == .novel }.count >= 20)
        #expect(categories.filter(\.isFlat).count >= 8)
    }

    @Test func everyEmittedLabelIsAScanNet200Name() throws {
        let classes = try loadJSON("scannet200_classes.json")
        let names = Set(try #require(classes["id_to_name_200"] as? [String: String]).values)
        for label in Simulated2DModel.labelVocabulary { #expect(names.contains(label), "\(label)") }
        for kind in ObjectLibrary.kinds {
            #expect(LabelConfusion.confusables[kind.category]?.isEmpty == false, "\(kind.category) has no confusable")
        }
    }

    @Test func unknownCategoryThrowsWithTheName() {
        #expect(throws: SceneSynthError.unknownCategory(name: "spaceship")) { try SynthCategories.named("spaceship") }
    }
}
