import Foundation

/// The manifest `scene.json` of a scene folder.
public struct SceneManifest: Codable, Sendable, Equatable {
    /// dtype and shape of one `NAME.npy` array, as recorded in the manifest.
    public struct ArrayEntry: Codable, Sendable, Equatable {
        /// numpy dtype name, e.g. "float32" (`numpy.dtype(entry["dtype"])` works).
        public var dtype: NpyDType
        public var shape: [Int]

        public init(dtype: NpyDType, shape: [Int]) {
            self.dtype = dtype
            self.shape = shape
        }

        var summary: String { "\(dtype.rawValue) \(shape)" }
    }

    /// The version written by this build; older versions are read, newer ones refused.
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    /// Length unit of every coordinate array; always "m".
    public var units: String
    /// World up axis; always "+z" (gravity along -z).
    public var upAxis: String
    /// Free-form origin of the scene: tool and version, source video, recipe, seed, date...
    public var provenance: [String: String]
    /// Named counts: points, views, superpoints, instances...
    public var counts: [String: Int]
    /// Every array of the folder by name (file `NAME.npy`).
    public var arrays: [String: ArrayEntry]

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case units
        case upAxis = "up_axis"
        case provenance, counts, arrays
    }

    public init(provenance: [String: String] = [:], counts: [String: Int] = [:], arrays: [String: ArrayEntry] = [:]) {
        self.formatVersion = Self.currentFormatVersion
        self.units = "m"
        self.upAxis = "+z"
        self.provenance = provenance
        self.counts = counts
        self.arrays = arrays
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        units = try c.decodeIfPresent(String.self, forKey: .units) ?? "m"
        upAxis = try c.decodeIfPresent(String.self, forKey: .upAxis) ?? "+z"
        provenance = try c.decodeIfPresent([String: String].self, forKey: .provenance) ?? [:]
        counts = try c.decodeIfPresent([String: Int].self, forKey: .counts) ?? [:]
        arrays = try c.decodeIfPresent([String: ArrayEntry].self, forKey: .arrays) ?? [:]
    }
}

/// A scene folder (design §3): named little-endian C-order `.npy` arrays plus `scene.json`.
///
/// Every array write goes to a temporary file renamed into place, then the manifest is rewritten
/// the same way, so a reader sees either the old or the new state of each file. Names are plain
/// file stems (`coord`, `color`, `superpoints`, `corr_offsets`...). Other files (`mesh.ply`,
/// `poses.txt`) may sit in the folder; `fileURL(_:)` locates them.
public struct SceneFolder: Sendable {
    public let url: URL
    public private(set) var manifest: SceneManifest

    public static let manifestName = "scene.json"

    /// Whether `url` is a scene folder: it holds `scene.json` (its contents are checked when it is opened).
    public static func isSceneFolder(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent(manifestName).path)
    }

    /// Creates the folder if needed and writes a fresh manifest (replacing an existing one).
    public static func create(at url: URL, provenance: [String: String] = [:]) throws(SceneIOError) -> SceneFolder {
        try VideoFolderWriter.makeDirectory(url)
        let folder = SceneFolder(url: url, manifest: SceneManifest(provenance: provenance))
        try folder.saveManifest()
        return folder
    }

    /// Opens an existing scene folder, reading and checking `scene.json`.
    public init(_ url: URL) throws(SceneIOError) {
        let manifestURL = url.appendingPathComponent(Self.manifestName)
        guard FileManager.default.fileExists(atPath: manifestURL.path) else {
            throw .missingFile(url: manifestURL, purpose: "scene manifest")
        }
        let manifest = try JSONFile.read(SceneManifest.self, from: manifestURL)
        guard manifest.formatVersion <= SceneManifest.currentFormatVersion else {
            throw .sceneFormatVersion(url: manifestURL, found: manifest.formatVersion,
                                      supported: SceneManifest.currentFormatVersion)
        }
        self.init(url: url, manifest: manifest)
    }

    private init(url: URL, manifest: SceneManifest) {
        self.url = url
        self.manifest = manifest
    }

    /// Array names in sorted order.
    public var arrayNames: [String] { manifest.arrays.keys.sorted() }

    /// The path of `NAME.npy`.
    public func arrayURL(_ name: String) -> URL { url.appendingPathComponent(name + ".npy") }

    /// The path of another file in the folder, e.g. `fileURL("mesh.ply")`.
    public func fileURL(_ name: String) -> URL { url.appendingPathComponent(name) }

    // MARK: - Arrays

    /// Writes `array` as `NAME.npy` and records it in the manifest.
    public mutating func write(_ array: NpyArray, named name: String) throws(SceneIOError) {
        try Self.checkName(name)
        try Npy.write(array, to: arrayURL(name))
        manifest.arrays[name] = SceneManifest.ArrayEntry(dtype: array.dtype, shape: array.shape)
        try saveManifest()
    }

    /// Writes typed values with `shape` as `NAME.npy`, e.g. `write(coords, shape: [n, 3], named: "coord")`.
    public mutating func write<T: NpyElement>(_ values: [T], shape: [Int], named name: String) throws(SceneIOError) {
        try write(try NpyArray(values, shape: shape), named: name)
    }

    /// Records `NAME.npy`, already written in place by other means (e.g. `NpyStreamWriter`), in the manifest with
    /// the dtype and shape of its header (the header and the data size are checked).
    public mutating func recordWritten(_ name: String) throws(SceneIOError) {
        try Self.checkName(name)
        let header = try Npy.readHeader(arrayURL(name))
        manifest.arrays[name] = SceneManifest.ArrayEntry(dtype: header.dtype, shape: header.shape)
        try saveManifest()
    }

    /// Reads `NAME.npy`, checking that its dtype and shape match the manifest.
    public func read(_ name: String) throws(SceneIOError) -> NpyArray {
        let (entry, fileURL) = try existingArray(name)
        let array = try Npy.read(fileURL)
        try check(name, entry: entry, fileURL: fileURL, dtype: array.dtype, shape: array.shape)
        return array
    }

    /// Removes `NAME.npy` and its manifest entry (no error if absent).
    public mutating func remove(_ name: String) throws(SceneIOError) {
        try Self.checkName(name)
        try? FileManager.default.removeItem(at: arrayURL(name))
        manifest.arrays[name] = nil
        try saveManifest()
    }

    /// Checks every manifest entry against the header of its file (cheap: headers only).
    public func verify() throws(SceneIOError) {
        for name in arrayNames where manifest.arrays[name] != nil {
            let (entry, fileURL) = try existingArray(name)
            let header = try Npy.readHeader(fileURL)
            try check(name, entry: entry, fileURL: fileURL, dtype: header.dtype, shape: header.shape)
        }
    }

    /// `name`'s manifest entry and file URL; throws `sceneArrayMissing` if either is absent.
    private func existingArray(_ name: String) throws(SceneIOError) -> (entry: SceneManifest.ArrayEntry, fileURL: URL) {
        let fileURL = arrayURL(name)
        guard let entry = manifest.arrays[name], FileManager.default.fileExists(atPath: fileURL.path) else {
            throw .sceneArrayMissing(url: url, name: name)
        }
        return (entry, fileURL)
    }

    /// Throws `sceneArrayMismatch` unless the file's dtype and shape are the manifest's.
    private func check(_ name: String, entry: SceneManifest.ArrayEntry, fileURL: URL, dtype: NpyDType, shape: [Int]) throws(SceneIOError) {
        guard dtype == entry.dtype, shape == entry.shape else {
            throw .sceneArrayMismatch(url: fileURL, name: name, manifest: entry.summary, file: "\(dtype.rawValue) \(shape)")
        }
    }

    // MARK: - Manifest fields

    public mutating func setCount(_ key: String, _ value: Int) throws(SceneIOError) {
        manifest.counts[key] = value
        try saveManifest()
    }

    public mutating func setProvenance(_ key: String, _ value: String) throws(SceneIOError) {
        manifest.provenance[key] = value
        try saveManifest()
    }

    private func saveManifest() throws(SceneIOError) {
        try JSONFile.write(manifest, to: url.appendingPathComponent(Self.manifestName))
    }

    /// Names become file stems: keep them to letters, digits, `_`, `-` and `.` with no path tricks.
    static func checkName(_ name: String) throws(SceneIOError) {
        guard !name.isEmpty, name.count <= 200 else {
            throw .invalidArrayName(name: name, reason: "must be 1 to 200 characters")
        }
        guard name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0)) }),
              !name.hasPrefix(".") else {
            throw .invalidArrayName(name: name, reason: "use letters, digits, '_', '-' or '.', not starting with '.'")
        }
    }
}
