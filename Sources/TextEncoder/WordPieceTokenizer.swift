import Foundation

/// One phrase as the model sees it.
public struct TokenizedText: Sendable, Equatable {
    /// `[CLS] … [SEP]`, at most `maxLength` ids.
    public var ids: [Int32]
    /// Word pieces dropped by the truncation to `maxLength`.
    public var truncatedPieces: Int
    /// True when there is at least one piece between `[CLS]` and `[SEP]` and every one is `[UNK]`.
    public var onlyUnknown: Bool
}

/// BERT's uncased WordPiece tokenizer over a `vocab.txt` (one token a line, id = line number), matching the
/// reference pipeline (the model's `tokenizer.json`):
/// - special-token strings (`[PAD]`, `[UNK]`, `[CLS]`, `[SEP]`, `[MASK]`) written in the text, exactly as spelled
///   (case-sensitive, anywhere, even inside a word), become that token and are not normalised;
/// - the rest goes through `BertNormalizer` into words;
/// - each word becomes the longest vocabulary prefix, then the longest `##`-prefixed continuations; a word that
///   cannot be covered that way, or is longer than `maxWordCharacters` characters, becomes one `[UNK]`;
/// - `[CLS]` and `[SEP]` around, after dropping pieces from the right so that the whole fits `maxLength`.
public struct WordPieceTokenizer: Sendable {
    public static let specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    /// The model's `max_seq_length`, special tokens included.
    public var maxLength = 256
    public var maxWordCharacters = 100
    let vocabulary: [String: Int32]
    public let tokens: [String]
    public let cls: Int32, sep: Int32, unk: Int32, pad: Int32

    /// Reads `vocab.txt`; throws `badVocabulary` if a special token is missing.
    public init(vocabularyFile path: String) throws(TextEncoderError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        try self.init(tokens: lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }, source: path)
    }

    /// A tokenizer over `tokens` (id = index); `source` names them in errors.
    public init(tokens: [String], source: String = "memory") throws(TextEncoderError) {
        var vocabulary: [String: Int32] = [:]
        for (i, t) in tokens.enumerated() where vocabulary[t] == nil { vocabulary[t] = Int32(i) }
        func id(_ t: String) throws(TextEncoderError) -> Int32 {
            guard let i = vocabulary[t] else { throw .badVocabulary(path: source, reason: "no \(t) token") }
            return i
        }
        self.tokens = tokens
        self.vocabulary = vocabulary
        cls = try id("[CLS]"); sep = try id("[SEP]"); unk = try id("[UNK]"); pad = try id("[PAD]")
    }

    /// The ids of `text`, `[CLS]` first and `[SEP]` last, truncated on the right to `maxLength`.
    public func encode(_ text: String) -> TokenizedText {
        var pieces: [Int32] = []
        for segment in Self.splitSpecial(text) {
            switch segment {
            case .special(let token): pieces.append(vocabulary[token] ?? unk)
            case .text(let s):
                for word in BertNormalizer.words(s) { appendWordPieces(word, to: &pieces) }
            }
        }
        let room = max(maxLength - 2, 0)
        let dropped = max(pieces.count - room, 0)
        let kept = pieces.prefix(room)
        return TokenizedText(ids: [cls] + kept + [sep], truncatedPieces: dropped,
                             onlyUnknown: !kept.isEmpty && kept.allSatisfy { $0 == unk })
    }

    /// Token strings of `ids` (for display).
    public func strings(_ ids: [Int32]) -> [String] {
        ids.map { Int($0) < tokens.count && $0 >= 0 ? tokens[Int($0)] : "?" }
    }

    enum Segment: Equatable { case text(String), special(String) }

    /// Splits out special-token strings, leftmost first (no two of them overlap).
    static func splitSpecial(_ text: String) -> [Segment] {
        var out: [Segment] = []
        let bytes = Array(text.utf8)
        let specials = specialTokens.map { Array($0.utf8) }
        var start = 0, i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "["),
               let hit = specials.first(where: { i + $0.count <= bytes.count && bytes[i..<(i + $0.count)].elementsEqual($0) }) {
                if i > start { out.append(.text(String(decoding: bytes[start..<i], as: UTF8.self))) }
                out.append(.special(String(decoding: hit, as: UTF8.self)))
                i += hit.count
                start = i
            } else {
                i += 1
            }
        }
        if start < bytes.count { out.append(.text(String(decoding: bytes[start...], as: UTF8.self))) }
        return out
    }

    /// Greedy longest-match-first WordPiece of one word.
    func appendWordPieces(_ word: [Unicode.Scalar], to pieces: inout [Int32]) {
        if word.count > maxWordCharacters { pieces.append(unk); return }
        var found: [Int32] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var match: Int32?
            while start < end {
                var s = start > 0 ? "##" : ""
                s.unicodeScalars.append(contentsOf: word[start..<end])
                if let id = vocabulary[s] { match = id; break }
                end -= 1
            }
            guard let id = match else { pieces.append(unk); return }
            found.append(id)
            start = end
        }
        pieces.append(contentsOf: found)
    }
}
