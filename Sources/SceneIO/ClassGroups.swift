import Foundation

/// Named groups of classes over which results are averaged: base/novel, head/common/tail, or a user's own.
///
/// Group order is kept as given; a class may belong to several groups or to none.
public struct ClassGroups: Sendable, Equatable {
    /// One named group of class names.
    public struct Group: Sendable, Equatable {
        public let name: String
        public let classes: [String]

        public init(name: String, classes: [String]) {
            self.name = name
            self.classes = classes
        }
    }

    public let groups: [Group]

    public init(groups: [Group]) {
        self.groups = groups
    }

    /// The group with this name, if present.
    public func group(named name: String) -> Group? { groups.first { $0.name == name } }

    /// The Open3DIS split used by OVSeg3R's standard open-vocabulary setting: 51 base and 147 novel classes.
    public static func baseNovel() -> ClassGroups {
        ClassGroups(groups: [
            Group(name: "base", classes: ScanNet200Tables.base),
            Group(name: "novel", classes: ScanNet200Tables.novel),
        ])
    }

    /// The ScanNet200 frequency split: head (66, with wall and floor), common (68) and tail (66).
    public static func headCommonTail() -> ClassGroups {
        ClassGroups(groups: [
            Group(name: "head", classes: ScanNet200Tables.head),
            Group(name: "common", classes: ScanNet200Tables.common),
            Group(name: "tail", classes: ScanNet200Tables.tail),
        ])
    }

    /// These groups with `classes` moved out of every group into a new last group `name` (e.g. the zero-shot
    /// "unseen" classes out of "novel").
    public func separating(_ classes: [String], into name: String) -> ClassGroups {
        let moved = Set(classes)
        return ClassGroups(groups: groups.map { Group(name: $0.name, classes: $0.classes.filter { !moved.contains($0) }) }
                           + [Group(name: name, classes: classes)])
    }

    /// Reads any JSON object of named class lists, e.g. `{"base": ["chair", ...], "novel": [...]}`.
    /// Keys starting with "_" are comments. Groups keep the file's key order.
    public static func load(from url: URL) throws(SceneIOError) -> ClassGroups {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(url: url, reason: "cannot read class groups: \(error.localizedDescription)")
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw .unreadable(url: url, reason: "not valid JSON: \(error.localizedDescription)")
        }
        guard let dictionary = object as? [String: Any] else {
            throw .unreadable(url: url, reason: "expected a JSON object of named class lists, e.g. {\"base\": [\"chair\"]}")
        }
        var groups: [Group] = []
        for name in orderedKeys(in: data) where !name.hasPrefix("_") {
            let value = dictionary[name]
            if let names = value as? [String] {
                groups.append(Group(name: name, classes: names))
            } else if let nested = value as? [String: Any], let names = nested["names"] as? [String] {
                groups.append(Group(name: name, classes: names))
            } else {
                throw .unreadable(url: url, reason: "group \"\(name)\" is not a list of class names")
            }
        }
        if groups.isEmpty { throw .unreadable(url: url, reason: "no class groups found") }
        return ClassGroups(groups: groups)
    }

    /// The top-level keys of a JSON object in file order (JSONSerialization loses the order).
    private static func orderedKeys(in data: Data) -> [String] {
        var keys: [String] = []
        var depth = 0
        var index = data.startIndex
        var lastString: String?
        while index < data.endIndex {
            let byte = data[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "\""):
                var end = data.index(after: index)
                while end < data.endIndex, data[end] != UInt8(ascii: "\"") {
                    if data[end] == UInt8(ascii: "\\") { end = data.index(after: end) }
                    end = data.index(after: end)
                }
                lastString = String(decoding: data[data.index(after: index)..<min(end, data.endIndex)], as: UTF8.self)
                index = end
            case UInt8(ascii: ":"):
                if depth == 1, let key = lastString { keys.append(key) }
            default: break
            }
            index = data.index(after: index)
        }
        return keys
    }
}
