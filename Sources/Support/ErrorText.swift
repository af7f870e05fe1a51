/// Messages of the stages' errors.
public enum ErrorText {
    /// "PATH: REASON", or REASON alone when it already names PATH or a file inside it: a stage that wraps a reader's
    /// error (which names the file) then does not print the same path twice.
    public static func located(_ path: String, _ reason: String) -> String {
        !path.isEmpty && reason.contains(path) ? reason : "\(path): \(reason)"
    }
}
