import Foundation

/// Errors raised while reading or writing the toolkit's files. Every case names the file.
public enum SceneIOError: Error, Equatable, CustomStringConvertible {
    case unreadable(url: URL, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(url, reason):
            return "\(url.path): \(reason)"
        }
    }
}
