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

/// A one-line progress bar on stderr: step, loss, lr and ETA.
public struct ProgressBar {
    let total: Int
    let start = Date()
    let firstStep: Int
    public init(total: Int, firstStep: Int) { self.total = total; self.firstStep = firstStep }

    public func update(step: Int, loss: Double, lr: Double) {
        // Not a terminal (a log file): about 20 lines per run instead of one per step.
        if isatty(2) == 0, step != total, step % max(1, total / 20) != 0 { return }
        let done = Double(step - firstStep), left = Double(total - step)
        let eta = done > 0 ? Date().timeIntervalSince(start) / done * left : 0
        let width = 24, filled = total > 0 ? width * step / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\r[%@] %d/%d loss %.4f lr %.2e ETA %02d:%02d", bar, step, total, loss, lr, Int(eta) / 60, Int(eta) % 60)
        FileHandle.standardError.write((isatty(2) == 0 ? String(line.dropFirst()) + "\n" : line).data(using: .utf8) ?? Data())
        if isatty(2) != 0, step == total { FileHandle.standardError.write("\n".data(using: .utf8) ?? Data()) }
    }
}

/// Peak resident memory of this process in bytes (`VmHWM` of /proc/self/status), or nil where unavailable.
public func peakResidentBytes() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
    let kb = line.split(separator: " ").compactMap { Int($0) }.first
    return kb.map { $0 * 1024 }
}
