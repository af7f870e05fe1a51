import Foundation

/// A file of phrases: a JSON array of strings, or UTF-8 text with one phrase a line (a final `\r` is dropped;
/// empty lines are skipped). Text that is not valid UTF-8 is an error naming the byte offset.
public enum PhraseFile {
    public static func read(_ path: String) throws(TextEncoderError) -> [String] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        let bytes = [UInt8](data)
        if let offset = firstInvalidUTF8(bytes) { throw .invalidUTF8(path: path, byteOffset: offset) }
        let text = String(decoding: bytes, as: UTF8.self)
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.first == "[" {
            guard let array = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
                throw .badPhraseFile(path: path, reason: "starts with '[' but is not a JSON array")
            }
            var phrases: [String] = []
            for (i, item) in array.enumerated() {
                guard let s = item as? String else { throw .badPhraseFile(path: path, reason: "element [\(i)] is not a string") }
                phrases.append(s)
            }
            return phrases
        }
        // Split the bytes, not the Characters: "\r\n" is one Character in Swift.
        return bytes.split(separator: 0x0A, omittingEmptySubsequences: true)
            .map { String(decoding: $0.last == 0x0D ? $0.dropLast() : $0, as: UTF8.self) }
            .filter { !$0.isEmpty }
    }

    /// The byte offset of the first byte that does not start or continue a valid UTF-8 sequence, or nil.
    public static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .error: return offset
            case .emptyInput: return nil
            }
        }
    }
}
