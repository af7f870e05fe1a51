/// Messages of the stages' errors.
public enum ErrorText {
    /// "PATH: REASON", or REASON alone when it already names PATH or a file inside it: a stage that wraps a reader's
    /// error (which names the file) then does not print the same path twice. A longer path that merely starts or
    /// ends with PATH (`/data/room2`, `/old/data/room`) does not count as naming it.
    public static func located(_ path: String, _ reason: String) -> String {
        names(reason, path) ? reason : "\(path): \(reason)"
    }

    /// Whether `text` holds `path` as a whole path: not preceded by a path character, and followed by the end, a
    /// `/` (a file inside it) or a character that cannot continue a file name.
    static func names(_ text: String, _ path: String) -> Bool {
        guard !path.isEmpty else { return false }
        let t = Array(text.unicodeScalars), p = Array(path.unicodeScalars)
        func continuesName(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || ("0"..."9").contains(c) || "._-~".unicodeScalars.contains(c)
        }
        guard t.count >= p.count else { return false }
        for start in 0...(t.count - p.count) where t[start..<(start + p.count)].elementsEqual(p) {
            if start > 0, continuesName(t[start - 1]) || t[start - 1] == "/" { continue }
            let end = start + p.count
            if end == t.count || t[end] == "/" || !continuesName(t[end]) { return true }
        }
        return false
    }
}
