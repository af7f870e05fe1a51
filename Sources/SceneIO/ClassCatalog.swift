import Foundation

/// A list of semantic classes: label ids and exact names, in a fixed order.
///
/// Invariants: ids are unique, names are unique. The order is the benchmark's order and is
/// what per-class tables print.
public struct ClassCatalog: Sendable, Equatable {
    /// One class: its label id (as stored in `semantic.npy` and prediction files) and its name.
    public struct Entry: Sendable, Hashable, Codable {
        public let id: Int
        public let name: String

        public init(id: Int, name: String) {
            self.id = id
            self.name = name
        }
    }

    /// The classes in order.
    public let entries: [Entry]
    private let indexByName: [String: Int]
    private let indexByID: [Int: Int]

    /// Builds a catalog; `source` names where the entries came from, for the error message.
    public init(entries: [Entry], source: URL? = nil) throws(SceneIOError) {
        var byName: [String: Int] = [:]
        var byID: [Int: Int] = [:]
        let where_ = source ?? URL(fileURLWithPath: "<class list>")
        for (i, entry) in entries.enumerated() {
            if byName.updateValue(i, forKey: entry.name) != nil {
                throw .unreadable(url: where_, reason: "class name \"\(entry.name)\" appears twice")
            }
            if byID.updateValue(i, forKey: entry.id) != nil {
                throw .unreadable(url: where_, reason: "class id \(entry.id) appears twice")
            }
        }
        self.entries = entries
        self.indexByName = byName
        self.indexByID = byID
    }

    public static func == (lhs: ClassCatalog, rhs: ClassCatalog) -> Bool { lhs.entries == rhs.entries }

    /// The number of classes.
    public var count: Int { entries.count }
    /// The class names in order.
    public var names: [String] { entries.map(\.name) }

    /// The class with this exact name, if listed.
    public func entry(named name: String) -> Entry? { indexByName[name].map { entries[$0] } }
    /// The class with this label id, if listed.
    public func entry(id: Int) -> Entry? { indexByID[id].map { entries[$0] } }
    /// The position of a class in `entries`, by name.
    public func index(ofName name: String) -> Int? { indexByName[name] }
    /// The position of a class in `entries`, by label id.
    public func index(ofID id: Int) -> Int? { indexByID[id] }

    /// The same catalog without the named classes (e.g. the stuff classes "wall" and "floor").
    public func removing(_ names: Set<String>) -> ClassCatalog {
        let kept = entries.filter { !names.contains($0.name) }
        // Removing entries from a valid catalog keeps ids and names unique.
        return (try? ClassCatalog(entries: kept)) ?? self
    }
}

// MARK: - ScanNet200

extension ClassCatalog {
    /// The 200 ScanNet200 classes with raw ScanNet label ids, in benchmark order.
    public static func scanNet200() -> ClassCatalog {
        let entries = zip(ScanNet200Tables.ids, ScanNet200Tables.names).map { Entry(id: $0, name: $1) }
        // The generated tables are unique by construction (tools/gen_class_tables.py asserts the sizes,
        // and the catalog tests check uniqueness).
        return (try? ClassCatalog(entries: entries)) ?? ClassCatalog.emptyCatalog
    }

    /// The 198 ScanNet200 instance classes: every class except the stuff classes wall and floor.
    public static func scanNet200Instances() -> ClassCatalog {
        scanNet200().removing(["wall", "floor"])
    }

    private static var emptyCatalog: ClassCatalog {
        ClassCatalog(uncheckedEntries: [])
    }

    private init(uncheckedEntries: [Entry]) {
        entries = uncheckedEntries
        indexByName = [:]
        indexByID = [:]
    }
}

// MARK: - Reading a user's class list

extension ClassCatalog {
    /// Reads a class list from JSON. Accepted shapes:
    /// - `[{"id": 3, "name": "cabinet"}, ...]`
    /// - `{"classes": [{"id": .., "name": ..}, ...]}`
    /// - `["cabinet", "bed", ...]` (ids are then 1, 2, 3, … in order)
    /// - the ScanNet200 file of this repository (`VALID_CLASS_IDS_200` + `CLASS_LABELS_200`).
    public static func load(from url: URL) throws(SceneIOError) -> ClassCatalog {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(url: url, reason: "cannot read class list: \(error.localizedDescription)")
        }
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data) } catch {
            throw .unreadable(url: url, reason: "not valid JSON: \(error.localizedDescription)")
        }
        let entries = try parseEntries(json, url: url)
        if entries.isEmpty { throw .unreadable(url: url, reason: "the class list is empty") }
        return try ClassCatalog(entries: entries, source: url)
    }

    private static func parseEntries(_ json: Any, url: URL) throws(SceneIOError) -> [Entry] {
        if let names = json as? [String] {
            return names.enumerated().map { Entry(id: $0.offset + 1, name: $0.element) }
        }
        if let objects = json as? [[String: Any]] {
            var out: [Entry] = []
            for (i, object) in objects.enumerated() {
                guard let id = object["id"] as? Int, let name = object["name"] as? String else {
                    throw .unreadable(url: url, reason: "entry \(i) needs an integer \"id\" and a string \"name\"")
                }
                out.append(Entry(id: id, name: name))
            }
            return out
        }
        if let object = json as? [String: Any] {
            if let classes = object["classes"] { return try parseEntries(classes, url: url) }
            if let ids = object["VALID_CLASS_IDS_200"] as? [Int], let names = object["CLASS_LABELS_200"] as? [String] {
                guard ids.count == names.count else {
                    throw .unreadable(url: url, reason: "VALID_CLASS_IDS_200 has \(ids.count) ids but CLASS_LABELS_200 has \(names.count) names")
                }
                return zip(ids, names).map { Entry(id: $0, name: $1) }
            }
        }
        throw .unreadable(url: url, reason: "expected a list of names, a list of {\"id\",\"name\"} objects, or {\"classes\": [...]}")
    }
}
