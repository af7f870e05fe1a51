import Foundation

/// `scannetv2-labels.combined.tsv`: a raw annotation category (`raw_category`) → an integer label id, read
/// from one named column.
///
/// Conventions (ScanNet's scripts disagree; these are the choices): the first row of a repeated
/// `raw_category` wins, as pandas' `.iloc[0]` in `preprocess_scannet200.py` (the export script's dict keeps
/// the last); rows whose column is empty or not an integer are skipped and counted.
public struct ScanNetLabelMap: Sendable {
    /// Raw category → label id.
    public let ids: [String: Int]
    /// The column read (`id` or `nyu40id`).
    public let column: String
    /// Rows skipped because the column held no integer.
    public let skippedRows: Int
    /// Categories that appear on more than one row (the first row is used).
    public let repeatedCategories: [String]

    public init(ids: [String: Int], column: String) {
        self.ids = ids
        self.column = column
        self.skippedRows = 0
        self.repeatedCategories = []
    }

    /// Reads the TSV (tab-separated, header row) and maps `raw_category` through `column`.
    public init(contentsOf url: URL, column: String) throws(SceneIOError) {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadable(url: url, reason: error.localizedDescription)
        }
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first else { throw .unreadable(url: url, reason: "empty label map (no header row)") }
        let names = header.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard let from = names.firstIndex(of: "raw_category") else {
            throw .unreadable(url: url, reason: "header has no raw_category column (columns: \(names.joined(separator: ", ")))")
        }
        guard let to = names.firstIndex(of: column) else {
            throw .unreadable(url: url, reason: "header has no \(column) column (columns: \(names.joined(separator: ", ")))")
        }
        var ids: [String: Int] = [:]
        var skipped = 0
        var repeated = Set<String>()
        for line in lines.dropFirst() where !line.isEmpty {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cells.count > max(from, to), let id = Int(cells[to].trimmingCharacters(in: .whitespaces)) else {
                skipped += 1
                continue
            }
            let category = cells[from]
            if ids[category] != nil { repeated.insert(category); continue }
            ids[category] = id
        }
        self.ids = ids
        self.column = column
        self.skippedRows = skipped
        self.repeatedCategories = repeated.sorted()
    }
}
