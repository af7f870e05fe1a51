import Foundation

/// One extra `name value` field on a progress line (a loss, a learning rate, …), already formatted.
public struct ProgressField: Sendable, Equatable {
    public var name: String
    public var text: String

    public init(_ name: String, text: String) {
        self.name = name
        self.text = text
    }

    /// A numeric field printed with a C format (`"%.4f"`, `"%.2e"`); non-finite values print as `nan`/`inf`.
    public init(_ name: String, _ value: Double, format: String = "%.4g") {
        self.init(name, text: value.isFinite ? String(format: format, value) : "\(value)")
    }
}

/// Everything one progress line shows, as plain values, so the formatting is a pure function.
///
/// Example: `lift         [##########..............] 40/96 views  3.1 views/s  loss 0.1234  ETA 18 s`.
public struct ProgressLine: Sendable, Equatable {
    /// What is running ("tracking", "lift"); padded to `labelWidth` characters so successive stages line up.
    public var label: String
    public var labelWidth: Int
    /// Items done so far and in all (`done` may start above 0 on resume).
    public var done: Int
    public var total: Int
    /// The plural noun of an item ("views", "frames", "steps"); empty prints just the counts and "/s".
    public var unit: String
    /// Items done since the clock started and the seconds since then (for the rate and the ETA).
    public var doneSinceStart: Int
    public var elapsed: Double
    public var fields: [ProgressField]

    /// Characters in the `[####....]` bar.
    public static let barWidth = 24

    public init(label: String, labelWidth: Int = 12, done: Int, total: Int, unit: String,
                doneSinceStart: Int, elapsed: Double, fields: [ProgressField] = []) {
        self.label = label
        self.labelWidth = labelWidth
        self.done = done
        self.total = total
        self.unit = unit
        self.doneSinceStart = doneSinceStart
        self.elapsed = elapsed
        self.fields = fields
    }

    /// Items per second since the clock started (0 before any time passed).
    public var rate: Double {
        elapsed > 0 ? Double(doneSinceStart) / elapsed : 0
    }

    /// Seconds left at the current rate, or nil while the rate is unknown.
    public var etaSeconds: Double? {
        rate > 0 ? Double(max(total - done, 0)) / rate : nil
    }

    /// The line without any `\r` or newline.
    public var text: String {
        let filled = total > 0 ? min(Self.barWidth, max(0, Self.barWidth * done / total)) : Self.barWidth
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: Self.barWidth - filled)
        var parts = [label.padding(toLength: max(labelWidth, label.count), withPad: " ", startingAt: 0) + " [" + bar + "]"]
        parts[0] += " \(done)/\(total)" + (unit.isEmpty ? "" : " " + unit)
        parts.append(String(format: "%.1f", rate) + " " + (unit.isEmpty ? "/s" : unit + "/s"))
        parts += fields.map { $0.name + " " + $0.text }
        parts.append("ETA " + (etaSeconds.map(Self.duration) ?? "?"))
        return parts.joined(separator: "  ")
    }

    /// `42 s` under a minute, else `m:ss`, else `h:mm:ss`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return String(format: "%d:%02d", s / 60, s % 60) }
        return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }
}
