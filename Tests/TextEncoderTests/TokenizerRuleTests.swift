import Testing
@testable import TextEncoder

/// Each rule of the BERT tokenizer on a small hand-made vocabulary (no model files needed).
@Suite struct TokenizerRuleTests {
    static let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "chair", "wood", "##en", "##s", "a", "##a",
                             "!", ",", "[", "]", "cafe", "日", "本", "x", "##y", "y", "istanbul"]
    let tokenizer: WordPieceTokenizer

    init() throws { tokenizer = try WordPieceTokenizer(tokens: Self.vocabulary) }

    func pieces(_ text: String) -> [String] {
        let ids = tokenizer.encode(text).ids
        #expect(ids.first == 2 && ids.last == 3, "[CLS] … [SEP] around \(text)")
        return tokenizer.strings(Array(ids.dropFirst().dropLast()))
    }

    @Test(arguments: [
        // lower-casing, and accent stripping (NFD, drop non-spacing marks), also of precomposed capitals
        ("CHAIR", ["chair"]), ("Café", ["cafe"]), ("CAFÉ", ["cafe"]), ("İstanbul", ["istanbul"]),
        ("cafe\u{301}", ["cafe"]),
        // control and format characters dropped, tab/newline/no-break/em spaces split words
        ("ch\u{7}air", ["chair"]), ("ch\u{200B}air", ["chair"]), ("cha\u{AD}ir", ["chair"]),
        ("chair\ta\nchair", ["chair", "a", "chair"]), ("\u{A0}chair\u{2003}a", ["chair", "a"]),
        ("chair\u{FFFD}", ["chair"]), ("ch\u{E000}air", ["chair"]),
        // CJK ideographs become words of their own
        ("日本", ["日", "本"]), ("x日y", ["x", "日", "y"]),
        // punctuation is split off, ASCII and Unicode (the em dash is not in the vocabulary: one [UNK] word)
        ("chair,a!", ["chair", ",", "a", "!"]), ("chair—a", ["chair", "[UNK]", "a"]),
        // WordPiece: longest prefix, then ## continuations; an uncoverable word is one [UNK]
        ("wooden", ["wood", "##en"]), ("woodens", ["wood", "##en", "##s"]), ("woodq chair", ["[UNK]", "chair"]),
        ("xy", ["x", "##y"]),
        // special-token strings as written (case-sensitive, even inside a word) stay special
        ("x[SEP]y", ["x", "[SEP]", "y"]), ("[CLS] chair [MASK]", ["[CLS]", "chair", "[MASK]"]),
        ("[sep]", ["[", "[UNK]", "]"]), ("[PAD]", ["[PAD]"]),
        // empty and white-space-only text
        ("", []), (" \t\n ", []),
        // Unicode 8.0 category tables: U+08E3 (Mn, 8.0) is stripped, U+08D4 (Mn, 9.0) is not
        ("x\u{8E3}y", ["x", "##y"]), ("x\u{8D4}y", ["[UNK]"]),
        // U+2E42 (Ps, 7.0) is punctuation, U+2E45 (Po, 10.0) is not yet
        ("x\u{2E42}y", ["x", "[UNK]", "y"]), ("x\u{2E45}y", ["[UNK]"]),
    ] as [(String, [String])])
    func rule(text: String, expected: [String]) {
        #expect(pieces(text) == expected)
    }

    @Test func wordsOfMoreThan100CharactersAreUnknown() {
        #expect(pieces(String(repeating: "a", count: 100)) == ["a"] + Array(repeating: "##a", count: 99))
        #expect(pieces(String(repeating: "a", count: 101)) == ["[UNK]"])
    }

    @Test func truncationKeepsTheFirst254PiecesAndTheSeparator() {
        let t = tokenizer.encode(Array(repeating: "chair", count: 300).joined(separator: " "))
        #expect(t.ids.count == 256)
        #expect(t.ids.first == 2 && t.ids.last == 3)
        #expect(t.truncatedPieces == 46)
        #expect(t.ids.dropFirst().dropLast().allSatisfy { $0 == 5 })
        #expect(tokenizer.encode("chair a").truncatedPieces == 0)
    }

    @Test func onlyUnknownIsFlaggedOnlyWhenEveryPieceIsUnknown() {
        #expect(tokenizer.encode("qqq zzz").onlyUnknown)
        #expect(tokenizer.encode("[UNK]").onlyUnknown)
        #expect(!tokenizer.encode("qqq chair").onlyUnknown)
        #expect(!tokenizer.encode("").onlyUnknown)
    }

    @Test func aVocabularyWithoutSpecialTokensIsRefused() {
        #expect(throws: TextEncoderError.badVocabulary(path: "memory", reason: "no [CLS] token")) {
            try WordPieceTokenizer(tokens: ["[PAD]", "[UNK]", "chair"])
        }
    }
}
