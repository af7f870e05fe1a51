import Foundation
import Support

/// What `fuse` and `track-masks` share: check the thresholds, then handle every scene folder in order behind one
/// progress bar.
enum SceneBatch {
    /// `invalidField` is the thresholds' first out-of-range field; `body` handles one scene folder.
    static func run<R>(_ scenes: [URL], label: String, progress: Bool,
                       invalidField: (name: String, value: Double, allowed: String)?,
                       _ body: (URL) throws(VIPError) -> R) throws(VIPError) -> [R] {
        if let bad = invalidField { throw .invalidOption(name: bad.name, value: bad.value, allowed: bad.allowed) }
        let bar = ProgressBar(label, unit: "scenes", enabled: progress)
        var results: [R] = []
        for (k, url) in scenes.enumerated() {
            results.append(try body(url))
            bar.update(k + 1, of: scenes.count)
        }
        return results
    }
}
