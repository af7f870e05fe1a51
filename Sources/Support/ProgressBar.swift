import Foundation

/// The one terminal progress bar: a `\r`-redrawn line on stderr with label, done/total, rate, extra
/// fields (loss, lr, …) and ETA, e.g. `tracking     [######..................] 120/480 frames  31.0 frames/s  ETA 12 s`.
///
/// It draws only where someone watches: when stderr is a terminal, or when forced. Logs (stderr not a
/// terminal) can instead get `logLines` whole lines per run. Redraws are limited to 5 per second so a fast
/// loop does not spend its time printing. Safe to update from several threads.
public final class ProgressBar: @unchecked Sendable {
    /// How updates reach the output.
    public enum Style: Sendable, Equatable {
        /// Nothing is written.
        case off
        /// One line rewritten in place with `\r` (at most 5 times a second), ended by a newline when done.
        case redraw
        /// Whole lines, about `count` per pass (each time another `total / count` items are done, and the last one;
        /// a caller that polls a count which jumps gets one line per boundary crossed).
        case lines(count: Int)

        /// `.redraw` when enabled and stderr is a terminal (or `force`), else `.lines(logLines)` when
        /// `logLines > 0`, else `.off`.
        public static func automatic(enabled: Bool = true, force: Bool = false, logLines: Int = 0) -> Style {
            guard enabled else { return .off }
            if force || isatty(STDERR_FILENO) != 0 { return .redraw }
            return logLines > 0 ? .lines(count: logLines) : .off
        }
    }

    /// Seconds between redraws at most, except the final one.
    static let redrawInterval = 0.2

    private let style: Style
    private let unit: String
    private let write: @Sendable (String) -> Void
    private let clock: @Sendable () -> Double
    private let lock = NSLock()
    private var label: String
    private var start: Double
    private var doneAtStart = 0
    private var lastDraw = -Double.infinity
    private var lastLength = 0
    private var finished = false
    /// `.lines`: the multiple of `total / count` of the last line written (nil before the first update of a pass).
    private var lastLineChunk: Int?

    /// A bar for `label` counting `unit` ("views", "frames", "steps"); see `Style.automatic` for when it draws.
    public convenience init(_ label: String, unit: String, enabled: Bool = true, force: Bool = false, logLines: Int = 0) {
        self.init(label, unit: unit, style: .automatic(enabled: enabled, force: force, logLines: logLines))
    }

    /// A bar with an explicit style; `write` receives each piece of output (stderr by default) and `clock`
    /// gives seconds on any monotonic scale (both replaceable for tests).
    public init(_ label: String, unit: String, style: Style,
                write: @escaping @Sendable (String) -> Void = ProgressBar.writeToStandardError,
                clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }) {
        self.label = label
        self.unit = unit
        self.style = style
        self.write = write
        self.clock = clock
        start = clock()
    }

    /// Writes `text` to stderr unbuffered.
    public static func writeToStandardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Restarts the clock (and optionally renames the stage) for a new pass; `done` is where counting
    /// resumes (a resumed training run starts at its checkpoint's step), so the rate counts only new work.
    public func begin(_ label: String? = nil, at done: Int = 0) {
        lock.lock()
        defer { lock.unlock() }
        if let label { self.label = label }
        start = clock()
        doneAtStart = done
        lastDraw = -.infinity
        lastLength = 0
        finished = false
        lastLineChunk = nil
    }

    /// Writes `text` as a line of its own between updates: a redrawn bar is blanked first and drawn again by the
    /// next update, so messages and the bar do not run into each other.
    public func message(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if style == .redraw && lastLength > 0 && !finished {
            write("\r" + String(repeating: " ", count: lastLength) + "\r")
            lastLength = 0
            lastDraw = -.infinity
        }
        write(text + "\n")
    }

    /// Reports `done` of `total` items, with optional extra fields shown before the ETA.
    public func update(_ done: Int, of total: Int, fields: [ProgressField] = []) {
        guard style != .off else { return }
        lock.lock()
        defer { lock.unlock() }
        let complete = done >= total
        guard !finished else { return }
        let now = clock()
        switch style {
        case .off:
            return
        case .redraw:
            guard complete || now - lastDraw >= Self.redrawInterval else { return }
        case .lines(let count):
            let every = max(1, total / max(1, count))
            let chunk = done / every
            // The first update of a pass writes only on a boundary; later ones when a new boundary was passed.
            let due = lastLineChunk.map { chunk > $0 } ?? (done % every == 0)
            lastLineChunk = chunk
            guard complete || due else { return }
        }
        lastDraw = now
        finished = complete
        let text = ProgressLine(label: label, done: done, total: total, unit: unit, doneSinceStart: done - doneAtStart,
                                elapsed: now - start, fields: fields).text
        if style == .redraw {
            // Blank out the tail of a longer previous line.
            let pad = String(repeating: " ", count: max(0, lastLength - text.count))
            lastLength = text.count
            write("\r" + text + pad + (complete ? "\n" : ""))
        } else {
            write(text + "\n")
        }
    }
}
