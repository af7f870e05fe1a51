import Foundation

/// Errors raised while reading predictions, ground truth or class lists for evaluation.
public enum EvalError: Error, Equatable {
    case malformedFile(url: URL, line: Int, reason: String)
}
