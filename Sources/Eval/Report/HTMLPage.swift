import Foundation

/// The HTML pieces of the report: page frame, AP tables, scene figures.
enum HTMLPage {
    static let style = """
    body{font-family:sans-serif;margin:24px;color:#222;background:#fafafa}
    table{border-collapse:collapse;margin:8px 0 18px}td,th{border:1px solid #ccc;padding:3px 9px;text-align:right}
    td:first-child,th:first-child{text-align:left}th{background:#eee}
    .scene{display:flex;flex-wrap:wrap;gap:10px;margin-bottom:22px}.scene figure{margin:0}
    figcaption{font-size:12px;color:#555}.charts svg{margin:0 12px 12px 0;border:1px solid #ddd}
    .notes{color:#666;font-size:13px}
    """

    static func cell(_ value: Double) -> String { value.isNaN ? "–" : String(format: "%.1f", 100 * value) }

    static func tables(_ result: EvaluationResult) -> String {
        var rows = ["<tr><th>what</th><th>AP ↑</th><th>AP50 ↑</th><th>AP25 ↑</th><th>classes with GT</th></tr>",
                    "<tr><td><b>all</b></td><td><b>\(cell(result.ap))</b></td><td>\(cell(result.ap50))</td><td>\(cell(result.ap25))</td><td>\(result.classes.filter(\.isEvaluated).count)/\(result.classes.count)</td></tr>"]
        for g in result.groups {
            rows.append("<tr><td>\(HTMLText.escape(g.name))</td><td>\(cell(g.ap))</td><td>\(cell(g.ap50))</td><td>\(cell(g.ap25))</td><td>\(g.evaluatedClassCount)/\(g.classCount)</td></tr>")
        }
        var classRows = ["<tr><th>class</th><th>id</th><th>AP ↑</th><th>AP50 ↑</th><th>AP25 ↑</th><th>GT</th><th>pred</th></tr>"]
        for c in result.classes where c.isEvaluated {
            classRows.append("<tr><td>\(HTMLText.escape(c.name))</td><td>\(c.id)</td><td>\(cell(c.ap))</td><td>\(cell(c.ap50))</td><td>\(cell(c.ap25))</td><td>\(c.groundTruthCount)</td><td>\(c.predictionCount)</td></tr>")
        }
        return """
        <h2>Instance AP (ScanNet benchmark rules, in %)</h2>
        <p>\(result.sceneCount) scenes; minimum region \(result.minRegionSize) points; AP = mean over IoU 0.50:0.05:0.90.</p>
        <table>\(rows.joined())</table>
        <details><summary>Per class (\(result.classes.filter(\.isEvaluated).count) classes with ground truth)</summary>
        <table>\(classRows.joined())</table></details>
        """
    }

    static func scene(_ name: String, images: [String], coloring: SceneColoring, minConfidence: Double?) -> String {
        let captions = ["ground truth, top-down", "prediction, top-down", "ground truth, oblique", "prediction, oblique"]
        let figures = images.indices.prefix(captions.count).map { i in
            "<figure><img alt=\"\(captions[i])\" src=\"data:image/png;base64,\(images[i])\"><figcaption>\(captions[i])</figcaption></figure>"
        }
        return """
        <h3>\(HTMLText.escape(name))</h3>
        <p class="notes">\(coloring.paintedCount) predictions with confidence ≥ \(String(format: "%.3f", coloring.confidenceCut)) painted\(minConfidence == nil ? " (the most confident, as many as ground-truth instances)" : ""), \(coloring.matchedCount) match a ground-truth instance at IoU &gt; 0.5 and share its colour; grey = unannotated / not covered.</p>
        <div class="scene">\(figures.joined(separator: "\n"))</div>
        """
    }

    static func page(title: String, inputs: ReportInputs, sections: [String], notes: [String]) -> String {
        let sources = [("predictions", inputs.predictions), ("ground truth", inputs.groundTruth), ("eval.json", inputs.evaluation),
                       ("training log", inputs.trainingLog)]
            .compactMap { name, url in url.map { "<li>\(name): <code>\(HTMLText.escape($0.path))</code></li>" } }
        let noteList = notes.isEmpty ? "" : "<ul class=\"notes\">" + notes.map { "<li>\(HTMLText.escape($0))</li>" }.joined() + "</ul>"
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(HTMLText.escape(title))</title><style>\(style)</style></head>
        <body>
        <h1>\(HTMLText.escape(title))</h1>
        <ul class="notes">\(sources.joined())</ul>
        \(noteList)
        \(sections.joined(separator: "\n"))
        </body></html>

        """
    }
}
