import Foundation

/// One annotated object of `<scene>.aggregation.json`: its instance id, raw category and over-segments.
public struct ScanNetObject: Sendable, Equatable {
    /// ScanNet's 0-based `objectId` (older files without `objectId`: the group's `id`).
    public var objectID: Int
    /// The raw annotation category, looked up in the label map's `raw_category` column.
    public var label: String
    /// Segment ids of `<scene>_vh_clean_2.0.010000.segs.json` covered by the object.
    public var segments: [Int]

    public init(objectID: Int, label: String, segments: [Int]) {
        self.objectID = objectID
        self.label = label
        self.segments = segments
    }
}

/// Readers of ScanNet's annotation files.
public enum ScanNetAnnotation {
    /// `segIndices` of a `*.segs.json` file: one segment id per mesh vertex.
    public static func readSegments(_ url: URL) throws(SceneIOError) -> [Int] {
        struct File: Decodable { let segIndices: [Int] }
        return try decode(File.self, from: url, what: "a segs.json with an integer array segIndices").segIndices
    }

    /// The objects of an aggregation file, in file order.
    ///
    /// Two layouts are read: the current one (`segGroups[i]` with `id`, `objectId`, `label`, `segments`) and
    /// the older one whose groups carry only `id` (then `id` is the object id). A group with neither is an
    /// error naming its position.
    public static func readAggregation(_ url: URL) throws(SceneIOError) -> [ScanNetObject] {
        struct Group: Decodable {
            let id: Int?
            let objectId: Int?
            let label: String
            let segments: [Int]
        }
        struct File: Decodable { let segGroups: [Group] }
        let file = try decode(File.self, from: url, what: "an aggregation.json with segGroups [{objectId|id, label, segments}]")
        var objects: [ScanNetObject] = []
        objects.reserveCapacity(file.segGroups.count)
        for (i, group) in file.segGroups.enumerated() {
            guard let objectID = group.objectId ?? group.id else {
                throw .unreadable(url: url, reason: "segGroups[\(i)] (label \"\(group.label)\") has neither objectId nor id")
            }
            guard objectID >= 0 else {
                throw .unreadable(url: url, reason: "segGroups[\(i)] (label \"\(group.label)\") has objectId \(objectID) < 0")
            }
            objects.append(ScanNetObject(objectID: objectID, label: group.label, segments: group.segments))
        }
        return objects
    }

    private static func decode<T: Decodable>(_ type: T.Type, from url: URL, what: String) throws(SceneIOError) -> T {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(url: url, reason: error.localizedDescription)
        }
        do { return try JSONDecoder().decode(T.self, from: data) } catch let DecodingError.keyNotFound(key, context) {
            throw .unreadable(url: url, reason: "missing \"\(key.stringValue)\" at \(path(context.codingPath)); expected \(what)")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .unreadable(url: url, reason: "wrong type at \(path(context.codingPath)); expected \(what)")
        } catch {
            throw .unreadable(url: url, reason: "not valid JSON (\(error)); expected \(what)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}
