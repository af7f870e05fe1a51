/// Splitting text files into lines whatever their line endings. In Swift "\r\n" is one `Character`, so
/// `split(separator: "\n")` leaves a CRLF file as a single line; every reader of line-based text uses this instead.
public enum TextLines {
    /// The lines of `text`, split at "\n", "\r\n" and a lone "\r", without their terminators. Empty lines are kept
    /// so that positions are the file's line numbers minus one; a final terminator yields a last empty line.
    public static func split(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
    }
}
