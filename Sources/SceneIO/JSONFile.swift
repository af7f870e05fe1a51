import Foundation

/// Codable JSON files with typed errors: pretty-printed, sorted keys (stable diffs), atomic writes.
public enum JSONFile {
    public static func read<T: Decodable>(_ type: T.Type, from url: URL) throws(SceneIOError) -> T {
        let bytes = try PosixFile(reading: url).readAll()
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, context) {
            throw .invalidJSON(url: url, reason: "missing key '\(path(context.codingPath + [key]))'")
        } catch let DecodingError.typeMismatch(expected, context) {
            throw .invalidJSON(url: url, reason: "'\(path(context.codingPath))' is not a \(expected)")
        } catch let DecodingError.valueNotFound(expected, context) {
            throw .invalidJSON(url: url, reason: "'\(path(context.codingPath))' is null, expected a \(expected)")
        } catch let DecodingError.dataCorrupted(context) {
            throw .invalidJSON(url: url, reason: "\(path(context.codingPath)) \(context.debugDescription)")
        } catch {
            throw .invalidJSON(url: url, reason: "\(error)")
        }
    }

    public static func write<T: Encodable>(_ value: T, to url: URL) throws(SceneIOError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(value) } catch {
            throw .unwritable(url: url, reason: "cannot encode JSON: \(error)")
        }
        try AtomicFile.write(data + Data("\n".utf8), to: url)
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
