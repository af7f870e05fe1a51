import Foundation

/// The text clean-up and word splitting of BERT's uncased tokenizer, as the reference pipeline (the
/// `tokenizer.json` of all-MiniLM-L6-v2: a BERT normaliser with lower-casing, then a BERT pre-tokeniser) does it:
///
/// 1. drop U+0000, U+FFFD and control, format and private-use characters (categories Cc, Cf, Co) except tab,
///    newline and carriage return; map every white-space character to a space;
/// 2. surround CJK ideographs with spaces, so that each is a word of its own;
/// 3. strip accents: canonical decomposition (NFD), then drop non-spacing marks (Mn);
/// 4. lower-case, one character at a time (no context rules such as the Greek final sigma);
/// 5. split on white space (dropped) and on punctuation (ASCII punctuation and categories P*, each kept as a word).
///
/// The reference's category tables (for Cc/Cf/Co, Mn and P*) are those of Unicode 8.0: a character assigned
/// later belongs to none of them there, so it is neither dropped, nor stripped, nor split off. Checked against
/// the reference: U+08E3 (Mn, 8.0) is stripped, U+08D4 (Mn, 9.0) and U+0B55 (Mn, 13.0) are not; U+08E2 (Cf, 9.0)
/// is kept; U+2E42 (Ps, 7.0) splits a word, U+2E45 (Po, 10.0) does not. Unassigned code points are kept.
/// `assignedVersion` reproduces that.
public enum BertNormalizer {
    /// Characters assigned after this Unicode version are treated as unassigned, as by the reference.
    public static let assignedVersion = (major: 8, minor: 0)

    /// Steps 1–5: the words WordPiece sees.
    public static func words(_ text: String) -> [[Unicode.Scalar]] {
        split(normalize(text))
    }

    /// Steps 1–4.
    public static func normalize(_ text: String) -> String {
        var cleaned = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.value == 0 || s.value == 0xFFFD || isControl(s) { continue }
            if isWhitespace(s) { cleaned.append(" "); continue }
            if isCJK(s) {
                cleaned.append(" "); cleaned.append(s); cleaned.append(" ")
            } else {
                cleaned.append(s)
            }
        }
        let decomposed = String(cleaned).decomposedStringWithCanonicalMapping
        var out = String.UnicodeScalarView()
        for s in decomposed.unicodeScalars where !(isAssigned(s) && s.properties.generalCategory == .nonspacingMark) {
            out.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
        }
        return String(out)
    }

    /// Step 5.
    public static func split(_ text: String) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for s in text.unicodeScalars {
            if s.properties.isWhitespace {
                if !current.isEmpty { words.append(current); current = [] }
            } else if isPunctuation(s) {
                if !current.isEmpty { words.append(current); current = [] }
                words.append([s])
            } else {
                current.append(s)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    static func isAssigned(_ s: Unicode.Scalar) -> Bool {
        guard let age = s.properties.age else { return false }
        return (age.major, age.minor) <= assignedVersion
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == "\t" || s == "\n" || s == "\r" || s.properties.isWhitespace
    }

    /// Categories Cc, Cf and Co as of `assignedVersion`, except tab, newline and carriage return.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        guard isAssigned(s) else { return false }
        switch s.properties.generalCategory {
        case .control, .format, .privateUse: return true
        default: return false
        }
    }

    /// The CJK Unified Ideographs blocks and their extensions and compatibility blocks (not Hangul or kana).
    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
        default: return false
        }
    }

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII {
            let v = s.value
            return (0x21...0x2F).contains(v) || (0x3A...0x40).contains(v) || (0x5B...0x60).contains(v) || (0x7B...0x7E).contains(v)
        }
        guard isAssigned(s) else { return false }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }
}
