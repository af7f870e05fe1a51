import Foundation
import Support

/// One line of a benchmark prediction file: `<relative mask path> <label id> <confidence>`.
public struct PredictionEntry: Sendable, Equatable {
    /// The mask file, resolved against the prediction file's folder.
    public var mask: URL
    /// The predicted class's label id.
    public var labelID: Int
    /// The prediction's score.
    public var confidence: Double
}

/// Reader of a scene's prediction list (`PRED/<scene>.txt`).
public enum PredictionFile {
    /// Reads the entries in file order.
    ///
    /// Like the benchmark, a mask listed twice is one prediction: it keeps the position of its first
    /// line and the label and confidence of its last line. Label ids may be written as floats ("3.0")
    /// and are truncated as `int(float(x))` does. Blank lines are skipped. Mask paths must be relative
    /// and stay inside `root`.
    public static func read(_ url: URL, root: URL) throws(EvalError) -> [PredictionEntry] {
        let data = try IntegerLines.bytes(of: url)
        let text = String(decoding: data, as: UTF8.self)
        let folder = url.deletingLastPathComponent()
        let rootPath = root.standardizedFileURL.path
        var entries: [PredictionEntry] = []
        var position: [String: Int] = [:]
        var lineNumber = 0
        for rawLine in TextLines.split(text) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 3 else {
                throw .malformedFile(url: url, line: lineNumber,
                                     reason: "expected `<relative mask path> <label id> <confidence>` separated by single spaces, got \(parts.count) fields")
            }
            guard !parts[0].hasPrefix("/") else {
                throw .malformedFile(url: url, line: lineNumber, reason: "mask path \(parts[0]) must be relative")
            }
            guard let labelValue = Double(parts[1]), labelValue.isFinite, abs(labelValue) < 1e15 else {
                throw .malformedFile(url: url, line: lineNumber, reason: "label id \(parts[1]) is not a number")
            }
            guard let confidence = Double(parts[2]), !confidence.isNaN else {
                throw .malformedFile(url: url, line: lineNumber, reason: "confidence \(parts[2]) is not a number")
            }
            let mask = folder.appendingPathComponent(String(parts[0])).standardizedFileURL
            guard mask.path.hasPrefix(rootPath) else {
                throw .malformedFile(url: url, line: lineNumber, reason: "mask \(parts[0]) points outside the prediction folder \(rootPath)")
            }
            let entry = PredictionEntry(mask: mask, labelID: Int(labelValue), confidence: confidence)
            if let existing = position[mask.path] {
                entries[existing] = entry
            } else {
                position[mask.path] = entries.count
                entries.append(entry)
            }
        }
        return entries
    }
}
