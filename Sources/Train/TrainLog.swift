import Foundation
import Support

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `RUN/log.jsonl`: one JSON object per step with `step` and numeric fields (every loss term, lr, grad norm).
/// Every failure to create or append (a directory in the way, a full disk) is `TrainError.unwritable` naming the file.
public final class TrainLog {
    let url: URL
    let handle: FileHandle

    /// Opens the log: on resume keeps the lines with `step <= keepThrough` (rewritten atomically; CRLF lines are read
    /// too), otherwise starts it empty.
    public init(url: URL, keepThrough: Int?) throws(TrainError) {
        self.url = url
        if let keep = keepThrough, let text = try? String(contentsOf: url, encoding: .utf8) {
            let kept = TextLines.split(text).filter { line in
                guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let s = o["step"] as? Int else { return false }
                return s <= keep
            }
            do { try Data(kept.map { $0 + "\n" }.joined().utf8).write(to: url, options: .atomic) } catch {
                throw .unwritable(path: url.path, reason: "cannot rewrite the log on resume: \(error)")
            }
        }
        // open(2) rather than an atomic write: truncating in place never replaces what the path names.
        let fd = open(url.path, O_WRONLY | O_CREAT | (keepThrough == nil ? O_TRUNC : 0), 0o644)
        guard fd >= 0 else { throw .unwritable(path: url.path, reason: String(cString: strerror(errno))) }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do { _ = try handle.seekToEnd() } catch { throw .unwritable(path: url.path, reason: "\(error)") }
    }

    /// Appends `{"step": step, key: value, ...}` with keys sorted; a failed write is `unwritable`.
    public func append(step: Int, values: [String: Double]) throws(TrainError) {
        var parts = ["\"step\":\(step)"]
        for k in values.keys.sorted() {
            let v = values[k] ?? 0
            parts.append("\"\(k)\":\(v.isFinite ? String(v) : "null")")
        }
        do { try handle.write(contentsOf: Data(("{" + parts.joined(separator: ",") + "}\n").utf8)) } catch {
            throw .unwritable(path: url.path, reason: "appending step \(step): \(error)")
        }
    }
}

/// Peak resident memory of this process in bytes (`VmHWM` of /proc/self/status), or nil where unavailable.
public func peakResidentBytes() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
    let kb = line.split(separator: " ").compactMap { Int($0) }.first
    return kb.map { $0 * 1024 }
}
