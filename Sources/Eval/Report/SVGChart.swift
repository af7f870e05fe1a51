import Foundation

/// A line chart as inline SVG: one polyline per series over a shared step axis, min/max tick labels
/// and a legend. Colours come from `Palette`.
public struct SVGChart: Sendable {
    public var title: String
    public var series: [TrainingLog.Series]
    public var width = 560
    public var height = 300
    /// The x axis's caption.
    public var xLabel = "step"

    public init(title: String, series: [TrainingLog.Series]) {
        self.title = title
        self.series = series
    }

    static func label(_ value: Double) -> String {
        abs(value) >= 100_000 || (abs(value) < 0.01 && value != 0) ? String(format: "%.2e", value) : (value == value.rounded() && abs(value) < 100_000 ? String(Int(value)) : String(format: "%.3g", value))
    }

    /// The `<svg>` element.
    public var svg: String {
        let all = series.flatMap(\.points)
        guard let xMin = all.map(\.x).min(), let xMax = all.map(\.x).max(),
              let yMin = all.map(\.y).min(), let yMax = all.map(\.y).max() else { return "" }
        let left = 60.0, right = 150.0, top = 28.0, bottom = 34.0
        let plotW = Double(width) - left - right, plotH = Double(height) - top - bottom
        let xSpan = max(xMax - xMin, 1e-12), ySpan = max(yMax - yMin, 1e-12)
        func px(_ x: Double) -> Double { left + (x - xMin) / xSpan * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y - yMin) / ySpan * plotH }
        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                   "<text x=\"\(left)\" y=\"18\" font-size=\"14\" font-family=\"sans-serif\">\(HTMLText.escape(title))</text>",
                   "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotW)\" height=\"\(plotH)\" fill=\"none\" stroke=\"#888\"/>"]
        let ticks: [(String, Double, Double, String)] = [
            (Self.label(yMax), left - 4, py(yMax) + 4, "end"), (Self.label(yMin), left - 4, py(yMin), "end"),
            (Self.label(xMin), px(xMin), top + plotH + 16, "start"), (Self.label(xMax), px(xMax), top + plotH + 16, "end"),
        ]
        for (text, x, y, anchor) in ticks {
            out.append("<text x=\"\(x)\" y=\"\(y)\" font-size=\"11\" font-family=\"sans-serif\" text-anchor=\"\(anchor)\">\(text)</text>")
        }
        out.append("<text x=\"\(left + plotW / 2)\" y=\"\(Double(height) - 4)\" font-size=\"11\" font-family=\"sans-serif\" text-anchor=\"middle\">\(HTMLText.escape(xLabel))</text>")
        for (k, s) in series.enumerated() {
            let c = Palette.color(k)
            let stroke = "rgb(\(c.x),\(c.y),\(c.z))"
            let points = s.points.map { String(format: "%.1f,%.1f", px($0.x), py($0.y)) }.joined(separator: " ")
            out.append("<polyline fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"2\" points=\"\(points)\"/>")
            if s.points.count == 1, let p = s.points.first {
                out.append("<circle cx=\"\(px(p.x))\" cy=\"\(py(p.y))\" r=\"3\" fill=\"\(stroke)\"/>")
            }
            let ly = top + 12 + Double(k) * 16
            out.append("<line x1=\"\(left + plotW + 10)\" y1=\"\(ly - 4)\" x2=\"\(left + plotW + 28)\" y2=\"\(ly - 4)\" stroke=\"\(stroke)\" stroke-width=\"3\"/>")
            out.append("<text x=\"\(left + plotW + 32)\" y=\"\(ly)\" font-size=\"11\" font-family=\"sans-serif\">\(HTMLText.escape(s.name))</text>")
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }
}

/// HTML escaping for text and attribute values.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}
