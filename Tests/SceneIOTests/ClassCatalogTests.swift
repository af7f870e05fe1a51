import Foundation
import Testing
@testable import SceneIO

@Suite struct ClassCatalogTests {
    @Test func scanNet200HasTwoHundredUniqueClasses() {
        let catalog = ClassCatalog.scanNet200()
        #expect(catalog.count == 200)
        #expect(Set(catalog.names).count == 200)
        #expect(catalog.entry(named: "chair")?.id == 2)
        #expect(catalog.entry(id: 1)?.name == "wall")
    }

    @Test func instanceClassesDropWallAndFloor() {
        let instances = ClassCatalog.scanNet200Instances()
        #expect(instances.count == 198)
        #expect(instances.entry(named: "wall") == nil)
        #expect(instances.entry(named: "floor") == nil)
    }

    @Test func splitsCoverTheInstanceClassesExactly() throws {
        let instances = Set(ClassCatalog.scanNet200Instances().names)
        let split = ClassGroups.baseNovel()
        let base = try #require(split.group(named: "base")).classes
        let novel = try #require(split.group(named: "novel")).classes
        #expect(base.count == 51 && novel.count == 147)
        #expect(Set(base).isDisjoint(with: novel))
        #expect(Set(base).union(novel) == instances)
        let hct = ClassGroups.headCommonTail()
        let all = hct.groups.flatMap(\.classes)
        #expect(all.count == 200 && Set(all) == Set(ClassCatalog.scanNet200().names))
    }

    @Test func userGroupsKeepFileOrder() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("groups-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(#"{"_note": "x", "zeta": ["chair"], "alpha": ["table", "desk"]}"#.utf8).write(to: url)
        let groups = try ClassGroups.load(from: url)
        #expect(groups.groups.map(\.name) == ["zeta", "alpha"])
        #expect(groups.group(named: "alpha")?.classes == ["table", "desk"])
    }

    @Test(arguments: [
        #"["chair", "chair"]"#,
        #"[{"id": 1, "name": "a"}, {"id": 1, "name": "b"}]"#,
        #"{"classes": 3}"#,
        #"not json"#,
        #"[]"#,
    ])
    func badClassListsNameTheFile(contents: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("classes-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(contents.utf8).write(to: url)
        #expect {
            _ = try ClassCatalog.load(from: url)
        } throws: { error in
            "\(error)".contains(url.lastPathComponent)
        }
    }

    @Test func scanNetFileLoadsLikeTheBuiltInTable() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("data/scannet200_classes.json")
        #expect(try ClassCatalog.load(from: file) == ClassCatalog.scanNet200())
    }
}

@Suite struct ClassGroupsSeparatingTests {
    @Test func unseenClassesLeaveEveryGroupAndFormTheirOwn() {
        let groups = ClassGroups(groups: [.init(name: "base", classes: ["chair", "table"]),
                                          .init(name: "novel", classes: ["lamp", "mirror", "light switch"])])
        let split = groups.separating(["mirror", "light switch"], into: "unseen")
        #expect(split.groups.map(\.name) == ["base", "novel", "unseen"])
        #expect(split.group(named: "base")?.classes == ["chair", "table"])
        #expect(split.group(named: "novel")?.classes == ["lamp"])
        #expect(split.group(named: "unseen")?.classes == ["mirror", "light switch"])
    }
}
