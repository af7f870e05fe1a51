import Foundation

/// `RUN/log.jsonl`: one JSON object per step with `step` and numeric fields (every loss term, lr, grad norm).
public final class TrainLog {
    let url: URL
    let handle: FileHandle

    /// Opens (creating) the log; on resume, lines with `step > keepThrough` are dropped first.
    public init(url: URL, keepThrough: Int?) throws {
        self.url = url
        if let keep = keepThrough, let text = try? String(contentsOf: url, encoding: .utf8) {
            let kept = text.split(separator: "\n").filter { line in
                guard let d = line.data(using: .utf8), let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any],
                      let s = o["step"] as? Int else { return false }
                return s <= keep
            }
            try (kept.map { $0 + "\n" }.joined()).write(to: url, atomically: true, encoding: .utf8)
        } else {
            try Data().write(to: url, options: .atomic)
        }
        handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
    }

    deinit { try? handle.close() }

    /// Appends `{"step": step, key: value, ...}` with keys sorted.
    public func append(step: Int, values: [String: Double]) {
        var parts = ["\"step\":\(step)"]
        for k in values.keys.sorted() {
            let v = values[k] ?? 0
            parts.append("\"\(k)\":\(v.isFinite ? String(v) : "null")")
        }
        handle.write(("{" + parts.joined(separator: ",") + "}\n").data(using: .utf8) ?? Data())
    }
}

/// Peak resident memory of this process in bytes (`VmHWM` of /proc/self/status), or nil where unavailable.
public func peakResidentBytes() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
    let kb = line.split(separator: " ").compactMap { Int($0) }.first
    return kb.map { $0 * 1024 }
}
