import Foundation

/// A `\r`-rewritten progress line on stderr (at most 5 redraws per second) for long loops, e.g.
/// `superpoints  [########........] 40/120 views  3.1 /s  ETA 26 s`.
public final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let stage: String
    private let unit: String
    private let start = Date()
    private var lastDraw = Date.distantPast

    public init(_ stage: String, unit: String, enabled: Bool) {
        self.stage = stage
        self.unit = unit
        self.enabled = enabled
    }

    public func update(_ done: Int, of total: Int) {
        guard enabled else { return }
        let now = Date()
        guard done >= total || now.timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(max(total - done, 0)) / rate : 0
        let width = 24, filled = total > 0 ? min(width, width * done / total) : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = "\r" + stage.padding(toLength: 12, withPad: " ", startingAt: 0) + " [" + bar + "] \(done)/\(total) \(unit)  "
            + String(format: "%.1f /s  ETA %.0f s ", rate, eta)
        FileHandle.standardError.write(Data(line.utf8))
        if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
