import Foundation
import Support

/// A run's training log: `RUN/log.jsonl`, one JSON object per line with an integer or numeric `step`
/// and any numeric fields (loss terms, learning rate, AP, …). Non-numeric fields are ignored.
public struct TrainingLog: Sendable, Equatable {
    /// One named series: (step, value) in file order.
    public struct Series: Sendable, Equatable {
        public var name: String
        public var points: [SIMD2<Double>]

        public init(name: String, points: [SIMD2<Double>]) {
            self.name = name
            self.points = points
        }
    }

    /// Every numeric field except `step`, in order of first appearance.
    public var series: [Series]

    /// Reads the log; blank lines are skipped, a line that is not a JSON object with a numeric `step`
    /// is an error naming the line.
    public static func read(_ url: URL) throws(EvalError) -> TrainingLog {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadable(url: url, reason: "cannot read the training log: \(error.localizedDescription)")
        }
        var order: [String] = []
        var points: [String: [SIMD2<Double>]] = [:]
        for (n, line) in TextLines.split(text).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any],
                  let step = (object["step"] as? NSNumber)?.doubleValue else {
                throw .malformedFile(url: url, line: n + 1, reason: "expected a JSON object with a numeric \"step\"")
            }
            for key in object.keys.sorted() where key != "step" {
                guard let number = object[key] as? NSNumber,
                      number.doubleValue.isFinite else { continue }
                if points[key] == nil { order.append(key) }
                points[key, default: []].append(SIMD2(step, number.doubleValue))
            }
        }
        return TrainingLog(series: order.map { Series(name: $0, points: points[$0] ?? []) })
    }

    /// Loss terms (names containing "loss"), AP values (names starting or ending with "ap", e.g. `ap`,
    /// `val_ap50`) and everything else, for one chart each.
    public var groupedForCharts: [(title: String, series: [Series])] {
        func isAP(_ name: String) -> Bool {
            let parts = name.lowercased().split(whereSeparator: { $0 == "_" || $0 == "/" || $0 == "." })
            return parts.contains { $0 == "ap" || $0 == "ap50" || $0 == "ap25" || $0 == "map" }
        }
        let losses = series.filter { $0.name.lowercased().contains("loss") }
        let aps = series.filter { isAP($0.name) && !$0.name.lowercased().contains("loss") }
        let other = series.filter { s in !losses.contains(s) && !aps.contains(s) }
        return [("Loss terms", losses), ("AP over training (higher is better)", aps), ("Other logged values", other)]
            .filter { !$0.1.isEmpty }
    }
}
